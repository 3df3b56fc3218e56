#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/io.h"

namespace patchgate::cli {

struct BaselineOptions {
  std::string output;  // default: .patchgate-baseline.json at the repository root
  std::string config;
  std::string rules;
};

void setup_baseline(CLI::App& app, BaselineOptions& options);
int run_baseline(const BaselineOptions& options, Io& io);

}  // namespace patchgate::cli
