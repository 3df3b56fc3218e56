#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/report.h"

namespace patchgate::report {

struct TextStyle {
  bool color = false;
  bool verbose = false;
  bool quiet = false;  // findings and the verdict line only
};

// One reporter per format; each writes the finished report and never analyses.
void write_text(const Report& report, const TextStyle& style, std::ostream& out);
void write_json(const Report& report, std::ostream& out);
void write_sarif(const Report& report, std::ostream& out);
void write_github(const Report& report, std::ostream& out);
void write_markdown(const Report& report, std::ostream& out);
// GitHub's limit on a pull-request comment, in characters.
inline constexpr size_t kGithubCommentLimit = 65536;
// Markdown cut to fit a comment: the details section first, then whole findings from the end,
// each time saying what was left out and where to find it.
std::string fit_comment(std::string markdown, size_t findings);
void write_junit(const Report& report, std::ostream& out);

const std::vector<std::string>& format_names();  // github, json, junit, markdown, sarif, text
bool is_known_format(const std::string& name);
void write_format(const std::string& format, const Report& report, const TextStyle& style, std::ostream& out);

}  // namespace patchgate::report
