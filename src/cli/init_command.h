#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/io.h"

namespace patchgate::cli {

struct InitOptions {
  std::string path;  // default: <repository root>/.patchgate.json
  bool force = false;
  bool print = false;
};

void setup_init(CLI::App& app, InitOptions& options);
int run_init(const InitOptions& options, Io& io);
// The commented starter config, listing every rule with its default severity and options.
std::string starter_config();

}  // namespace patchgate::cli
