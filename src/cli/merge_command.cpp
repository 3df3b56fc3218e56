#include "cli/merge_command.h"

#include <filesystem>

#include "core/errors.h"
#include "core/files.h"
#include "core/policy.h"
#include "report/json_reader.h"
#include "report/reporter.h"

namespace patchgate::cli {

void setup_merge(CLI::App& app, MergeOptions& options) {
  app.add_option("reports", options.inputs, "JSON reports to combine (`--format json --output FILE` of each run)")
      ->required()
      ->type_name("FILE...");
  app.add_option("--format", options.output.formats, "Report format, repeatable: text (default), json, markdown, sarif, github, junit")
      ->check(CLI::IsMember(report::format_names()))
      ->type_name("FORMAT")
      ->allow_extra_args(false);  // one value each: the reports are positional
  app.add_option("--output", options.output.outputs, "Write the Nth --format to this file instead of stdout")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app.add_option("--fail-on", options.output.fail_on,
                 "Lowest severity that blocks (default: the strictest of the reports' own)")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}))
      ->type_name("LEVEL");
  app.add_flag("--fail-open", options.output.fail_open, "Exit 0 instead of 3 when a report says its run failed");
  app.add_flag("-q,--quiet", options.output.quiet, "Only findings and the verdict line");
  app.add_flag("-v,--verbose", options.output.verbose, "Also list every file analysed or skipped");
  app.footer(
      "Combines JSON reports into one verdict in any format: the shards of a run split across CI\n"
      "runners with `--shard K/N` (every shard must be there, once), or the reports of separate\n"
      "stages. Findings and files are de-duplicated; a run that failed in any report makes the\n"
      "merged verdict an error.\n\n"
      "Exit codes: 0 pass, 1 blocked by findings, 2 a report is missing, unreadable or not a\n"
      "patchgate report, 3 one of the runs failed.\n\n"
      "Examples:\n"
      "  patchgate check --all --shard 1/2 --format json --output shard-1.json   # runner 1\n"
      "  patchgate check --all --shard 2/2 --format json --output shard-2.json   # runner 2\n"
      "  patchgate merge shard-*.json --format sarif --output patchgate.sarif --format text");
}

int run_merge(const MergeOptions& options, Io& io) {
  std::vector<std::pair<std::string, Report>> reports;
  for (const auto& path : options.inputs) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
      throw UserError(kExitUsage, path + ": no such report", "check the path; each run writes its own with --format json --output FILE");
    reports.emplace_back(path, report::read_json_report(read_file(path), path));
  }
  Report merged = report::merge_reports(reports);
  if (!options.output.fail_on.empty()) merged.fail_on = *parse_fail_on(options.output.fail_on);
  bool failed = merged.verdict == Verdict::kError;
  merged.verdict = decide(merged);
  if (failed && !(options.output.fail_open && merged.verdict == Verdict::kBlock)) merged.verdict = Verdict::kError;
  int code = write_outputs(merged, options.output, io);
  return apply_fail_open(code, options.output, io);
}

}  // namespace patchgate::cli
