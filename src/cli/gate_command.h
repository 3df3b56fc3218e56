#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/io.h"
#include "core/report.h"

namespace patchgate::cli {

struct GateOptions {
  DiffOptions diff;
  OutputOptions output;
  bool race = false;     // --race: run it even if the config's race.gate is false
  bool no_race = false;  // --no-race: skip it even if the config asks for it
  std::string budget;    // --race-budget, overriding race.budget
  bool review = false;     // --review: ask the second model even if review.enabled is false
  bool no_review = false;  // --no-review: skip it even if the config asks for it
};

void setup_gate(CLI::App& app, GateOptions& options);
int run_gate(const GateOptions& options, Io& io);

// check, then race and review when configured, merged into one report with one verdict.
Report build_gate_report(const GateOptions& options, const std::string& start_dir, Io& io);

}  // namespace patchgate::cli
