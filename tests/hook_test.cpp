// The git hooks in real repositories: installed over an existing hook (which keeps running),
// with core.hooksPath, from a linked worktree, pre-push against a real remote, and every
// command leaving the index, the working tree and the refs as they were.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support.h"

using namespace testing;

namespace {

// The double-lock refactor of the seed incident, and a clean change.
const char* kDoubleLock = R"(package ratelimit

import "sync"

type Bucket struct {
	mu     sync.Mutex
	tokens int
}

func (b *Bucket) refill() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens++
}

func (b *Bucket) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	return b.tokens > 0
}
)";

const char* kClean = R"(package ratelimit

func Double(x int) int { return 2 * x }
)";

// An existing hook that leaves a mark each time it runs.
const char* kOldHook = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-common-dir)/old-hook-ran\"\n";

std::string base_repo(const TempDir& tmp) {
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "README.md", "service\n");
  commit_all(repo, "base");
  return repo;
}

int count_lines_in(const fs::path& path) {
  if (!fs::exists(path)) return 0;
  std::string text = read_file(path);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Everything a command could disturb: the index, the refs, HEAD, the status, the files.
std::string repo_state(const std::string& repo) {
  std::string state = git(repo, {"ls-files", "--stage"}).out + git(repo, {"for-each-ref"}).out +
                      git(repo, {"rev-parse", "HEAD"}, true).out + git(repo, {"status", "--porcelain=v2", "--untracked-files=all"}).out;
  for (const auto& entry : fs::recursive_directory_iterator(repo)) {
    std::string rel = fs::relative(entry.path(), repo).string();
    if (rel.rfind(".git", 0) == 0 || !entry.is_regular_file()) continue;
    state += rel + "\n" + read_file(entry.path());
  }
  return state;
}

}  // namespace

TEST_CASE("hook: installed over an existing hook, blocks a double lock, passes a clean commit, uninstalls byte for byte", "[hook]") {
  TempDir tmp;
  std::string repo = base_repo(tmp);
  fs::path hooks = fs::path(repo) / ".git/hooks";
  write_file(hooks / "pre-commit", kOldHook);
  fs::permissions(hooks / "pre-commit", fs::perms(0750));
  const std::string original = read_file(hooks / "pre-commit");

  RunResult installed = run_patchgate({"hook", "install"}, repo);
  REQUIRE(installed.code == 0);
  CHECK(installed.out.find("kept the existing pre-commit hook") != std::string::npos);
  CHECK(installed.out.find("--no-verify") != std::string::npos);
  CHECK(fs::exists(hooks / "pre-push"));
  // Installing twice is harmless: same script, the kept hook untouched.
  const std::string script = read_file(hooks / "pre-commit");
  REQUIRE(run_patchgate({"hook", "install"}, repo).code == 0);
  CHECK(read_file(hooks / "pre-commit") == script);
  CHECK(read_file(hooks / "pre-commit.patchgate-chained") == original);

  // An AI patch with the double lock: the commit is blocked, and the old hook still ran.
  write_file(fs::path(repo) / "ratelimit/bucket.go", kDoubleLock);
  git(repo, {"add", "ratelimit/bucket.go"});
  std::string head_before = git(repo, {"rev-parse", "HEAD"}).out;
  RunResult blocked = git(repo, {"commit", "-m", "refactor: extract refill (no functional changes)\n\nCo-Authored-By: Claude <noreply@anthropic.com>"}, true);
  CHECK(blocked.code != 0);
  CHECK((blocked.out + blocked.err).find("go-double-lock") != std::string::npos);
  CHECK(git(repo, {"rev-parse", "HEAD"}).out == head_before);
  CHECK(count_lines_in(fs::path(repo) / ".git/old-hook-ran") == 1);

  // PATCHGATE_SKIP=1 lets it through (the old hook still runs).
  RunResult skipped = run({"git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "skip"}, repo, "", 60,
                          {{"PATCHGATE_SKIP", "1"}});
  CHECK(skipped.code == 0);
  CHECK(count_lines_in(fs::path(repo) / ".git/old-hook-ran") == 2);

  // A clean change passes.
  write_file(fs::path(repo) / "ratelimit/double.go", kClean);
  git(repo, {"add", "ratelimit/double.go"});
  RunResult clean = git(repo, {"commit", "-m", "add Double"}, true);
  CHECK(clean.code == 0);
  CHECK(count_lines_in(fs::path(repo) / ".git/old-hook-ran") == 3);

  // Uninstall: the old hook is back, identical, with its mode; pre-push (new) is gone.
  REQUIRE(run_patchgate({"hook", "uninstall"}, repo).code == 0);
  CHECK(read_file(hooks / "pre-commit") == original);
  CHECK((fs::status(hooks / "pre-commit").permissions() & fs::perms::all) == fs::perms(0750));
  CHECK_FALSE(fs::exists(hooks / "pre-commit.patchgate-chained"));
  CHECK_FALSE(fs::exists(hooks / "pre-push"));
}

TEST_CASE("hook: git commit -a and git commit <path> are gated on what they commit", "[hook]") {
  // Both stage into another index than .git/index and name it in GIT_INDEX_FILE: the hook
  // checks that one, not the index as it was before the command.
  TempDir tmp;
  std::string repo = base_repo(tmp);
  write_file(fs::path(repo) / "ratelimit/bucket.go", kClean);
  commit_all(repo, "clean");
  REQUIRE(run_patchgate({"hook", "install", "--hook", "pre-commit"}, repo).code == 0);
  std::string head_before = git(repo, {"rev-parse", "HEAD"}).out;
  write_file(fs::path(repo) / "ratelimit/bucket.go", kDoubleLock);  // tracked, not staged
  for (const std::vector<std::string>& commit : {std::vector<std::string>{"commit", "-a", "-m", "double lock"},
                                                 std::vector<std::string>{"commit", "-m", "double lock", "ratelimit/bucket.go"}}) {
    RunResult blocked = git(repo, commit, true);
    INFO(commit[1] << ": " << blocked.out << blocked.err);
    CHECK(blocked.code != 0);
    CHECK((blocked.out + blocked.err).find("go-double-lock") != std::string::npos);
    CHECK(git(repo, {"rev-parse", "HEAD"}).out == head_before);
  }
  // The work tree and .git/index are as they were: the change is still unstaged.
  CHECK(git(repo, {"diff", "--cached", "--name-only"}).out.empty());
  CHECK(git(repo, {"diff", "--name-only"}).out == "ratelimit/bucket.go\n");
  // A clean file committed the same way passes.
  write_file(fs::path(repo) / "ratelimit/bucket.go", std::string(kClean) + "\nfunc Triple(x int) int { return 3 * x }\n");
  CHECK(git(repo, {"commit", "-a", "-m", "add Triple"}, true).code == 0);
  CHECK(git(repo, {"rev-parse", "HEAD"}).out != head_before);
}

TEST_CASE("check --staged reads the index GIT_INDEX_FILE names, and refuses one that is not there", "[hook]") {
  TempDir tmp;
  std::string repo = base_repo(tmp);
  write_file(fs::path(repo) / "ratelimit/bucket.go", kDoubleLock);
  std::string other = (tmp.path() / "other-index").string();
  // Stage into another index, as `git commit -a` does: .git/index has nothing staged.
  RunResult staged = run({"git", "add", "ratelimit/bucket.go"}, repo, "", 60, {{"GIT_INDEX_FILE", other}});
  REQUIRE(staged.code == 0);
  CHECK(run_patchgate({"check", "--staged", "-q"}, repo).code == 0);
  RunResult named = run({binary(), "check", "--staged", "-q"}, repo, "", 60, {{"GIT_INDEX_FILE", other}});
  CHECK(named.code == 1);
  CHECK(named.out.find("go-double-lock") != std::string::npos);
  RunResult missing = run({binary(), "check", "--staged"}, repo, "", 60, {{"GIT_INDEX_FILE", other + ".missing"}});
  CHECK(missing.code == 2);
  CHECK(missing.err.find("GIT_INDEX_FILE") != std::string::npos);
  CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') <= 2);
}

TEST_CASE("hook: honours core.hooksPath and works from a linked worktree", "[hook]") {
  TempDir tmp;
  std::string repo = base_repo(tmp);
  git(repo, {"config", "core.hooksPath", ".githooks"});
  REQUIRE(run_patchgate({"hook", "install", "--hook", "pre-commit"}, repo).code == 0);
  CHECK(fs::exists(fs::path(repo) / ".githooks/pre-commit"));
  CHECK_FALSE(fs::exists(fs::path(repo) / ".git/hooks/pre-commit"));
  CHECK_FALSE(fs::exists(fs::path(repo) / ".githooks/pre-push"));
  write_file(fs::path(repo) / "bucket.go", kDoubleLock);
  git(repo, {"add", "bucket.go"});
  CHECK(git(repo, {"commit", "-m", "double lock"}, true).code != 0);
  git(repo, {"reset", "-q"});
  fs::remove(fs::path(repo) / "bucket.go");
  git(repo, {"config", "--unset", "core.hooksPath"});

  // A linked worktree shares the main repository's hooks.
  std::string wt = (tmp.path() / "wt").string();
  git(repo, {"worktree", "add", "-q", wt});
  REQUIRE(run_patchgate({"hook", "install"}, wt).code == 0);
  CHECK(fs::exists(fs::path(repo) / ".git/hooks/pre-commit"));
  write_file(fs::path(wt) / "bucket.go", kDoubleLock);
  git(wt, {"add", "bucket.go"});
  RunResult blocked = git(wt, {"commit", "-m", "double lock in a worktree"}, true);
  CHECK(blocked.code != 0);
  CHECK((blocked.out + blocked.err).find("go-double-lock") != std::string::npos);
  // --no-verify is git's own way around it.
  CHECK(git(wt, {"commit", "-q", "--no-verify", "-m", "no verify"}, true).code == 0);
}

TEST_CASE("hook: pre-push gates the commits being pushed", "[hook]") {
  TempDir tmp;
  std::string repo = base_repo(tmp);
  std::string remote = (tmp.path() / "remote.git").string();
  run({"git", "init", "-q", "--bare", remote}, tmp.str());
  git(repo, {"remote", "add", "origin", remote});
  git(repo, {"push", "-q", "origin", "HEAD:refs/heads/main"});
  git(repo, {"fetch", "-q", "origin"});
  REQUIRE(run_patchgate({"hook", "install", "--hook", "pre-push"}, repo).code == 0);

  write_file(fs::path(repo) / "double.go", kClean);
  commit_all(repo, "clean change");
  CHECK(git(repo, {"push", "-q", "origin", "HEAD:refs/heads/main"}, true).code == 0);

  write_file(fs::path(repo) / "bucket.go", kDoubleLock);
  commit_all(repo, "double lock");
  RunResult pushed = git(repo, {"push", "origin", "HEAD:refs/heads/main"}, true);
  CHECK(pushed.code != 0);
  CHECK((pushed.out + pushed.err).find("go-double-lock") != std::string::npos);
  // The remote did not move.
  CHECK(run({"git", "rev-parse", "main"}, remote).out != git(repo, {"rev-parse", "HEAD"}).out);
  // A new branch is judged against the remote's default branch.
  RunResult branch = git(repo, {"push", "origin", "HEAD:refs/heads/feature"}, true);
  CHECK(branch.code != 0);
}

TEST_CASE("check, race, gate and hook run leave the index, the work tree and the refs as they were", "[hook]") {
  TempDir tmp;
  std::string repo = base_repo(tmp);
  write_file(fs::path(repo) / "bucket.go", kDoubleLock);
  write_file(fs::path(repo) / "untracked.txt", "scratch\n");
  git(repo, {"add", "bucket.go"});
  write_file(fs::path(repo) / "README.md", "service, edited but not staged\n");
  const std::string before = repo_state(repo);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"check"}, {"check", "--worktree"}, {"check", "--all"}, {"gate"}, {"gate", "--format", "json"},
           {"hook", "run", "pre-commit"}, {"race", "--no-cache"}, {"check", "--base", "HEAD"}}) {
    RunResult r = run_patchgate(args, repo);
    INFO(args.front() << " " << (args.size() > 1 ? args[1] : "") << ": " << r.err);
    CHECK((r.code == 0 || r.code == 1));
    CHECK(repo_state(repo) == before);
  }
}

TEST_CASE("gate --base auto takes the target branch from CI variables", "[hook][ci]") {
  TempDir tmp;
  std::string repo = base_repo(tmp);
  std::string remote = (tmp.path() / "remote.git").string();
  run({"git", "init", "-q", "--bare", remote}, tmp.str());
  git(repo, {"remote", "add", "origin", remote});
  git(repo, {"push", "-q", "origin", "HEAD:refs/heads/main"});
  git(repo, {"fetch", "-q", "origin"});
  git(repo, {"checkout", "-q", "-b", "feature"});
  write_file(fs::path(repo) / "bucket.go", kDoubleLock);
  commit_all(repo, "double lock");
  for (const char* variable : {"GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"}) {
    RunResult r = run({binary(), "gate", "--base", "auto"}, repo, "", 120, {{variable, "main"}});
    INFO(variable << ": " << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("go-double-lock") != std::string::npos);
    CHECK(r.out.find("origin/main") != std::string::npos);
  }
  RunResult azure = run({binary(), "gate", "--base", "auto"}, repo, "", 120, {{"SYSTEM_PULLREQUEST_TARGETBRANCH", "refs/heads/main"}});
  CHECK(azure.code == 1);
  RunResult none = run({binary(), "gate", "--base", "auto"}, repo, "", 120, {{"GITHUB_BASE_REF", ""}});
  CHECK(none.code == 2);
  CHECK(none.err.find("--base auto: no CI variable names the target branch") != std::string::npos);
}
