#pragma once

#include <string>

#include "core/report.h"

namespace patchgate::report {

// Reads a report written by write_json (schema patchgate.report/1) back into a Report, for
// `patchgate merge`. Throws UserError(kExitUsage) naming `name` and the field when the text is
// not such a report.
Report read_json_report(const std::string& text, const std::string& name);

// Shards (or any reports of the same change) combined into one: findings, files and packages
// de-duplicated, counts summed, the strictest fail_on kept; the verdict is left to the caller.
// When the inputs carry `shard`, each of 1..N must be there exactly once, or UserError.
Report merge_reports(const std::vector<std::pair<std::string, Report>>& named_reports);

}  // namespace patchgate::report
