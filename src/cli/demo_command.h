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

// The demo's story, for tests that need the same change: the module file, and the limiter
// (at ratelimit/limiter.go) before and after the refactor.
struct DemoStory {
  const char* go_mod;
  const char* before;
  const char* after;
};
const DemoStory& demo_story();

}  // namespace patchgate::cli
