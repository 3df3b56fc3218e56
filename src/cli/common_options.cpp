#include "cli/common_options.h"

#include <cstdlib>

#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "core/policy.h"
#include "report/reporter.h"

namespace patchgate::cli {

void add_diff_options(CLI::App& app, DiffOptions& options) {
  auto* group = app.add_option_group("diff selection", "Which change to analyse (default: --staged)");
  group->add_flag("--staged", options.staged, "Staged changes: HEAD vs the index (the pre-commit case)");
  group->add_flag("--worktree", options.worktree,
                                   "Uncommitted changes: HEAD vs the working tree, untracked files included");
  group->add_option("--base", options.base,
                    "Changes since the merge-base of REV and HEAD (the pull-request case); `auto` takes the target "
                    "branch from CI variables (GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME, ...)")
      ->type_name("REV");
  group->add_option("--range", options.range, "Changes between two revisions: A..B, or A...B from their merge-base")
                    ->type_name("A..B");
  group->add_option("--commit", options.commit, "The changes one commit made against its first parent")
        ->type_name("REV");
  group->add_option("--patch", options.patch,
                                  "A unified diff (file, or - for stdin) applied in memory to HEAD; nothing is written")
                    ->type_name("FILE|-");
  group->add_flag("--all", options.all, "Every tracked file as it is in the working tree, no diff filter");
  group->require_option(0, 1);
}

std::string ci_base_branch() {
  // The target branch of the pull or merge request, as the common CI systems name it.
  static const char* const variables[] = {"GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
                                          "BITBUCKET_PR_DESTINATION_BRANCH", "SYSTEM_PULLREQUEST_TARGETBRANCH",
                                          "BUILDKITE_PULL_REQUEST_BASE_BRANCH", "CHANGE_TARGET",
                                          "CI_DEFAULT_BRANCH"};
  for (const char* name : variables) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    std::string branch = value;
    if (branch.rfind("refs/heads/", 0) == 0) branch = branch.substr(11);  // Azure Pipelines
    return "origin/" + branch;
  }
  throw UserError(kExitUsage, "--base auto: no CI variable names the target branch (GITHUB_BASE_REF, "
                              "CI_MERGE_REQUEST_TARGET_BRANCH_NAME, ...)",
                  "outside a pull-request build, pass the branch: --base origin/main");
}

git::DiffSpec make_diff_spec(const DiffOptions& options, std::istream& in) {
  git::DiffSpec spec;
  using Kind = git::DiffSpec::Kind;
  if (options.worktree) {
    spec.kind = Kind::kWorktree;
  } else if (options.all) {
    spec.kind = Kind::kAll;
  } else if (!options.base.empty()) {
    spec.kind = Kind::kBase;
    spec.rev = options.base == "auto" ? ci_base_branch() : options.base;
  } else if (!options.range.empty()) {
    spec.kind = Kind::kRange;
    spec.rev = options.range;
  } else if (!options.commit.empty()) {
    spec.kind = Kind::kCommit;
    spec.rev = options.commit;
  } else if (!options.patch.empty()) {
    spec.kind = Kind::kPatch;
    std::ostringstream buffer;
    if (options.patch == "-") {
      spec.patch_name = "<stdin>";
      buffer << in.rdbuf();
    } else {
      spec.patch_name = options.patch;
      std::ifstream file(options.patch, std::ios::binary);
      if (!file) throw UserError(kExitUsage, options.patch + ": cannot read the patch file", "check the path");
      buffer << file.rdbuf();
    }
    spec.patch_text = buffer.str();
  }
  return spec;
}

void add_output_options(CLI::App& app, OutputOptions& options) {
  app.add_option("--format", options.formats,
                 "Report format, repeatable: text (default), json, markdown (pull-request comment), "
                 "sarif (code scanning), github (Actions annotations), junit (CI test results)")
      ->check(CLI::IsMember(report::format_names()))
      ->type_name("FORMAT");
  app.add_option("--output", options.outputs,
                 "Write the Nth --format to this file instead of stdout (repeatable, paired in order)")
      ->type_name("FILE");
  app.add_option("--fail-on", options.fail_on,
                 "Lowest severity that blocks: error (default), warning, note, or never")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}))
      ->type_name("LEVEL");
  app.add_option("--config", options.config, "Config file (default: .patchgate.json at the repository root)")
      ->type_name("FILE");
  app.add_option("--rules", options.rules, "Rules to run: a,b selects, -c removes (e.g. --rules -go-double-lock)")
      ->type_name("LIST");
  app.add_option("--ai", options.ai,
                 "Is the change AI-authored? auto (commit trailers, git-ai notes, an agent's environment), "
                 "yes or no; AI-authored changes use the stricter `ai` profile (warnings block)")
      ->check(CLI::IsMember({"auto", "yes", "no"}));
  app.add_flag("--fail-open", options.fail_open,
               "Exit 0 instead of 3 when patchgate itself fails (a loud warning is still printed)");
  app.add_flag("-q,--quiet", options.quiet, "Only findings and the verdict line");
  app.add_flag("-v,--verbose", options.verbose, "Also list every file analysed or skipped");
}

int write_outputs(const Report& report, const OutputOptions& options, Io& io) {
  std::vector<std::string> formats = options.formats.empty() ? std::vector<std::string>{"text"} : options.formats;
  if (options.outputs.size() > formats.size())
    throw UserError(kExitUsage, "more --output files than --format options",
                    "pair each --output with a --format, e.g. --format json --output report.json");
  report::TextStyle style;
  style.quiet = options.quiet;
  style.verbose = options.verbose;
  for (size_t i = 0; i < formats.size(); ++i) {
    if (i < options.outputs.size() && options.outputs[i] != "-") {
      std::ofstream file(options.outputs[i], std::ios::binary | std::ios::trunc);
      if (!file)
        throw UserError(kExitOperational, options.outputs[i] + ": cannot write the report", "check the directory exists");
      report::write_format(formats[i], report, style, file);
    } else {
      report::TextStyle tty_style = style;
      tty_style.color = io.color;
      report::write_format(formats[i], report, tty_style, io.out);
    }
  }
  return exit_code_for(report.verdict);
}

int apply_fail_open(int code, const OutputOptions& options, Io& io) {
  if (code != kExitOperational || !options.fail_open) return code;
  io.err << "patchgate: WARNING: --fail-open: patchgate failed and the change was NOT checked; exiting 0\n";
  return kExitPass;
}

}  // namespace patchgate::cli
