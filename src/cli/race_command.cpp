#include "cli/race_command.h"

#include <git2.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <set>
#include <thread>

#include "core/errors.h"
#include "core/git/repository.h"
#include "core/git/source_tree.h"
#include "core/policy.h"
#include "runners/cmake_runner.h"
#include "runners/process.h"
#include "runners/race_runner.h"

namespace fs = std::filesystem;

namespace patchgate::cli {

void setup_race(CLI::App& app, RaceOptions& options) {
  add_diff_options(app, options.diff);
  add_output_options(app, options.output);
  auto* run = app.add_option_group("race run", "How the tests run (defaults from the `race` section of .patchgate.json)");
  run->add_option("--count", options.count, "go test -count: runs of each test per GOMAXPROCS value (default 3)")
      ->check(CLI::Range(1, 10000));
  run->add_option("--cpu", options.cpu, "go test -cpu: GOMAXPROCS values, comma separated (default 1,4)");
  run->add_option("--timeout", options.timeout, "go test -timeout per package, e.g. 30s, 2m (default 60s)");
  run->add_option("--budget", options.budget,
                  "Wall clock for the whole run, e.g. 5m; what has not finished by then is stopped and reported "
                  "as not run (default 5m)");
  run->add_option("--jobs", options.jobs, "Packages tested at once (default: the number of cores)")->check(CLI::Range(1, 256));
  run->add_flag("--shuffle", options.shuffle, "go test -shuffle=on: run tests in a random order");
  run->add_option("--run", options.run, "go test -run: only tests matching this regular expression");
  run->add_option("--pkgs", options.packages,
                  "Package directories to test instead of those the change touches (repository-relative, repeatable "
                  "or comma separated)")
      ->delimiter(',');
  run->add_flag("--with-dependents", options.with_dependents,
                "Also test same-module packages that import the touched ones (one `go list` per module)");
  run->add_option("--shard", options.shard,
                  "Test only slice K of N of the packages (e.g. 2/4), to split a run across CI runners; "
                  "`patchgate merge` combines the shards' JSON reports")
      ->type_name("K/N");
  run->add_flag("--no-cache", options.no_cache, "Run even when an identical run's result is cached in .git/patchgate/race");
  run->add_option("--go", options.go, "The go command (default: go on PATH)");
  run->add_flag("--cmake", options.cmake,
                "A C/C++ CMake project instead: build it with -fsanitize=thread in .git/patchgate/tsan-build and "
                "repeat its CTest suite (--count times, until a failure)");
  run->add_option("--cmake-source", options.cmake_source, "With --cmake: the project directory (default: the repository root)");
  app.footer(
      "Runs `go test -race` for the Go packages holding the change's files, each in its own process\n"
      "group with GOTRACEBACK=all, and turns what the runtime prints into findings on repository lines:\n"
      "  race-data-race       both accesses and where each goroutine started\n"
      "  race-deadlock        'all goroutines are asleep', grouped by where they are stuck\n"
      "  race-timeout         a hang past -timeout, goroutines grouped by (state, first repository frame)\n"
      "  race-goroutine-leak  goroutines the package started that still run after its tests (an -overlay\n"
      "                       TestMain reports them; the package's files are never modified)\n"
      "  race-test-failure    a test that fails or panics under -race\n"
      "  race-build-failure   the package does not build (exit 3: the check could not run)\n"
      "Results are cached by the content of the package, its tests and the flags: a second run on an\n"
      "unchanged tree is instant. The tests run on the working tree as it is on disk.\n\n"
      "Exit codes: 0 pass, 1 blocked by findings, 2 usage or configuration error, 3 a package did not\n"
      "build, go is missing, or the run was interrupted.\n\n"
      "Examples:\n"
      "  patchgate race                           # packages with staged changes\n"
      "  patchgate race --base origin/main --budget 10m --count 10\n"
      "  patchgate race --pkgs ./ratelimit --cpu 1,2,4,8 --format json\n"
      "  patchgate race --cmake --count 20        # a C++ project under ThreadSanitizer");
}

namespace {

// Progress on stderr: one live line on a terminal, plain lines otherwise.
class Progress {
 public:
  Progress(Io& io, bool quiet, std::chrono::milliseconds budget)
      : io_(io), quiet_(quiet), tty_(isatty(STDERR_FILENO) && &io.err == &std::cerr), budget_(budget),
        start_(runners::Clock::now()) {}
  ~Progress() {
    if (tty_ && drawn_) io_.err << "\r\x1b[K" << std::flush;
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void event(const std::string& dir, const std::string& what) {
    if (quiet_) return;
    if (what == "started") {
      running_.insert(dir);
    } else {
      running_.erase(dir);
      ++done_;
    }
    if (!tty_) {
      io_.err << "race: " << dir << ": " << what << '\n';
      return;
    }
    draw();
  }
  void tick() {
    if (tty_ && !quiet_ && !running_.empty()) draw();
  }

 private:
  void draw() {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(runners::Clock::now() - start_);
    std::string names;
    for (const auto& d : running_) names += (names.empty() ? "" : ", ") + d;
    if (names.size() > 50) names = names.substr(0, 47) + "...";
    io_.err << "\r\x1b[Krace: " << done_ << " done, running " << names << "  " << format_duration(elapsed) << " / "
            << format_duration(budget_) << std::flush;
    drawn_ = true;
  }
  Io& io_;
  bool quiet_, tty_;
  std::chrono::milliseconds budget_;
  runners::Clock::time_point start_;
  std::set<std::string> running_;
  int done_ = 0;
  bool drawn_ = false;
};

std::chrono::milliseconds duration_flag(const std::string& text, const char* flag, std::chrono::milliseconds fallback) {
  if (text.empty()) return fallback;
  auto parsed = parse_duration(text);
  if (!parsed || parsed->count() == 0)
    throw UserError(kExitUsage, std::string(flag) + " " + text + ": not a duration", "use Go's form: 30s, 5m, 1m30s");
  return *parsed;
}

}  // namespace

Report build_race_report(const RaceOptions& options, const std::string& start_dir, Io& io) {
  auto repo = git::Repository::discover(start_dir);
  if (repo->workdir().empty())
    throw UserError(kExitUsage, "a bare repository has no working tree to test", "run patchgate race in a clone");
  Config config = load_config(options.output.config, repo->workdir());
  if (!options.cpu.empty() && options.cpu.find_first_not_of("0123456789,") != std::string::npos)
    throw UserError(kExitUsage, "--cpu " + options.cpu + ": expected GOMAXPROCS values such as 1,2,4");

  runners::RaceOptions race;
  race.config = config.race;
  if (options.count > 0) race.config.count = options.count;
  if (!options.cpu.empty()) race.config.cpu = options.cpu;
  race.config.timeout = duration_flag(options.timeout, "--timeout", race.config.timeout);
  race.config.budget = duration_flag(options.budget, "--budget", race.config.budget);
  if (options.shuffle) race.config.shuffle = true;
  race.jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  race.run = options.run;
  race.packages = options.packages;
  race.with_dependents = options.with_dependents;
  if (!options.shard.empty()) {
    auto shard = parse_shard(options.shard);
    if (!shard) throw UserError(kExitUsage, "--shard: expected K/N with 1 <= K <= N <= 1000, got '" + options.shard + "'",
                                "e.g. --shard 1/4 on the first of four runners");
    race.shard = *shard;
  }
  race.use_cache = !options.no_cache;
  race.go = options.go;

  Report report;
  report.fail_on = options.output.fail_on.empty() ? config.fail_on.value_or(FailOn::kError)
                                                  : *parse_fail_on(options.output.fail_on);
  std::string common = git_repository_commondir(repo->get());
  while (!common.empty() && common.back() == '/') common.pop_back();
  const std::string state_dir = common + "/patchgate";

  Progress progress(io, options.output.quiet, race.config.budget);
  if (options.cmake) {
    runners::CmakeRaceOptions cmake;
    fs::path source = fs::path(options.cmake_source);
    if (source.is_relative()) source = fs::path(repo->workdir()) / source;
    cmake.source_dir = fs::weakly_canonical(source).string();
    cmake.build_dir = state_dir + "/tsan-build";
    cmake.repeat = race.config.count;
    cmake.timeout = race.config.timeout;
    cmake.budget = race.config.budget;
    cmake.jobs = race.jobs;
    report.change = "ThreadSanitizer build of " + options.cmake_source;
    if (!options.output.quiet) io.err << "race: building " << options.cmake_source << " with -fsanitize=thread\n";
    runners::run_cmake_tsan(repo->workdir(), cmake, report);
  } else {
    git::DiffSpec spec = make_diff_spec(options.diff, io.in);
    git::DiffLimits limits;
    limits.max_file_bytes = config.max_file_bytes;
    git::ChangeSet change = git::load_change_set(repo, spec, limits);
    report.change = options.packages.empty() ? change.description : "packages given with --pkgs";
    runners::run_go_race(
        change, repo->workdir(), state_dir + "/race", race, report,
        [&](const std::string& dir, const std::string& event) { progress.event(dir, event); },
        [&] { progress.tick(); });
  }
  // The tests ran on the working tree, so its files are what a suppression is read from.
  auto workdir = git::workdir_source(repo);
  apply_suppressions(report, [&](const std::string& path) { return workdir->read(path); });
  apply_baseline(report, repo->workdir() + "/" + kBaselineFile);
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  bool cached = !report.race_packages.empty();
  for (const auto& pkg : report.race_packages) cached &= pkg.cached || pkg.status == "no-tests";
  std::string detail = std::to_string(report.race_packages.size()) + " package(s)";
  if (report.race_packages.empty()) detail = "no Go package with changed files";
  int not_run = 0;
  for (const auto& pkg : report.race_packages) not_run += pkg.status == "not-run" || pkg.status == "cancelled";
  if (not_run > 0) detail += ", " + std::to_string(not_run) + " not run";
  report.stages.push_back(
      {"race", report.race_packages.empty() ? "skipped" : not_run ? "partial" : cached ? "cached" : "ran", detail});
  report.verdict = decide(report);
  // A package that did not build, a missing toolchain or an interrupted run: the check did not happen.
  // With --fail-open an operational failure must not hide findings that block on their own.
  if (!report.errors.empty() && !(options.output.fail_open && report.verdict == Verdict::kBlock))
    report.verdict = Verdict::kError;
  return report;
}

int run_race(const RaceOptions& options, Io& io) {
  Report report = build_race_report(options, fs::current_path().string(), io);
  int code = write_outputs(report, options.output, io);
  return apply_fail_open(code, options.output, io);
}

}  // namespace patchgate::cli
