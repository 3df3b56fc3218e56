// patchgate: stops patches that ship concurrency bugs. main() parses, dispatches, maps errors.
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/baseline_command.h"
#include "cli/merge_command.h"
#include "cli/check_command.h"
#include "cli/demo_command.h"
#include "cli/gate_command.h"
#include "cli/hook_command.h"
#include "cli/init_command.h"
#include "cli/io.h"
#include "cli/race_command.h"
#include "cli/review_command.h"
#include "cli/rules_command.h"
#include "core/errors.h"
#include "core/exit_codes.h"
#include "core/heap.h"
#include "lang/tree_arena.h"

using namespace patchgate;

int main(int argc, char** argv) {
  prepare_heap();
  lang::install_tree_arenas();
  CLI::App app{"patchgate: stops patches that ship concurrency bugs (deadlocks, leaks, lost cancellation).", "patchgate"};
  app.set_version_flag("--version", std::string("patchgate ") + PATCHGATE_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Start with `patchgate demo`. Exit codes: 0 pass, 1 blocked by findings, 2 usage or configuration\n"
      "error, 3 patchgate failed (git, toolchain, model unreachable). `patchgate <command> --help`\n"
      "explains each command.");

  cli::CheckOptions check;
  cli::setup_check(*app.add_subcommand("check", "Static concurrency checklist over a diff (the fast hook path)"), check);
  cli::BaselineOptions baseline;
  cli::setup_baseline(*app.add_subcommand("baseline", "Record today's findings so only new problems block"), baseline);
  cli::GateOptions gate;
  cli::setup_gate(*app.add_subcommand("gate", "check, then race and review when configured: one report, one exit code (hooks and CI)"), gate);
  cli::MergeOptions merge;
  cli::setup_merge(*app.add_subcommand("merge", "Combine JSON reports (the shards of a split run) into one verdict"), merge);
  cli::HookOptions hook;
  cli::setup_hook(*app.add_subcommand("hook", "Install, remove or run the git pre-commit and pre-push hooks"), hook);
  cli::RaceOptions race;
  cli::setup_race(*app.add_subcommand("race", "Race and stress runs of the packages the change touches (go test -race)"), race);
  cli::ReviewOptions review;
  cli::setup_review(*app.add_subcommand("review", "Ask a second model to attack the change; only grounded claims count"), review);
  cli::RulesOptions rules;
  cli::setup_rules(*app.add_subcommand("rules", "List the rule catalogue"), rules);
  cli::ExplainOptions explain;
  cli::setup_explain(*app.add_subcommand("explain", "Show one rule's documentation"), explain);
  cli::InitOptions init;
  cli::setup_init(*app.add_subcommand("init", "Write a commented starter .patchgate.json"), init);
  cli::DemoOptions demo;
  cli::setup_demo(*app.add_subcommand("demo", "Gate a throw-away repo holding the double-lock refactor story"), demo);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kExitPass : kExitUsage;
  }

  cli::Io io;
  io.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  const std::string command = app.get_subcommands().front()->get_name();
  const cli::OutputOptions& output = command == "race"     ? race.output
                                     : command == "gate"   ? gate.output
                                     : command == "hook"   ? hook.output
                                     : command == "review" ? review.output
                                     : command == "merge"  ? merge.output
                                                           : check.output;
  try {
    if (command == "check") return cli::run_check(check, io);
    if (command == "race") return cli::run_race(race, io);
    if (command == "gate") return cli::run_gate(gate, io);
    if (command == "review") return cli::run_review(review, io);
    if (command == "baseline") return cli::run_baseline(baseline, io);
    if (command == "hook") return cli::run_hook(hook, io);
    if (command == "merge") return cli::run_merge(merge, io);
    if (command == "rules") return cli::run_rules(rules, io);
    if (command == "explain") return cli::run_explain(explain, io);
    if (command == "init") return cli::run_init(init, io);
    if (command == "demo") return cli::run_demo(demo, io);
  } catch (const UserError& error) {
    std::cerr << "patchgate: error: " << error.what();
    if (!error.hint().empty()) std::cerr << " (" << error.hint() << ")";
    std::cerr << '\n';
    return cli::apply_fail_open(error.code(), output, io);
  } catch (const std::exception& error) {
    std::cerr << "patchgate: internal error: " << error.what() << " (please report this with the command you ran)\n";
    return cli::apply_fail_open(kExitOperational, output, io);
  }
  return kExitUsage;
}
