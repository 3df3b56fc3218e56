// Suppression comments and the baseline, through the binary on real repositories.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/policy.h"
#include "support.h"

using namespace testing;
using json = nlohmann::json;

namespace {

std::string double_lock(const std::string& comment_above, const std::string& trailing) {
  return "package rl\n\nimport \"sync\"\n\ntype B struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (b *B) refill() {\n" +
         comment_above + "\tb.mu.Lock()" + trailing +
         "\n\tdefer b.mu.Unlock()\n\tb.n++\n}\n\nfunc (b *B) Allow() bool {\n\tb.mu.Lock()\n\tdefer b.mu.Unlock()\n\tb.refill()\n\treturn b.n > 0\n}\n";
}

json check_json(const std::string& repo, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"check", "--format", "json", "--rules", "go-double-lock"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = run_patchgate(args, repo);
  INFO(r.err);
  REQUIRE_FALSE(r.out.empty());
  return json::parse(r.out);
}

std::string staged(const TempDir& tmp, const std::string& content) {
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "README", "x\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "rl/b.go", content);
  git(repo, {"add", "rl/b.go"});
  return repo;
}

}  // namespace

TEST_CASE("suppressions: parsed from comments, with rules and a reason", "[policy]") {
  auto list = patchgate::parse_suppressions(
      "a.go", "x := 1 // patchgate:ignore go-double-lock, go-lock-order -- held by design\n"
              "\t// patchgate:ignore all\ns := \"patchgate:ignore in a string\"\n");
  REQUIRE(list.size() == 2);
  CHECK(list[0].line == 1);
  CHECK_FALSE(list[0].own_line);
  CHECK(list[0].rules == std::vector<std::string>{"go-double-lock", "go-lock-order"});
  CHECK(list[0].reason == "held by design");
  CHECK(list[1].own_line);
  CHECK(list[1].rules == std::vector<std::string>{"all"});
  CHECK(list[1].reason.empty());
}

TEST_CASE("suppressions: on the line or the line above, with a reason; without one it is a finding", "[policy]") {
  {
    TempDir tmp;
    std::string repo = staged(tmp, double_lock("", ""));
    json plain = check_json(repo);
    REQUIRE(plain["findings"].size() == 1);
    CHECK(plain["verdict"] == "block");
  }
  {
    TempDir tmp;
    std::string repo = staged(tmp, double_lock("", " // patchgate:ignore go-double-lock -- refill is only called unlocked in prod"));
    json report = check_json(repo);
    CHECK(report["findings"].empty());
    CHECK(report["verdict"] == "pass");
  }
  {
    TempDir tmp;
    std::string repo = staged(tmp, double_lock("\t// patchgate:ignore go-double-lock -- a test double\n", ""));
    CHECK(check_json(repo)["findings"].empty());
  }
  {
    TempDir tmp;  // another rule's id does not cover it
    std::string repo = staged(tmp, double_lock("\t// patchgate:ignore go-lock-order -- not this one\n", ""));
    CHECK(check_json(repo)["findings"].size() == 1);
  }
  {
    TempDir tmp;  // no reason: nothing suppressed, and the comment is reported
    std::string repo = staged(tmp, double_lock("\t// patchgate:ignore go-double-lock\n", ""));
    json report = check_json(repo);
    REQUIRE(report["findings"].size() == 2);
    bool missing_reason = false;
    for (const auto& f : report["findings"]) missing_reason |= f["rule"] == "suppression-without-reason" && f["line"] == 11;
    CHECK(missing_reason);
    CHECK(report["verdict"] == "block");
  }
}

TEST_CASE("baseline: existing findings stop blocking, new ones still block", "[policy]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "rl/b.go", double_lock("", ""));
  commit_all(repo, "legacy code with a double lock");
  RunResult written = run_patchgate({"baseline", "--rules", "go-double-lock"}, repo);
  REQUIRE(written.code == 0);
  CHECK(written.out.find("wrote 1 finding") != std::string::npos);
  json baseline = json::parse(read_file(fs::path(repo) / ".patchgate-baseline.json"));
  REQUIRE(baseline["findings"].size() == 1);
  git(repo, {"add", ".patchgate-baseline.json"});
  git(repo, {"commit", "-q", "-m", "adopt patchgate"});

  // The old finding, even with the file edited around it, is left out.
  std::string edited = "// Package rl limits rates.\n" + double_lock("", "");
  write_file(fs::path(repo) / "rl/b.go", edited);
  git(repo, {"add", "rl/b.go"});
  CHECK(check_json(repo, {"--all"})["findings"].empty());
  CHECK(check_json(repo, {"--all", "--no-baseline"})["findings"].size() == 1);

  // A new double lock blocks.
  write_file(fs::path(repo) / "rl/c.go",
             "package rl\n\nfunc (b *B) Drain() {\n\tb.mu.Lock()\n\tdefer b.mu.Unlock()\n\tb.refill()\n}\n");
  git(repo, {"add", "rl/c.go"});
  json fresh = check_json(repo);
  REQUIRE(fresh["findings"].size() == 1);
  CHECK(fresh["verdict"] == "block");

  // A damaged baseline is a one-line usage error naming the file.
  write_file(fs::path(repo) / ".patchgate-baseline.json", "{not json");
  RunResult broken = run_patchgate({"check"}, repo);
  CHECK(broken.code == 2);
  CHECK(broken.err.find(".patchgate-baseline.json: not a patchgate baseline") != std::string::npos);
}
