#pragma once

#include <CLI/CLI.hpp>

#include "cli/io.h"

namespace patchgate::cli {

struct RulesOptions {
  bool json = false;
};

void setup_rules(CLI::App& app, RulesOptions& options);
int run_rules(const RulesOptions& options, Io& io);

struct ExplainOptions {
  std::string rule;
};

void setup_explain(CLI::App& app, ExplainOptions& options);
int run_explain(const ExplainOptions& options, Io& io);

}  // namespace patchgate::cli
