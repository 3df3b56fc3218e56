#include "cli/baseline_command.h"

#include <filesystem>
#include <fstream>

#include "cli/check_command.h"
#include "core/errors.h"
#include "core/git/repository.h"
#include "core/policy.h"

namespace patchgate::cli {

void setup_baseline(CLI::App& app, BaselineOptions& options) {
  app.add_option("--output", options.output, "Where to write it (default: .patchgate-baseline.json at the repository root)");
  app.add_option("--config", options.config, "Config file (default: .patchgate.json at the repository root)");
  app.add_option("--rules", options.rules, "Rules to run: a,b selects, -c removes");
  app.footer(
      "Runs the static checklist over the whole tree (`check --all`) and writes the fingerprints of\n"
      "what it finds to .patchgate-baseline.json. Commit that file: check and gate then leave those\n"
      "findings out (the report counts them), so an existing codebase can adopt the gate and only new\n"
      "problems block. A fingerprint survives lines moving; editing the line makes the finding new.\n"
      "`check --no-baseline` shows everything.");
}

int run_baseline(const BaselineOptions& options, Io& io) {
  CheckOptions check;
  check.diff.all = true;
  check.no_baseline = true;
  check.output.config = options.config;
  check.output.rules = options.rules;
  check.output.fail_on = "never";
  const std::string cwd = std::filesystem::current_path().string();
  Report report = build_check_report(check, cwd, io.in);
  auto repo = git::Repository::discover(cwd);
  std::string path = options.output.empty() ? repo->workdir() + "/" + kBaselineFile : options.output;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << baseline_json(report);
  if (!out) throw UserError(kExitOperational, path + ": cannot write the baseline", "check the directory exists");
  io.out << "patchgate: wrote " << report.findings.size() << " finding(s) to " << path
         << "; commit it, and check and gate will leave them out\n";
  return kExitPass;
}

}  // namespace patchgate::cli
