// The diff engine against real repositories made by each test.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/git/change_set.h"
#include "core/git/repository.h"
#include "support.h"

using namespace testing;
using patchgate::git::ChangeSet;
using patchgate::git::DiffSpec;
using patchgate::git::FileStatus;

namespace {

ChangeSet load(const std::string& dir, DiffSpec spec, uint64_t max_bytes = 4u << 20) {
  auto repo = patchgate::git::Repository::discover(dir);
  patchgate::git::DiffLimits limits;
  limits.max_file_bytes = max_bytes;
  return patchgate::git::load_change_set(repo, spec, limits);
}

DiffSpec spec_of(DiffSpec::Kind kind, std::string rev = "") {
  DiffSpec spec;
  spec.kind = kind;
  spec.rev = std::move(rev);
  return spec;
}

const patchgate::git::ChangedFile* find(const ChangeSet& change, const std::string& path) {
  for (const auto& f : change.files)
    if (f.path == path) return &f;
  return nullptr;
}

const char* kGoLocked = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n\tmu.Lock()\n}\n";

// Everything `git status` and the refs say; a read-only run must leave it unchanged.
std::string repo_state(const std::string& repo) {
  return git(repo, {"status", "--porcelain=v2", "--branch", "--untracked-files=all"}).out +
         git(repo, {"show-ref", "--head"}, true).out + git(repo, {"ls-files", "--stage"}).out +
         git(repo, {"count-objects", "-v"}).out;
}

// Runs `check --format json` in dir, expects the change to be blocked, returns the report.
nlohmann::json blocked_report(const std::string& dir) {
  // The double lock only: these tests are about paths and files, not about which rules note what.
  auto result = run_patchgate({"check", "--format", "json", "--rules", "go-double-lock"}, dir);
  INFO(result.err);
  CHECK(result.code == 1);
  return nlohmann::json::parse(result.out);
}

}  // namespace

TEST_CASE("staged: a repository with no commits yet", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "a.go", "package a\n\nfunc A() {}\n");
  git(repo, {"add", "a.go"});
  ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged));
  REQUIRE(change.files.size() == 1);
  CHECK(change.files[0].status == FileStatus::kAdded);
  CHECK(change.files[0].added_lines.count() == 3);
  CHECK(change.revision->read("a.go") == std::optional<std::string>("package a\n\nfunc A() {}\n"));
}

TEST_CASE("staged content comes from the index and not the working file", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "a.go", "package a\n");
  git(repo, {"add", "a.go"});
  git(repo, {"commit", "-qm", "base"});
  write_file(fs::path(repo) / "a.go", "package a\n\nfunc Staged() {}\n");
  git(repo, {"add", "a.go"});
  write_file(fs::path(repo) / "a.go", "package a\n\nfunc Staged() {}\n\nfunc NotStaged() {}\n");
  ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged));
  REQUIRE(change.files.size() == 1);
  CHECK(change.files[0].added_lines.ranges() == std::vector<std::pair<int, int>>{{2, 3}});
  CHECK(change.revision->read("a.go")->find("NotStaged") == std::string::npos);

  ChangeSet worktree = load(repo, spec_of(DiffSpec::Kind::kWorktree));
  REQUIRE(worktree.files.size() == 1);
  CHECK(worktree.revision->read("a.go")->find("NotStaged") != std::string::npos);
}

TEST_CASE("worktree mode counts untracked files but not ignored ones", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / ".gitignore", "gen/\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "new/b.go", "package b\n");
  write_file(fs::path(repo) / "gen/c.go", "package c\n");
  std::string before = repo_state(repo);
  ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kWorktree));
  CHECK(find(change, "new/b.go") != nullptr);
  CHECK(find(change, "gen/c.go") == nullptr);
  for (const char* mode : {"--worktree", "--staged", "--all"}) CHECK(run_patchgate({"check", mode}, repo).code == 0);
  CHECK(repo_state(repo) == before);
}

TEST_CASE("a tracked file replaced by a FIFO is skipped, not read and waited on", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "p/a.go", "package p\n\nfunc A() {}\n");
  write_file(fs::path(repo) / "p/b.go", "package p\n");
  commit_all(repo, "base");
  fs::remove(fs::path(repo) / "p/b.go");
  REQUIRE(mkfifo((fs::path(repo) / "p/b.go").c_str(), 0644) == 0);
  std::string before = repo_state(repo);
  for (const char* mode : {"--worktree", "--all"}) {
    RunResult result = run_patchgate({"check", mode}, repo, "", 20);
    INFO(mode << ": " << result.err);
    CHECK(result.code == 0);
  }
  CHECK(repo_state(repo) == before);
}

TEST_CASE("renames keep their old path and only the edited lines count", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  std::string body = "package a\n\n// one\n// two\n// three\n// four\n// five\n// six\nfunc A() {}\n";
  write_file(fs::path(repo) / "a.go", body);
  commit_all(repo, "base");
  git(repo, {"mv", "a.go", "b.go"});
  write_file(fs::path(repo) / "b.go", body + "\nfunc B() {}\n");
  git(repo, {"add", "-A"});
  ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged));
  REQUIRE(change.files.size() == 1);
  CHECK(change.files[0].status == FileStatus::kRenamed);
  CHECK(change.files[0].old_path == "a.go");
  CHECK(change.files[0].path == "b.go");
  CHECK(change.files[0].added_lines.ranges() == std::vector<std::pair<int, int>>{{10, 11}});
}

TEST_CASE("deletions and binaries and large files and submodules are listed but not analysed", "[diff]") {
  TempDir tmp;
  std::string sub = init_repo(tmp, "sub");
  write_file(fs::path(sub) / "x.txt", "x\n");
  commit_all(sub, "sub");

  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "gone.go", "package gone\n\n// a file that is deleted, unlike anything else here\nfunc Gone() {}\n");
  commit_all(repo, "base");
  git(repo, {"rm", "-q", "gone.go"});
  write_file(fs::path(repo) / "blob.go", std::string("package a\n\x00\x01\x02", 13));
  write_file(fs::path(repo) / "big.go", "package a\n" + std::string(5000, '/') + "\n");
  git(repo, {"add", "-A"});
  git(repo, {"submodule", "add", "-q", "../sub", "vendored"});

  ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged), 1000);
  const auto* gone = find(change, "gone.go");
  REQUIRE(gone);
  CHECK(gone->status == FileStatus::kDeleted);
  CHECK(gone->skip_reason == "deleted");
  const auto* blob = find(change, "blob.go");
  REQUIRE(blob);
  CHECK(blob->skip_reason == "binary");
  const auto* big = find(change, "big.go");
  REQUIRE(big);
  CHECK(big->skip_reason.rfind("too large", 0) == 0);
  const auto* vendored = find(change, "vendored");
  if (vendored) CHECK(vendored->skip_reason == "submodule");
}

TEST_CASE("CRLF and invalid UTF-8 are analysed and the JSON report stays valid", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  std::string crlf = kGoLocked;
  for (size_t pos = 0; (pos = crlf.find('\n', pos)) != std::string::npos; pos += 2) crlf.replace(pos, 1, "\r\n");
  write_file(fs::path(repo) / "crlf.go", crlf);
  write_file(fs::path(repo) / "latin1.go", "package p\n\n// caf\xe9 \xff\xfe\nfunc g() {}\n");
  git(repo, {"add", "-A"});
  auto report = blocked_report(repo);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["file"] == "crlf.go");
  CHECK(report["findings"][0]["line"] == 9);
  bool latin1_listed = false;
  for (const auto& file : report["files"]) latin1_listed |= file["path"] == "latin1.go" && file["analysed"] == true;
  CHECK(latin1_listed);
}

TEST_CASE("detached HEAD with commit and range and base modes", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "a.go", "package a\n");
  commit_all(repo, "one");
  git(repo, {"checkout", "-qb", "feature"});
  write_file(fs::path(repo) / "b.go", "package a\n\nfunc B() {}\n");
  commit_all(repo, "two");
  git(repo, {"checkout", "-q", "--detach"});

  ChangeSet commit = load(repo, spec_of(DiffSpec::Kind::kCommit, "HEAD"));
  REQUIRE(commit.files.size() == 1);
  CHECK(commit.files[0].path == "b.go");
  ChangeSet range = load(repo, spec_of(DiffSpec::Kind::kRange, "main..HEAD"));
  REQUIRE(range.files.size() == 1);
  ChangeSet symmetric = load(repo, spec_of(DiffSpec::Kind::kRange, "main...HEAD"));
  REQUIRE(symmetric.files.size() == 1);
  ChangeSet base = load(repo, spec_of(DiffSpec::Kind::kBase, "main"));
  REQUIRE(base.files.size() == 1);
  CHECK(base.files[0].added_lines.count() == 3);
  ChangeSet root = load(repo, spec_of(DiffSpec::Kind::kCommit, "main"));
  REQUIRE(root.files.size() == 1);
  CHECK(root.files[0].path == "a.go");

  auto bad_rev = run_patchgate({"check", "--base", "no-such-branch"}, repo);
  CHECK(bad_rev.code == 2);
  CHECK(bad_rev.err.find("no-such-branch") != std::string::npos);
}

TEST_CASE("running from a subdirectory keeps paths repository-relative", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "pkg/inner/locked.go", kGoLocked);
  git(repo, {"add", "-A"});
  auto report = blocked_report((fs::path(repo) / "pkg/inner").string());
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["file"] == "pkg/inner/locked.go");
}

TEST_CASE("paths with spaces and non-ASCII characters", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  const std::string path = "dir with space/\xc3\xbc" "ber \xe6\x97\xa5\xe6\x9c\xac.go";
  write_file(fs::path(repo) / path, kGoLocked);
  git(repo, {"add", "-A"});
  auto report = blocked_report(repo);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["file"] == path);
  auto text = run_patchgate({"check"}, repo);
  CHECK(text.out.find(path + ":9:2: error:") != std::string::npos);
}

TEST_CASE("a shallow clone without the merge-base exits 3 with a hint", "[diff]") {
  TempDir tmp;
  std::string origin = init_repo(tmp, "origin");
  write_file(fs::path(origin) / "a.go", "package a\n");
  commit_all(origin, "one");
  git(origin, {"checkout", "-qb", "feature"});
  for (int i = 0; i < 3; ++i) {
    write_file(fs::path(origin) / ("f" + std::to_string(i) + ".go"), "package a\n");
    commit_all(origin, "feature " + std::to_string(i));
  }
  git(origin, {"checkout", "-q", "main"});
  write_file(fs::path(origin) / "m.go", "package a\n");
  commit_all(origin, "main moves on");

  git(tmp.str(), {"clone", "-q", "--depth", "1", "--no-single-branch", "file://" + origin, "shallow"});
  std::string shallow = (tmp.path() / "shallow").string();
  git(shallow, {"checkout", "-q", "feature"});
  auto result = run_patchgate({"check", "--base", "origin/main"}, shallow);
  CHECK(result.code == 3);
  CHECK(result.err.find("shallow") != std::string::npos);
  CHECK(result.err.find("unshallow") != std::string::npos);
  auto fail_open = run_patchgate({"check", "--base", "origin/main", "--fail-open"}, shallow);
  CHECK(fail_open.code == 0);
  CHECK(fail_open.err.find("NOT checked") != std::string::npos);
}

TEST_CASE("outside a repository: exit 2 with a hint", "[diff]") {
  TempDir tmp;
  auto result = run_patchgate({"check"}, tmp.str());
  CHECK(result.code == 2);
  CHECK(result.err.find("not a git repository") != std::string::npos);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("patch mode applies in memory and leaves the repository untouched", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "p/locked.go", "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n}\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "p/locked.go", kGoLocked);
  std::string patch = git(repo, {"diff"}).out;
  git(repo, {"checkout", "--", "."});
  std::string before = repo_state(repo);

  auto from_stdin = run_patchgate({"check", "--patch", "-", "--format", "json", "--rules", "go-double-lock"}, repo, patch);
  INFO(from_stdin.err);
  CHECK(from_stdin.code == 1);
  auto report = nlohmann::json::parse(from_stdin.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["line"] == 9);
  write_file(tmp.path() / "change.patch", patch);
  auto from_file = run_patchgate({"check", "--patch", (tmp.path() / "change.patch").string()}, repo);
  CHECK(from_file.code == 1);
  CHECK(repo_state(repo) == before);
}

TEST_CASE("patch mode rejects garbage or empty or non-applying diffs with a one-line exit 2", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "a.go", "package a\n");
  commit_all(repo, "base");
  std::string before = repo_state(repo);
  const std::vector<std::string> inputs = {
      "this is not a diff\n\x01\x02\xff",
      "",
      "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1,1 +1,1 @@\n-package zzz\n+package b\n",
      "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1,999 +1,1 @@\n garbage\n",
  };
  for (const auto& input : inputs) {
    auto result = run_patchgate({"check", "--patch", "-"}, repo, input);
    INFO("input: " << input << "\nstderr: " << result.err);
    CHECK(result.code == 2);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.find("<stdin>") != std::string::npos);
  }
  auto missing = run_patchgate({"check", "--patch", "/nonexistent/x.patch"}, repo);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("/nonexistent/x.patch") != std::string::npos);
  CHECK(repo_state(repo) == before);
}

TEST_CASE("whole-tree mode reads every tracked file and a bare repository refuses work-tree modes", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "a/a.go", "package a\n");
  write_file(fs::path(repo) / "b/b.go", "package b\n");
  commit_all(repo, "base");
  ChangeSet all = load(repo, spec_of(DiffSpec::Kind::kAll));
  CHECK(all.whole_tree);
  CHECK(all.files.size() == 2);

  git(tmp.str(), {"clone", "-q", "--bare", repo, "bare.git"});
  auto result = run_patchgate({"check", "--staged"}, (tmp.path() / "bare.git").string());
  CHECK(result.code == 2);
  CHECK(result.err.find("bare") != std::string::npos);
  auto commit = run_patchgate({"check", "--commit", "HEAD"}, (tmp.path() / "bare.git").string());
  CHECK(commit.code == 0);
}

TEST_CASE("a removal marks the lines around it whether the diff has context or not", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "p/p.go", "package p\n\nfunc F() {\n\ta()\n\tb()\n\tc()\n}\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "p/p.go", "package p\n\nfunc F() {\n\ta()\n\tc()\n}\n");  // b() removed
  commit_all(repo, "drop b");

  ChangeSet committed = load(repo, spec_of(DiffSpec::Kind::kCommit, "HEAD"));
  const auto* file = find(committed, "p/p.go");
  REQUIRE(file);
  CHECK(file->added_lines.empty());
  CHECK(file->touched_lines.contains(4));
  CHECK(file->touched_lines.contains(5));
  CHECK_FALSE(file->touched_lines.contains(3));
  CHECK(committed.message == "drop b\n");
  REQUIRE(committed.base);
  CHECK(committed.base->read("p/p.go").value_or("").find("b()") != std::string::npos);

  // The same change as a patch with three lines of context.
  std::string patch = git(repo, {"diff", "HEAD~1", "HEAD"}).out;
  git(repo, {"reset", "-q", "--hard", "HEAD~1"});
  DiffSpec spec = spec_of(DiffSpec::Kind::kPatch);
  spec.patch_text = patch;
  spec.patch_name = "change.patch";
  ChangeSet patched = load(repo, spec);
  file = find(patched, "p/p.go");
  REQUIRE(file);
  CHECK(file->added_lines.empty());
  CHECK(file->touched_lines.contains(4));
  CHECK(file->touched_lines.contains(5));
  CHECK_FALSE(file->touched_lines.contains(3));
  CHECK_FALSE(file->touched_lines.contains(6));
}
