#include "cli/gate_command.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cli/check_command.h"
#include "cli/race_command.h"
#include "cli/review_command.h"
#include "core/git/repository.h"
#include "core/policy.h"

namespace patchgate::cli {

void setup_gate(CLI::App& app, GateOptions& options) {
  add_diff_options(app, options.diff);
  add_output_options(app, options.output);
  auto* stages = app.add_option_group("stages", "Which stages run besides the static check");
  stages->add_flag("--race", options.race, "Also run `patchgate race` on the touched packages (default: the config's race.gate)");
  stages->add_flag("--no-race", options.no_race, "Do not run the race stage even if the config asks for it");
  stages->add_option("--race-budget", options.budget, "Wall clock for the race stage, e.g. 5m (default: race.budget)");
  stages->add_flag("--review", options.review,
                   "Also ask the second model (`patchgate review`; default: the config's review.enabled)");
  stages->add_flag("--no-review", options.no_review, "Do not ask the second model even if the config asks for it");
  app.footer(
      "Runs the static checklist (`patchgate check`), then the race and stress runs (`patchgate race`)\n"
      "when `race.gate` is true in .patchgate.json or --race is given, then the second model's review\n"
      "(`patchgate review`, shown the check and race findings) when `review.enabled` is true or --review\n"
      "is given, and prints one report with one verdict. The report lists each stage and whether it\n"
      "ran, was served from the cache, failed, or was skipped. Hooks and CI call this.\n\n"
      "Exit codes: 0 pass, 1 blocked by findings, 2 usage or configuration error, 3 a stage could not run\n"
      "(a failed review counts only when review.required is true and --fail-open is not given).\n\n"
      "Examples:\n"
      "  patchgate gate                         # staged changes: check, plus race and review if configured\n"
      "  patchgate gate --base origin/main --race --review --format json --output gate.json");
}

Report build_gate_report(const GateOptions& options, const std::string& start_dir, Io& io) {
  CheckOptions check;
  check.diff = options.diff;
  check.output = options.output;
  // The patch text is read once: a second stage gets it from a file, not from a drained stdin.
  std::string patch_text;
  if (options.diff.patch == "-") {
    std::ostringstream buffer;
    buffer << io.in.rdbuf();
    patch_text = buffer.str();
  }
  std::istringstream check_in(patch_text);
  Report report = build_check_report(check, start_dir, options.diff.patch == "-" ? check_in : io.in);
  int analysed = 0;
  for (const auto& file : report.files) analysed += file.analysed;
  report.stages.push_back({"check", "ran", std::to_string(analysed) + " file(s) analysed"});

  auto repo = git::Repository::discover(start_dir);
  Config config = load_config(options.output.config, repo->workdir().empty() ? start_dir : repo->workdir());
  // The AI profile requires the race stage (ai.race, default true).
  bool ai_race = report.ai_authored && config.ai.race;
  bool race_failed = false;
  bool run_race = !options.no_race && (options.race || config.race.gate || ai_race);
  if (!run_race) {
    report.stages.push_back({"race", "skipped", options.no_race ? "--no-race" : "not configured (race.gate is false; --race runs it)"});
  } else {
    if (ai_race && !options.race && !config.race.gate) io.err << "patchgate: AI-authored change (" << report.ai_reason << "): running the race stage\n";
    RaceOptions race;
    race.diff = options.diff;
    race.output = options.output;
    race.budget = options.budget;
    std::istringstream race_in(patch_text);
    Io race_io{options.diff.patch == "-" ? race_in : io.in, io.out, io.err, io.color};
    Report raced = build_race_report(race, start_dir, race_io);
    for (auto& finding : raced.findings) finding.ai_authored = report.ai_authored;
    report.findings.insert(report.findings.end(), raced.findings.begin(), raced.findings.end());
    report.errors.insert(report.errors.end(), raced.errors.begin(), raced.errors.end());
    report.race_packages = raced.race_packages;
    report.stages.insert(report.stages.end(), raced.stages.begin(), raced.stages.end());
    race_failed = raced.verdict == Verdict::kError;  // the race stage could not do its job
  }
  // The second model sees what check and race found, and attacks the rest.
  bool review_failed = false;
  if (options.no_review || !(options.review || config.review.enabled)) {
    report.stages.push_back(
        {"review", "skipped", options.no_review ? "--no-review" : "not configured (review.enabled is false; --review runs it)"});
  } else {
    review_failed = add_review_stage(config, options.diff, patch_text, options.output, false, start_dir, report, io);
  }
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  report.verdict = decide(report);
  if (race_failed && !(options.output.fail_open && report.verdict == Verdict::kBlock)) report.verdict = Verdict::kError;
  // add_review_stage already softened a failure under --fail-open or review.required=false.
  if (review_failed) report.verdict = Verdict::kError;
  return report;
}

int run_gate(const GateOptions& options, Io& io) {
  Report report = build_gate_report(options, std::filesystem::current_path().string(), io);
  int code = write_outputs(report, options.output, io);
  return apply_fail_open(code, options.output, io);
}

}  // namespace patchgate::cli
