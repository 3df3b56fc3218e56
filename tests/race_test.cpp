// patchgate race against the real go toolchain (and cmake + ThreadSanitizer for --cmake):
// each test builds a repository from a module under testdata/race, stages the change, and
// checks the findings, the exit code, the cache and that no process outlives the command.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runners/go_output.h"
#include "runners/race_runner.h"
#include "runners/cmake_runner.h"
#include "support.h"

extern char** environ;

using namespace testing;
using json = nlohmann::json;

namespace {

// A repository holding testdata/race/<module> at `dir`: everything committed except
// `staged_file`, which is then added to the index (the change under test).
std::string module_repo(const TempDir& tmp, const std::string& module, const std::string& staged_file,
                        const std::string& dir = ".") {
  std::string repo = init_repo(tmp);
  fs::path target = dir == "." ? fs::path(repo) : fs::path(repo) / dir;
  fs::create_directories(target);
  fs::copy(fs::path(source_dir()) / "testdata/race" / module, target, fs::copy_options::recursive);
  std::string staged = (dir == "." ? "" : dir + "/") + staged_file;
  std::string content = read_file(fs::path(repo) / staged);
  fs::remove(fs::path(repo) / staged);
  write_file(fs::path(repo) / "README", "fixture\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / staged, content);
  git(repo, {"add", staged});
  return repo;
}

json run_json(const std::string& repo, std::vector<std::string> args, int& code) {
  std::vector<std::string> argv = {"race", "--format", "json", "-q"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run_patchgate(argv, repo, "", 240);
  code = r.code;
  INFO("stderr: " << r.err);
  REQUIRE_FALSE(r.out.empty());
  return json::parse(r.out);
}

std::vector<json> with_rule(const json& report, const std::string& rule) {
  std::vector<json> out;
  for (const auto& f : report["findings"])
    if (f["rule"] == rule) out.push_back(f);
  return out;
}

// Processes (not zombies) working in a directory under `dir`: go test and the test binaries
// it runs work in the package directory, so this finds what a run under a test's repository
// left behind, and nothing of other tests running at the same time.
int live_processes(const std::string& dir) {
  std::string root = fs::weakly_canonical(dir).string() + "/";
  int count = 0;
  DIR* proc = opendir("/proc");
  if (!proc) return 0;
  while (dirent* entry = readdir(proc)) {
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code ec;
    std::string cwd = fs::read_symlink("/proc/" + pid + "/cwd", ec).string() + "/";
    if (ec || cwd.compare(0, root.size(), root) != 0) continue;
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    char state = close != std::string::npos && close + 2 < line.size() ? line[close + 2] : '?';
    if (state != 'Z') ++count;
  }
  closedir(proc);
  return count;
}

}  // namespace

TEST_CASE("race: the double-lock helper hangs the hammering test, grouped at the helper's Lock", "[race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "ratelimit", "bucket.go", "ratelimit");
  int code = 0;
  auto start = std::chrono::steady_clock::now();
  json report = run_json(repo, {"--timeout", "3s", "--count", "1", "--cpu", "4"}, code);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(code == 1);
  CHECK(seconds < 60);
  auto hangs = with_rule(report, "race-timeout");
  REQUIRE_FALSE(hangs.empty());
  bool at_helper = false;
  for (const auto& f : hangs) {
    if (f["file"] == "ratelimit/bucket.go" && f["line"] == 24) {
      at_helper = true;
      CHECK(f["message"].get<std::string>().find("blocked in sync.(*Mutex).Lock") != std::string::npos);
      CHECK(f["message"].get<std::string>().find("TokenBucket.refillIfNeeded, called from TokenBucket.Allow at ratelimit/bucket.go:40") != std::string::npos);
      CHECK(f["on_changed_line"] == true);
      CHECK(f["checklist"] == 5);
      CHECK_FALSE(f["stack"].get<std::string>().empty());
    }
  }
  CHECK(at_helper);
  // The other goroutines wait at Allow's own Lock, as one group.
  bool grouped = false;
  for (const auto& f : hangs)
    grouped |= f["line"] == 38 && f["message"].get<std::string>().find("7 goroutines blocked") != std::string::npos;
  CHECK(grouped);
  REQUIRE(report["race"]["packages"].size() == 1);
  CHECK(report["race"]["packages"][0]["dir"] == "ratelimit");
  CHECK(report["race"]["packages"][0]["status"] == "timed-out");
  CHECK(live_processes(repo) == 0);
}

TEST_CASE("race: a data race on a counter names both access lines", "[race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "counter", "stats.go");
  int code = 0;
  json report = run_json(repo, {"--count", "2", "--cpu", "1,4"}, code);
  CHECK(code == 1);
  auto races = with_rule(report, "race-data-race");
  REQUIRE(races.size() == 1);  // however many runs saw it
  const json& race = races.front();
  std::set<int> lines{race["line"].get<int>()};
  for (const auto& r : race["related"])
    if (r["file"] == "stats.go") lines.insert(r["line"].get<int>());
  CHECK(lines.count(9) == 1);   // s.hits++
  CHECK(lines.count(13) == 1);  // return s.hits
  bool started = false;
  for (const auto& r : race["related"]) started |= r["file"] == "stats_test.go" && r["line"] == 8;
  CHECK(started);
  CHECK(race["stack"].get<std::string>().find("Previous") != std::string::npos);
  CHECK(race["category"] == "race");
}

TEST_CASE("race: Background fan-out that returns on timeout leaks its senders", "[race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "fanout", "aggregate.go");
  int code = 0;
  json report = run_json(repo, {"--count", "1", "--cpu", "2"}, code);
  CHECK(code == 1);
  auto leaks = with_rule(report, "race-goroutine-leak");
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0]["file"] == "aggregate.go");
  CHECK(leaks[0]["line"] == 29);  // results <- ...: where they are blocked
  CHECK(leaks[0]["message"].get<std::string>().find("3 goroutines waiting [chan send]") != std::string::npos);
  bool creation = false;
  for (const auto& r : leaks[0]["related"]) creation |= r["line"] == 28 && r["message"].get<std::string>().find("started") != std::string::npos;
  CHECK(creation);
  // The leak check never touches the user's files.
  CHECK(git(repo, {"status", "--porcelain"}).out == "A  aggregate.go\n");
}

TEST_CASE("race: a clean package passes, and a rerun on the unchanged tree is served from the cache", "[race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "clean", "counter.go");
  int code = -1;
  json first = run_json(repo, {"--count", "2"}, code);
  CHECK(code == 0);
  CHECK(first["findings"].empty());
  CHECK(first["race"]["packages"][0]["status"] == "passed");
  CHECK(first["race"]["packages"][0]["cached"] == false);
  CHECK(first["stages"][0]["status"] == "ran");

  auto start = std::chrono::steady_clock::now();
  RunResult again = run_patchgate({"race", "--count", "2"}, repo);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(again.code == 0);
  CHECK(again.out.find("race: .: passed (cached)") != std::string::npos);
  CHECK(ms < 3000);

  // Other flags are another run; a changed test file is another run.
  json other = run_json(repo, {"--count", "1"}, code);
  CHECK(other["race"]["packages"][0]["cached"] == false);
  write_file(fs::path(repo) / "counter_test.go", read_file(fs::path(repo) / "counter_test.go") + "\n// touched\n");
  json changed = run_json(repo, {"--count", "2"}, code);
  CHECK(changed["race"]["packages"][0]["cached"] == false);
  CHECK(fs::is_directory(fs::path(repo) / ".git/patchgate/race"));
}

TEST_CASE("race: a package that does not compile is a build failure and exit 3", "[race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "broken", "broken.go");
  int code = 0;
  json report = run_json(repo, {}, code);
  CHECK(code == 3);
  CHECK(report["verdict"] == "error");
  auto failures = with_rule(report, "race-build-failure");
  REQUIRE(failures.size() == 1);
  CHECK(failures[0]["file"] == "broken.go");
  CHECK(failures[0]["line"] == 5);
  CHECK(failures[0]["message"].get<std::string>().find("undefined: sumAll") != std::string::npos);
  REQUIRE_FALSE(report["errors"].empty());
  CHECK(report["errors"][0]["message"].get<std::string>().find("broken.go:5: undefined: sumAll") != std::string::npos);
}

TEST_CASE("race: the budget stops the run within seconds and leaves no process behind", "[race]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  fs::copy(fs::path(source_dir()) / "testdata/race/sleeper", fs::path(repo) / "a", fs::copy_options::recursive);
  fs::copy(fs::path(source_dir()) / "testdata/race/sleeper", fs::path(repo) / "b", fs::copy_options::recursive);
  commit_all(repo, "base");
  int code = -1;
  auto start = std::chrono::steady_clock::now();
  json report = run_json(repo, {"--pkgs", "a,b", "--jobs", "1", "--budget", "3s", "--no-cache"}, code);
  auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count() / 1000.0;
  CHECK(seconds < 8.0);
  CHECK(code == 0);  // nothing found; what did not run is reported, not failed
  REQUIRE(report["race"]["packages"].size() == 2);
  CHECK(report["race"]["packages"][0]["status"] == "not-run");
  CHECK(report["race"]["packages"][0]["note"].get<std::string>().find("budget") != std::string::npos);
  CHECK(report["race"]["packages"][1]["status"] == "not-run");
  CHECK(report["race"]["packages"][1]["note"].get<std::string>().find("not started") != std::string::npos);
  CHECK(report["stages"][0]["status"] == "partial");
  CHECK(live_processes(repo) == 0);
}

TEST_CASE("race: Ctrl-C cancels cleanly: exit 3, the packages marked cancelled, no process left", "[race]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  fs::copy(fs::path(source_dir()) / "testdata/race/sleeper", fs::path(repo) / "a", fs::copy_options::recursive);
  commit_all(repo, "base");
  std::string bin = binary();
  std::string out_path = (tmp.path() / "out.json").string();
  std::vector<std::string> args = {bin, "race", "--pkgs", "a", "--no-cache", "--format", "json", "--output", out_path, "-q"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, repo.c_str());
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  // Wait until the test binary runs, then interrupt patchgate as a terminal's Ctrl-C would.
  // go test and, once built, the test binary (its own cwd is the package directory too).
  auto binary_running = [&] {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::error_code ec;
      std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::string exe = fs::read_symlink(entry.path() / "exe", ec).filename().string();
      std::string cwd = fs::read_symlink(entry.path() / "cwd", ec).string();
      if (exe == "sleeper.test" && cwd.rfind(fs::weakly_canonical(repo).string(), 0) == 0) return true;
    }
    return false;
  };
  for (int i = 0; i < 600 && !binary_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(binary_running());
  CHECK(live_processes(repo) >= 2);  // go test and the test binary: the check below can fail
  kill(pid, SIGINT);
  int status = 0;
  auto start = std::chrono::steady_clock::now();
  waitpid(pid, &status, 0);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 5);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  json report = json::parse(read_file(out_path));
  CHECK(report["race"]["packages"][0]["status"] == "cancelled");
  CHECK(live_processes(repo) == 0);
}

TEST_CASE("race: usage errors are one line and exit 2", "[race]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "x.txt", "x\n");
  commit_all(repo, "base");
  RunResult missing = run_patchgate({"race", "--pkgs", "nowhere"}, repo);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("--pkgs nowhere: no Go package in this directory") != std::string::npos);
  RunResult budget = run_patchgate({"race", "--budget", "soon"}, repo);
  CHECK(budget.code == 2);
  CHECK(budget.err.find("--budget soon: not a duration") != std::string::npos);
  // No Go change staged: nothing to run, and it says so.
  RunResult nothing = run_patchgate({"race", "--format", "json"}, repo);
  CHECK(nothing.code == 0);
  CHECK(json::parse(nothing.out)["stages"][0]["status"] == "skipped");
}

TEST_CASE("race --cmake: a C++ data race is reported through ThreadSanitizer", "[race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "cpp-race", "counter_test.cpp");
  int code = 0;
  json report = run_json(repo, {"--cmake", "--count", "2"}, code);
  CHECK(code == 1);
  auto races = with_rule(report, "race-data-race");
  REQUIRE(races.size() == 1);
  CHECK(races[0]["file"] == "counter_test.cpp");
  CHECK(races[0]["line"] == 7);
  CHECK(races[0]["message"].get<std::string>().find("0x") == std::string::npos);  // no addresses: stable text
  // patchgate's build directory is inside .git, never the user's tree.
  CHECK(fs::exists(fs::path(repo) / ".git/patchgate/tsan-build/CMakeCache.txt"));
  CHECK(git(repo, {"status", "--porcelain"}).out == "A  counter_test.cpp\n");
}

// The parsers on output captured from real runs (paths rewritten to /work/repo).
TEST_CASE("go test output parsers read real captured output", "[race][parsers]") {
  using namespace patchgate::runners;
  auto golden = [](const char* name) { return read_file(fs::path(source_dir()) / "tests/golden/race" / name); };

  GoTestOutput race = parse_go_test_output(golden("counter.txt"));
  REQUIRE(race.races.size() >= 1);
  CHECK(race.races[0].current.kind == "write");
  CHECK(race.races[0].previous.kind == "previous read");
  REQUIRE_FALSE(race.races[0].current.frames.empty());
  CHECK(race.races[0].current.frames[0].function == "example.com/counter.(*Stats).Hit");
  CHECK(race.races[0].current.frames[0].file == "/work/repo/stats.go");
  CHECK(race.races[0].current.frames[0].line == 9);
  CHECK(race.races[0].created_at.size() == 2);
  CHECK_FALSE(race.passed);

  GoTestOutput hang = parse_go_test_output(golden("ratelimit.txt"));
  CHECK(hang.timed_out_after == "3s");
  CHECK(hang.dump.size() >= 9);
  auto groups = group_goroutines(hang.dump, [](const std::string& f) { return f.rfind("/work/repo/", 0) == 0; });
  bool seven = false;
  for (const auto& g : groups) seven |= g.count == 7 && g.sample.frames[g.first_inside].line == 38;
  CHECK(seven);

  GoTestOutput leak = parse_go_test_output(golden("fanout.txt"));
  CHECK(leak.passed);
  REQUIRE(leak.leaked.size() >= 3);
  CHECK(leak.leaked[0].state == "chan send");
  CHECK(leak.leaked[0].created_by.function == "example.com/fanout.Aggregate");
  CHECK(leak.leaked[0].created_by.line == 28);

  GoTestOutput broken = parse_go_test_output(golden("broken.txt"));
  CHECK(broken.build_failed);
  REQUIRE_FALSE(broken.build_errors.empty());
  CHECK(broken.build_errors[0].file == "broken.go");
  CHECK(broken.build_errors[0].line == 5);
  CHECK(broken.build_errors[0].column == 9);
  CHECK(broken.build_errors[0].message == "undefined: sumAll");

  auto tsan = parse_tsan_output(golden("tsan.txt"));
  REQUIRE(tsan.size() == 1);
  CHECK(tsan[0].kind == "data race");
  REQUIRE(tsan[0].stacks.size() >= 2);
  CHECK(tsan[0].stacks[0].second[0].function.rfind("hit_many", 0) == 0);
  CHECK(tsan[0].stacks[0].second[0].file == "/work/repo/counter_test.cpp");
  CHECK(tsan[0].stacks[0].second[0].line == 7);

  auto findings = tsan_findings(golden("tsan-lock-order.txt"), "/work/repo");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "race-deadlock");
  CHECK(findings[0].location.file == "lo.cpp");
  CHECK(findings[0].message.find(" M9") == std::string::npos);  // mutex ids change per run
  CHECK(findings[0].related.size() >= 1);
}

TEST_CASE("go test output parsers survive truncated and hostile input", "[race][parsers]") {
  using namespace patchgate::runners;
  for (const char* text : {"", "WARNING: DATA RACE", "goroutine 1 [", "goroutine x [running]:\nmain.main()\n",
                           "panic: test timed out after \ngoroutine 1 [running]:\n\t/x.go:1", "--- FAIL: ", "x.go:99999999999999:1: e",
                           "WARNING: ThreadSanitizer: data race\n    #0", "--- patchgate: goroutines still running after the tests ---"}) {
    GoTestOutput out = parse_go_test_output(text);
    (void)parse_tsan_output(text);
    CHECK(out.races.size() <= 1);
  }
  // Subtest failures are indented under their parent; each is its own record.
  GoTestOutput sub = parse_go_test_output(
      "--- FAIL: TestX (0.00s)\n    --- FAIL: TestX/case_a (0.00s)\n        x_test.go:12: want 1, got 2\nFAIL\n");
  REQUIRE(sub.failures.size() == 2);
  CHECK(sub.failures[1].test == "TestX/case_a");
  CHECK(sub.failures[1].file == "x_test.go");
  CHECK(sub.failures[1].line == 12);
  CHECK(sub.failures[1].message == "want 1, got 2");
}

TEST_CASE("race --with-dependents adds the same-module packages that import a touched one", "[race]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "go.mod", "module example.com/dep\n\ngo 1.19\n");
  write_file(fs::path(repo) / "lib/lib.go", "package lib\n\nfunc Twice(x int) int { return 2 * x }\n");
  write_file(fs::path(repo) / "app/app.go",
             "package app\n\nimport \"example.com/dep/lib\"\n\nfunc Four() int { return lib.Twice(2) }\n");
  write_file(fs::path(repo) / "app/app_test.go",
             "package app\n\nimport \"testing\"\n\nfunc TestFour(t *testing.T) {\n\tif Four() != 4 {\n\t\tt.Fatal(\"four\")\n\t}\n}\n");
  write_file(fs::path(repo) / "other/other.go", "package other\n\nfunc One() int { return 1 }\n");
  write_file(fs::path(repo) / "other/other_test.go", "package other\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {}\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "lib/lib.go", "package lib\n\nfunc Twice(x int) int { return x + x }\n");
  git(repo, {"add", "lib/lib.go"});
  int code = -1;
  json alone = run_json(repo, {}, code);
  REQUIRE(alone["race"]["packages"].size() == 1);
  CHECK(alone["race"]["packages"][0]["status"] == "no-tests");
  json with = run_json(repo, {"--with-dependents"}, code);
  CHECK(code == 0);
  std::map<std::string, std::string> status;
  for (const auto& p : with["race"]["packages"]) status[p["dir"]] = p["status"];
  CHECK(status == std::map<std::string, std::string>{{"app", "passed"}, {"lib", "no-tests"}});
}

TEST_CASE("gate runs check, then race when configured, into one report", "[race][gate]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "ratelimit", "bucket.go");
  // Without race.gate the race stage is skipped and says why.
  RunResult plain = run_patchgate({"gate", "--format", "json"}, repo);
  CHECK(plain.code == 1);
  json without = json::parse(plain.out);
  CHECK(with_rule(without, "go-double-lock").size() == 1);
  CHECK(with_rule(without, "race-timeout").empty());
  REQUIRE(without["stages"].size() == 3);
  CHECK(without["stages"][1]["name"] == "race");
  CHECK(without["stages"][1]["status"] == "skipped");

  write_file(fs::path(repo) / ".patchgate.json", R"({"race": {"gate": true, "timeout": "3s", "count": 1, "cpu": "4"}})");
  RunResult raced = run_patchgate({"gate", "--format", "json", "-q"}, repo, "", 240);
  CHECK(raced.code == 1);
  json with = json::parse(raced.out);
  auto statics = with_rule(with, "go-double-lock");
  auto hangs = with_rule(with, "race-timeout");
  REQUIRE(statics.size() == 1);
  REQUIRE_FALSE(hangs.empty());
  // The static finding and the runtime hang point at the same Lock.
  bool same_line = false;
  for (const auto& h : hangs) same_line |= h["line"] == statics[0]["line"] && h["file"] == statics[0]["file"];
  CHECK(same_line);
  CHECK(with["stages"][1]["status"] == "ran");
  CHECK(with["race"]["packages"][0]["status"] == "timed-out");
  // --no-race wins over the config.
  json skipped = json::parse(run_patchgate({"gate", "--format", "json", "--no-race"}, repo).out);
  CHECK(skipped["stages"][1]["status"] == "skipped");
}
