#include "cli/check_command.h"

#include <cstdlib>
#include <filesystem>

#include "checks/analysis.h"
#include "checks/registry.h"
#include "core/ai.h"
#include "core/errors.h"
#include "core/git/repository.h"
#include "core/policy.h"

namespace patchgate::cli {

void setup_check(CLI::App& app, CheckOptions& options) {
  add_diff_options(app, options.diff);
  add_output_options(app, options.output);
  app.add_flag("--no-baseline", options.no_baseline,
               "Also report findings listed in .patchgate-baseline.json (written by `patchgate baseline`)");
  app.add_option("--jobs,-j", options.jobs, "Packages parsed and analysed at once (default: the number of cores)")
      ->check(CLI::Range(1, 256));
  app.add_option("--shard", options.shard,
                 "Analyse only slice K of N of the packages (e.g. 2/4), for splitting --all across CI runners; "
                 "`patchgate merge` combines the shards' JSON reports")
      ->type_name("K/N");
  app.footer(
      "Runs the static concurrency checklist over the changed Go code (no subprocesses): a finding is\n"
      "reported only when its location, a related location, or the locked region it describes\n"
      "touches a changed line (an added line, or where lines were removed), unless --all.\n\n"
      "Exit codes: 0 pass, 1 blocked by findings, 2 usage or configuration error, 3 patchgate failed.\n\n"
      "Examples:\n"
      "  patchgate check                      # staged changes, as the pre-commit hook does\n"
      "  patchgate check --base origin/main   # everything this branch adds\n"
      "  git diff | patchgate check --patch - --format json\n"
      "  patchgate check --all --shard 2/4 --format json --output shard-2.json   # one of four CI runners");
}

Report build_check_report(const CheckOptions& options, const std::string& start_dir, std::istream& in) {
  auto repo = git::Repository::discover(start_dir);
  Config config = load_config(options.output.config, repo->workdir().empty() ? start_dir : repo->workdir());
  checks::validate_rule_config(config);
  auto selection = checks::parse_rule_selection(options.output.rules);
  git::DiffSpec spec = make_diff_spec(options.diff, in);

  git::DiffLimits limits;
  limits.max_file_bytes = config.max_file_bytes;
  git::ChangeSet change = git::load_change_set(repo, spec, limits);

  Report report;
  report.fail_on = options.output.fail_on.empty() ? config.fail_on.value_or(FailOn::kError)
                                                  : *parse_fail_on(options.output.fail_on);
  Shard shard;
  if (!options.shard.empty()) {
    auto parsed = parse_shard(options.shard);
    if (!parsed) throw UserError(kExitUsage, "--shard: expected K/N with 1 <= K <= N <= 1000, got '" + options.shard + "'",
                                 "e.g. --shard 1/4 on the first of four runners");
    shard = *parsed;
  }
  checks::analyze_change(change, config, selection, report, static_cast<unsigned>(options.jobs), shard);
  // Who wrote it: an AI-authored change gets the stricter threshold unless --fail-on is given.
  std::vector<std::string> patterns = default_ai_patterns(), env = default_ai_env();
  patterns.insert(patterns.end(), config.ai.patterns.begin(), config.ai.patterns.end());
  env.insert(env.end(), config.ai.env.begin(), config.ai.env.end());
  AiDecision ai = decide_ai(*repo, change, parse_ai_mode(options.output.ai).value_or(AiMode::kAuto), patterns, env,
                            [](const char* name) { return std::getenv(name); });
  report.ai_authored = ai.authored;
  report.ai_reason = ai.reason;
  for (auto& finding : report.findings) finding.ai_authored = ai.authored;
  if (ai.authored && options.output.fail_on.empty() && static_cast<int>(config.ai.fail_on) < static_cast<int>(report.fail_on))
    report.fail_on = config.ai.fail_on;
  // `// patchgate:ignore rule -- reason` at the revision the findings are about.
  apply_suppressions(report, [&](const std::string& path) { return change.revision->read(path); });
  if (!options.no_baseline && !repo->workdir().empty()) apply_baseline(report, repo->workdir() + "/" + kBaselineFile);
  report.verdict = decide(report);
  return report;
}

int run_check(const CheckOptions& options, Io& io) {
  Report report = build_check_report(options, std::filesystem::current_path().string(), io.in);
  return write_outputs(report, options.output, io);
}

}  // namespace patchgate::cli
