#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "checks/check.h"
#include "core/config.h"
#include "core/git/change_set.h"
#include "core/report.h"
#include "core/shard.h"

// `patchgate race`: go test -race (and stress flags) for the packages a change touches, the
// output parsed into findings on repository lines.
namespace patchgate::runners {

struct RaceOptions {
  RaceConfig config;                  // count, cpu, timeout, budget, shuffle, skip, leak check
  int jobs = 1;                       // packages run at once
  std::string run;                    // go test -run
  std::vector<std::string> packages;  // --pkgs: repository-relative directories instead of the change's
  bool with_dependents = false;       // add same-module packages that import the affected ones
  Shard shard;                        // --shard K/N: this runner's slice of the packages
  bool use_cache = true;
  std::string go = "go";              // the go command
  std::chrono::milliseconds leak_settle{std::chrono::milliseconds(500)};
};

// The rules whose findings come from running code (race, stress), for `rules` and `explain`.
const std::vector<checks::RuleInfo>& runtime_rules();

// A Go package to test: its directory and the module it belongs to, both absolute.
struct GoPackage {
  std::string dir;          // repository-relative ("." for the root)
  std::string module_root;  // absolute directory holding go.mod
};

// The Go packages holding the change's .go files: directories with Go files under a go.mod
// inside the work tree (testdata, vendor and hidden directories excluded), sorted.
std::vector<GoPackage> affected_packages(const git::ChangeSet& change, const std::string& workdir);

// Progress as the run goes, for a live display: (package dir, what happened) per event.
using RaceProgress = std::function<void(const std::string& dir, const std::string& event)>;

// Runs the packages and fills report.findings, report.race_packages and report.errors.
// cache_dir: where results are kept between runs (".git/patchgate/race"); "" disables it.
void run_go_race(const git::ChangeSet& change, const std::string& workdir, const std::string& cache_dir,
                 const RaceOptions& options, Report& report, const RaceProgress& progress = {},
                 const std::function<void()>& tick = {});

// The findings one `go test` output yields for a package (exposed for tests and the C++ path).
// Locations are made repository-relative; frames outside workdir are not locations.
std::vector<Finding> go_output_findings(const std::string& output, const std::string& workdir,
                                        const std::string& package_dir);

}  // namespace patchgate::runners
