// Suppression comments and the baseline, through the binary on real repositories.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/ai.h"
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

TEST_CASE("suppressions: on the line or the line above, with a reason, and without one it is a finding", "[policy]") {
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

TEST_CASE("ai: a trailer, a git-ai note and an agent's environment each make the change AI-authored", "[policy][ai]") {
  // A warning-level finding: blocks only under the AI profile (warnings block).
  const std::string background =
      "package svc\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc fetch(ctx context.Context) {}\n\n"
      "func Handle(w http.ResponseWriter, r *http.Request) {\n\tfetch(context.Background())\n}\n";
  auto report_for = [](const std::string& repo, std::vector<std::string> args,
                       const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv = {binary(), "check", "--format", "json", "--rules", "go-background-in-scope"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run(argv, repo, "", 120, env);
    INFO(r.err);
    REQUIRE_FALSE(r.out.empty());
    return std::make_pair(r.code, json::parse(r.out));
  };
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "README", "x\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "svc/h.go", background);
  git(repo, {"add", "svc/h.go"});

  // Staged by a person: a warning does not block.
  auto [human_code, human] = report_for(repo, {});
  REQUIRE(human["findings"].size() == 1);
  CHECK(human["findings"][0]["severity"] == "warning");
  CHECK(human["ai"]["authored"] == false);
  CHECK(human_code == 0);
  // Staged from inside a coding agent: AI-authored, and warnings block.
  auto [agent_code, agent] = report_for(repo, {}, {{"CLAUDECODE", "1"}});
  CHECK(agent["ai"]["authored"] == true);
  CHECK(agent["ai"]["reason"].get<std::string>().find("CLAUDECODE=1") != std::string::npos);
  CHECK(agent["findings"][0]["ai_authored"] == true);
  CHECK(agent_code == 1);
  // --ai no overrides the detection; --fail-on overrides the profile.
  CHECK(report_for(repo, {"--ai", "no"}, {{"CLAUDECODE", "1"}}).first == 0);
  CHECK(report_for(repo, {"--fail-on", "error"}, {{"CLAUDECODE", "1"}}).first == 0);

  // A commit with an agent's trailer.
  git(repo, {"commit", "-q", "-m", "add handler\n\nCo-Authored-By: Claude <noreply@anthropic.com>"});
  auto [trailer_code, trailer] = report_for(repo, {"--commit", "HEAD"});
  CHECK(trailer["ai"]["authored"] == true);
  CHECK(trailer["ai"]["reason"].get<std::string>().find("noreply@anthropic.com") != std::string::npos);
  CHECK(trailer_code == 1);

  // A commit without a trailer, but with a git-ai note covering the changed lines.
  write_file(fs::path(repo) / "svc/h.go", background + "\nfunc Other(w http.ResponseWriter, r *http.Request) {\n\tfetch(context.TODO())\n}\n");
  commit_all(repo, "another handler");
  auto [plain_code, plain] = report_for(repo, {"--commit", "HEAD"});
  CHECK(plain["ai"]["authored"] == false);
  git(repo, {"notes", "--ref", "refs/notes/ai", "add", "-m",
             "svc/h.go\n  a1b2c3d4 14-16\n---\n{\"schema_version\":\"authorship/3.0.0\"}", "HEAD"});
  auto [note_code, noted] = report_for(repo, {"--commit", "HEAD"});
  CHECK(noted["ai"]["authored"] == true);
  CHECK(noted["ai"]["reason"].get<std::string>().find("git-ai note") != std::string::npos);
  CHECK(noted["ai"]["reason"].get<std::string>().find("svc/h.go:14-16") != std::string::npos);
  // The note's parser, on its own.
  auto files = patchgate::parse_git_ai_note("a.go\n  s1 1-3,7\nb/c.go\n  s2 10\n---\n{}\n");
  REQUIRE(files.size() == 2);
  CHECK(files[0].lines == std::vector<std::pair<int, int>>{{1, 3}, {7, 7}});
  CHECK(files[1].path == "b/c.go");
}
