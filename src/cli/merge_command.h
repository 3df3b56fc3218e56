#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/io.h"

namespace patchgate::cli {

struct MergeOptions {
  std::vector<std::string> inputs;  // JSON reports, e.g. one per `--shard K/N` runner
  OutputOptions output;             // --format/--output/--fail-on/--fail-open/-q/-v
};

void setup_merge(CLI::App& app, MergeOptions& options);
int run_merge(const MergeOptions& options, Io& io);

}  // namespace patchgate::cli
