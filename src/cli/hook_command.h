#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/io.h"

namespace patchgate::cli {

struct HookOptions {
  std::string action;               // install, uninstall, run
  std::vector<std::string> hooks;   // pre-commit, pre-push (install/uninstall; default both)
  std::string run_hook;             // for run: which hook git called
  std::vector<std::string> hook_args;  // for run: the arguments git passed (pre-push: remote, url)
  OutputOptions output;
};

void setup_hook(CLI::App& app, HookOptions& options);
int run_hook(const HookOptions& options, Io& io);

// The hook script patchgate installs for `hook` ("pre-commit" or "pre-push"); `binary` is the
// absolute path of patchgate at install time, tried first.
std::string hook_script(const std::string& hook, const std::string& binary);

}  // namespace patchgate::cli
