#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/io.h"
#include "core/report.h"

namespace patchgate::cli {

struct CheckOptions {
  DiffOptions diff;
  OutputOptions output;
  bool no_baseline = false;  // --no-baseline: also show what .patchgate-baseline.json lists
  int jobs = 0;              // --jobs: packages analysed at once; 0: one per core
  std::string shard;         // --shard K/N: this runner's slice of the packages
};

void setup_check(CLI::App& app, CheckOptions& options);
int run_check(const CheckOptions& options, Io& io);

// The static checklist over the change selected by options, for the repository containing
// start_dir; the verdict is decided but nothing is printed.
Report build_check_report(const CheckOptions& options, const std::string& start_dir, std::istream& in);

}  // namespace patchgate::cli
