// The binary as users run it: exit codes, output, and bad input.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "checks/registry.h"
#include "runners/race_runner.h"
#include "support.h"

using namespace testing;

namespace {

const char* kLegacyDoubleLock =
    "package store\n\nimport \"sync\"\n\ntype Store struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\n"
    "func (s *Store) put(k string, v int) {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.m[k] = v\n}\n\n"
    "func (s *Store) Set(k string, v int) {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.put(k, v)\n}\n";

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("demo: the refactor is blocked at the helper's Lock with the caller's Lock related", "[cli]") {
  TempDir tmp;
  auto result = run_patchgate({"demo"}, tmp.str());
  INFO(result.out << result.err);
  CHECK(result.code == 1);
  CHECK(result.out.find("ratelimit/limiter.go:24:2: error: l.mu is locked in Limiter.topUp while its caller "
                        "Limiter.Allow already holds it") != std::string::npos);
  CHECK(result.out.find("[go-double-lock]") != std::string::npos);
  CHECK(result.out.find("ratelimit/limiter.go:37:2: note: first locked here") != std::string::npos);
  CHECK(result.out.find("blocked") != std::string::npos);

  auto json = run_patchgate({"demo", "--format", "json"}, tmp.str());
  CHECK(json.code == 1);
  auto report = nlohmann::json::parse(json.out);
  CHECK(report["verdict"] == "block");
  // The double lock, and the note that Allow's lock behaviour drifted from the committed one.
  REQUIRE(report["findings"].size() == 2);
  CHECK(report["findings"][0]["rule"] == "go-double-lock");
  CHECK(report["findings"][0]["related"][0]["line"] == 37);
  CHECK(report["findings"][1]["rule"] == "go-lock-drift");
  CHECK(report["findings"][1]["severity"] == "note");
  // The throw-away repository is gone afterwards.
  auto start = result.out.find("/patchgate-demo-");
  REQUIRE(start != std::string::npos);
  auto dir_start = result.out.rfind(' ', start) + 1;
  std::string dir = result.out.substr(dir_start, result.out.find('\n', start) - dir_start);
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("a double lock in an unchanged file is silent on an unrelated change and found by the whole-tree mode", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "store/store.go", kLegacyDoubleLock);
  write_file(fs::path(repo) / "store/other.go", "package store\n\nfunc Other() int { return 1 }\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "store/other.go", "package store\n\nfunc Other() int { return 2 }\n");
  git(repo, {"add", "-A"});

  auto staged = run_patchgate({"check"}, repo);
  INFO(staged.out << staged.err);
  CHECK(staged.code == 0);
  CHECK(staged.out.find("0 errors") != std::string::npos);
  auto all = run_patchgate({"check", "--all"}, repo);
  INFO(all.out << all.err);
  CHECK(all.code == 1);
  CHECK(all.out.find("store/store.go:11:2: error: s.mu is locked in Store.put while its caller Store.Set") !=
        std::string::npos);
  auto never = run_patchgate({"check", "--all", "--fail-on", "never"}, repo);
  CHECK(never.code == 0);
  auto disabled = run_patchgate({"check", "--all", "--rules", "-go-double-lock"}, repo);
  CHECK(disabled.code == 0);
}

TEST_CASE("config errors name the file and key and comments are fine", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "store/store.go", kLegacyDoubleLock);
  git(repo, {"add", "-A"});
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"fail_onn": "error"})", "fail_onn"},
      {R"({"rules": {"go-double-lok": "off"}})", "go-double-lok"},
      {R"({"rules": {"go-double-lock": {"severity": "fatal"}}})", "rules.go-double-lock.severity"},
      {R"({"rules": {"go-double-lock": {"options": {"max_call_depth": 0}}}})", "max_call_depth"},
      {R"({"rules": {"go-double-lock": {"options": {"depth": 3}}}})", "options.depth"},
      {R"({"exclude": "vendor"})", "exclude"},
      {"{ not json", "not valid JSON"},
  };
  for (const auto& [text, key] : bad) {
    write_file(fs::path(repo) / ".patchgate.json", text);
    auto result = run_patchgate({"check"}, repo);
    INFO(text << " -> " << result.err);
    CHECK(result.code == 2);
    CHECK(result.err.find(".patchgate.json") != std::string::npos);
    CHECK(result.err.find(key) != std::string::npos);
    CHECK(count_lines(result.err) == 1);
  }
  write_file(fs::path(repo) / ".patchgate.json",
             "// team config\n{\n  /* block on warnings too */\n  \"fail_on\": \"warning\",\n"
             "  \"rules\": {\"go-double-lock\": \"off\"}\n}\n");
  auto off = run_patchgate({"check"}, repo);
  INFO(off.err);
  CHECK(off.code == 0);
  write_file(fs::path(repo) / ".patchgate.json", "{\"exclude\": [\"store/**\"]}");
  auto excluded = run_patchgate({"check", "--verbose"}, repo);
  CHECK(excluded.code == 0);
  CHECK(excluded.out.find("excluded by config") != std::string::npos);
  fs::remove(fs::path(repo) / ".patchgate.json");
  auto missing = run_patchgate({"check", "--config", "nope.json"}, repo);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("nope.json") != std::string::npos);
  auto directory = run_patchgate({"check", "--config", "store"}, repo);
  CHECK(directory.code == 2);
}

TEST_CASE("usage errors exit 2 while help and version exit 0", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  CHECK(run_patchgate({}, repo).code == 2);
  CHECK(run_patchgate({"frobnicate"}, repo).code == 2);
  CHECK(run_patchgate({"check", "--staged", "--all"}, repo).code == 2);
  CHECK(run_patchgate({"check", "--format", "xml"}, repo).code == 2);
  CHECK(run_patchgate({"check", "--rules", "no-such-rule"}, repo).code == 2);
  auto help = run_patchgate({"check", "--help"}, repo);
  CHECK(help.code == 0);
  CHECK(help.out.find("--base") != std::string::npos);
  CHECK(help.out.find("Exit codes") != std::string::npos);
  auto version = run_patchgate({"--version"}, repo);
  CHECK(version.code == 0);
  CHECK(version.out.find("patchgate ") == 0);
  // The top-level help lists every command, and a second command after the first is refused.
  auto top = run_patchgate({"--help"}, repo);
  CHECK(top.code == 0);
  for (const char* command : {"check", "baseline", "gate", "merge", "hook", "race", "review", "rules", "explain", "init", "demo"})
    CHECK(top.out.find(std::string("  ") + command + " ") != std::string::npos);
  auto two = run_patchgate({"check", "rules"}, repo);
  CHECK(two.code == 2);
  CHECK_FALSE(two.err.empty());
}

TEST_CASE("rules and explain and init commands", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  auto rules = run_patchgate({"rules"}, repo);
  CHECK(rules.code == 0);
  CHECK(rules.out.find("go-double-lock") != std::string::npos);
  auto rules_json = nlohmann::json::parse(run_patchgate({"rules", "--json"}, repo).out);
  // The static rules and the runtime ones `patchgate race` reports.
  REQUIRE(rules_json.size() == patchgate::checks::all_rules().size() + patchgate::runners::runtime_rules().size());
  bool found = false;
  for (size_t i = 0; i < rules_json.size(); ++i) {
    if (i > 0) CHECK(rules_json[i - 1]["id"].get<std::string>() < rules_json[i]["id"].get<std::string>());
    CHECK_FALSE(rules_json[i]["summary"].get<std::string>().empty());
    if (rules_json[i]["id"] == "go-double-lock") {
      found = true;
      CHECK(rules_json[i]["checklist"] == 3);
      CHECK(rules_json[i]["severity"] == "error");
      CHECK(rules_json[i]["command"] == "check");
    }
    if (rules_json[i]["id"] == "race-timeout") {
      CHECK(rules_json[i]["checklist"] == 5);
      CHECK(rules_json[i]["command"] == "race");
    }
  }
  CHECK(found);
  auto explain_race = run_patchgate({"explain", "race-goroutine-leak"}, repo);
  CHECK(explain_race.code == 0);
  CHECK(explain_race.out.find("checklist item: 5") != std::string::npos);

  auto explain = run_patchgate({"explain", "go-double-lock"}, repo);
  CHECK(explain.code == 0);
  CHECK(explain.out.find("## Bad") != std::string::npos);
  CHECK(explain.out.find("max_call_depth") != std::string::npos);
  auto unknown = run_patchgate({"explain", "go-nope"}, repo);
  CHECK(unknown.code == 2);
  CHECK(count_lines(unknown.err) == 1);

  auto init = run_patchgate({"init"}, repo);
  INFO(init.err);
  CHECK(init.code == 0);
  CHECK(fs::exists(fs::path(repo) / ".patchgate.json"));
  CHECK(run_patchgate({"init"}, repo).code == 2);  // refuses to overwrite
  // What init writes is a valid config.
  write_file(fs::path(repo) / "a.go", "package a\n");
  git(repo, {"add", "a.go"});
  auto check = run_patchgate({"check"}, repo);
  INFO(check.err);
  CHECK(check.code == 0);
}

TEST_CASE("hostile files of 20 MB or 10000 levels deep or with syntax errors", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  std::string huge = "package big\n\nvar table = []int{\n";
  while (huge.size() < 20u * 1024 * 1024) huge += "\t1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,\n";
  huge += "}\n";
  write_file(fs::path(repo) / "big/table.go", huge);
  std::string deep = "package deep\n\nfunc f(x bool) {\n";
  for (int i = 0; i < 10000; ++i) deep += "if x {\n";
  for (int i = 0; i < 10000; ++i) deep += "}\n";
  deep += "}\n\nfunc g() int {\n\treturn " + std::string(10000, '(') + "1" + std::string(10000, ')') + "\n}\n";
  write_file(fs::path(repo) / "deep/deep.go", deep);
  write_file(fs::path(repo) / "broken/broken.go",
             "package broken\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n\tmu.Lock()\n}\n\nfunc g( {\n");
  git(repo, {"add", "-A"});

  auto start = std::chrono::steady_clock::now();
  auto result = run_patchgate({"check", "--format", "json", "--rules", "go-double-lock"}, repo, "", 60);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(result.err);
  CHECK(result.code == 1);  // the broken file's double lock is still found
  CHECK(seconds < 30);
  auto report = nlohmann::json::parse(result.out);
  bool big_skipped = false;
  for (const auto& s : report["skipped"]) big_skipped |= s["path"] == "big/table.go";
  CHECK(big_skipped);
  bool broken_flagged = false;
  for (const auto& f : report["files"]) broken_flagged |= f["path"] == "broken/broken.go" && f["syntax_errors"] == true;
  CHECK(broken_flagged);
  bool deep_noted = false;
  for (const auto& e : report["errors"]) deep_noted |= e["file"] == "deep/deep.go";
  CHECK(deep_noted);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["file"] == "broken/broken.go");
}

TEST_CASE("output files pair with formats and fail-open only softens failures", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "store/store.go", kLegacyDoubleLock);
  git(repo, {"add", "-A"});
  std::string json_path = (tmp.path() / "out.json").string();
  auto result = run_patchgate({"check", "--format", "json", "--output", json_path, "--format", "text"}, repo);
  CHECK(result.code == 1);
  CHECK(result.out.find("[go-double-lock]") != std::string::npos);
  auto report = nlohmann::json::parse(read_file(json_path));
  CHECK(report["schema"] == "patchgate.report/1");
  CHECK(run_patchgate({"check", "--fail-open"}, repo).code == 1);  // findings still block

  std::string outside = (tmp.path() / "not-a-repo").string();
  fs::create_directories(outside);
  auto failed = run_patchgate({"check", "--fail-open"}, outside);
  CHECK(failed.code == 2);  // usage errors are not softened
}

TEST_CASE("lock drift is a note unless the commit or patch says it changes no behaviour", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  const std::string before =
      "package cache\n\nimport \"sync\"\n\ntype Cache struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\n"
      "func (c *Cache) Bump(k string) {\n\tc.mu.Lock()\n\tc.m[k]++\n\tc.mu.Unlock()\n}\n";
  const std::string after =
      "package cache\n\nimport \"sync\"\n\ntype Cache struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\n"
      "func (c *Cache) Bump(k string) {\n\tc.m[k]++\n}\n";
  write_file(fs::path(repo) / "cache/cache.go", before);
  commit_all(repo, "base");
  write_file(fs::path(repo) / "cache/cache.go", after);
  commit_all(repo, "cache: simplify Bump");
  auto plain = run_patchgate({"check", "--commit", "HEAD", "--format", "json"}, repo);
  INFO(plain.out << plain.err);
  CHECK(plain.code == 0);
  auto report = nlohmann::json::parse(plain.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["rule"] == "go-lock-drift");
  CHECK(report["findings"][0]["severity"] == "note");
  CHECK(report["findings"][0]["message"] == "Cache.Bump changes how it locks: no longer locks Cache.mu");

  git(repo, {"commit", "-q", "--amend", "-m", "cache: refactor Bump (no functional change)"});
  auto claimed = run_patchgate({"check", "--commit", "HEAD", "--format", "json"}, repo);
  CHECK(claimed.code == 1);
  report = nlohmann::json::parse(claimed.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["severity"] == "error");
  CHECK(report["findings"][0]["message"].get<std::string>().find("the commit message says \"no functional change\"") !=
        std::string::npos);
  // The same commit as a `git format-patch` mail against its parent: the Subject is the claim.
  std::string mail = git(repo, {"format-patch", "--stdout", "-1", "HEAD"}).out;
  git(repo, {"reset", "-q", "--hard", "HEAD~1"});
  auto patched = run_patchgate({"check", "--patch", "-", "--format", "json"}, repo, mail);
  INFO(patched.err);
  CHECK(patched.code == 1);
  report = nlohmann::json::parse(patched.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["severity"] == "error");

  // A severity set in config wins over the claim.
  write_file(fs::path(repo) / ".patchgate.json", R"({"rules": {"go-lock-drift": "warning"}})");
  patched = run_patchgate({"check", "--patch", "-", "--format", "json"}, repo, mail);
  CHECK(patched.code == 0);
  report = nlohmann::json::parse(patched.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["severity"] == "warning");
}

TEST_CASE("go files under testdata are skipped as the go tool skips them", "[cli]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "README", "x\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "store/testdata/store.go", kLegacyDoubleLock);
  write_file(fs::path(repo) / "store/store.go", kLegacyDoubleLock);
  git(repo, {"add", "-A"});
  auto staged = run_patchgate({"check", "--format", "json"}, repo);
  INFO(staged.out << staged.err);
  CHECK(staged.code == 1);
  auto report = nlohmann::json::parse(staged.out);
  for (const auto& finding : report["findings"]) CHECK(finding["file"] == "store/store.go");
  REQUIRE(report["skipped"].size() == 1);
  CHECK(report["skipped"][0]["path"] == "store/testdata/store.go");
  CHECK(report["skipped"][0]["reason"] == "under testdata/, which the go tool ignores");
  auto all = run_patchgate({"check", "--all", "--format", "json"}, repo);
  report = nlohmann::json::parse(all.out);
  for (const auto& finding : report["findings"]) CHECK(finding["file"] == "store/store.go");
}
