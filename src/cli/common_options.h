#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/io.h"
#include "core/git/change_set.h"
#include "core/report.h"

namespace patchgate::cli {

// Which change to analyse; shared by every command that reads a diff.
struct DiffOptions {
  bool staged = false;
  bool worktree = false;
  bool all = false;
  std::string base;
  std::string range;
  std::string commit;
  std::string patch;
};

void add_diff_options(CLI::App& app, DiffOptions& options);
// `--base auto`: origin/<target branch> from the CI's pull-request variables; UserError if none.
std::string ci_base_branch();
// Reads the --patch file (or stdin for "-"); defaults to --staged.
git::DiffSpec make_diff_spec(const DiffOptions& options, std::istream& in);

// How results are written and judged; shared by every command that renders a report.
struct OutputOptions {
  std::vector<std::string> formats;
  std::vector<std::string> outputs;
  std::string fail_on;  // empty: from config, else "error"
  std::string config;
  std::string rules;
  std::string ai = "auto";  // --ai auto|yes|no
  bool fail_open = false;
  bool quiet = false;
  bool verbose = false;
};

void add_output_options(CLI::App& app, OutputOptions& options);
// Writes each requested format (to its --output file, or stdout) and returns the exit code.
int write_outputs(const Report& report, const OutputOptions& options, Io& io);
// Applies --fail-open to an operational failure.
int apply_fail_open(int code, const OutputOptions& options, Io& io);

}  // namespace patchgate::cli
