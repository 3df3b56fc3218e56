#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/exit_codes.h"
#include "core/report.h"

namespace patchgate {

// Pass unless a finding is at or above the fail_on threshold.
Verdict decide(const Report& report);
bool blocks(const Finding& finding, FailOn fail_on);
ExitCode exit_code_for(Verdict verdict);

// `// patchgate:ignore <rule-id>[,<rule-id>...] -- <reason>` on a finding's line, or alone on
// the line above it. Without a reason it suppresses nothing and is itself a warning
// (`suppression-without-reason`): the reason is what a reviewer reads.
struct Suppression {
  std::string file;
  int line = 0;            // the line the comment is on
  bool own_line = false;   // the comment is the whole line: it covers the next line
  std::vector<std::string> rules;  // "all" covers every rule
  std::string reason;
};
std::vector<Suppression> parse_suppressions(const std::string& path, const std::string& text);

// Drops the findings a suppression covers (counted in report.suppressed) and adds a finding
// for each suppression without a reason. `read` returns a file's text at the revision the
// findings are about.
void apply_suppressions(Report& report, const std::function<std::optional<std::string>(const std::string&)>& read);

// .patchgate-baseline.json: the fingerprints of findings a codebase already had when it
// adopted the gate; they do not block or show (counted in report.baselined).
inline constexpr const char* kBaselineFile = ".patchgate-baseline.json";
std::string baseline_json(const Report& report);
// Reads the baseline at path (absent: nothing to drop); malformed: UserError naming the file.
void apply_baseline(Report& report, const std::string& path);

}  // namespace patchgate
