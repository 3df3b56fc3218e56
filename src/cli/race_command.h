#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/io.h"
#include "core/report.h"

namespace patchgate::cli {

struct RaceOptions {
  DiffOptions diff;
  OutputOptions output;
  int count = 0;  // 0: from config
  std::string cpu, timeout, budget, run;
  int jobs = 0;  // 0: the number of cores
  bool shuffle = false;
  std::vector<std::string> packages;
  bool with_dependents = false;
  std::string shard;  // --shard K/N
  bool no_cache = false;
  std::string go = "go";
  bool cmake = false;
  std::string cmake_source = ".";
};

void setup_race(CLI::App& app, RaceOptions& options);
int run_race(const RaceOptions& options, Io& io);

// The race run over the change selected by options, for the repository containing start_dir;
// progress goes to io.err (a live line on a terminal, plain lines otherwise).
Report build_race_report(const RaceOptions& options, const std::string& start_dir, Io& io);

}  // namespace patchgate::cli
