#pragma once

#include <CLI/CLI.hpp>

#include "cli/io.h"

namespace patchgate::cli {

struct DemoOptions {
  bool keep = false;
  std::string format = "text";
};

void setup_demo(CLI::App& app, DemoOptions& options);
// Builds a throw-away repository holding a rate limiter, stages an "extract helper, no
// functional change" refactor whose helper re-locks the caller's mutex, and gates it.
int run_demo(const DemoOptions& options, Io& io);

}  // namespace patchgate::cli
