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
void write_junit(const Report& report, std::ostream& out);

const std::vector<std::string>& format_names();  // github, json, junit, markdown, sarif, text
bool is_known_format(const std::string& name);
void write_format(const std::string& format, const Report& report, const TextStyle& style, std::ostream& out);

}  // namespace patchgate::report
