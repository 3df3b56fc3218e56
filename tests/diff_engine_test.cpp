// The diff engine against real repositories made by each test.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sstream>

#include "core/errors.h"
#include "core/git/change_set.h"
#include "core/git/repository.h"
#include "core/git/source_tree.h"
#include "core/git/staged_paths.h"
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

namespace {

// `git diff --cached --name-only --no-renames`, sorted: what the staged diff must list.
std::vector<std::string> git_staged_names(const std::string& repo) {
  std::vector<std::string> names;
  std::istringstream lines(git(repo, {"diff", "--cached", "--name-only", "--no-renames"}).out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) names.push_back(line);
  std::sort(names.begin(), names.end());
  return names;
}

// The shortcut's own answer (nullopt when it did not apply), sorted.
std::optional<std::vector<std::string>> shortcut_names(const std::string& repo) {
  auto handle = patchgate::git::Repository::discover(repo);
  patchgate::git::IndexHandle index;
  REQUIRE(git_repository_index(index.out(), handle->get()) == 0);
  patchgate::git::TreeHandle head = handle->head_tree();
  auto paths = patchgate::git::staged_changed_paths(handle->get(), head.get(), index.get(), 100);
  if (paths) std::sort(paths->begin(), paths->end());
  return paths;
}

std::vector<std::string> change_names(const ChangeSet& change) {
  std::vector<std::string> names;
  for (const auto& file : change.files) names.push_back(file.path);
  std::sort(names.begin(), names.end());
  return names;
}

// A tree of a dozen directories, most of which a change leaves alone.
void write_wide_tree(const std::string& repo) {
  for (const char* dir : {"a", "a/b", "a/b/c", "d", "e", "e/f", "g", "h/i/j", "k-l", "k"}) {
    write_file(fs::path(repo) / dir / "x.go", std::string("package x\n\n// ") + dir + "\n");
    write_file(fs::path(repo) / dir / "y.txt", dir);
  }
  write_file(fs::path(repo) / "top.go", "package top\n");
  write_file(fs::path(repo) / "script.sh", "echo\n");
  // As a checkout an hour old: git re-adds files written in the same second as the index (it
  // cannot tell them from their stat data), and re-adding drops their directories' tree ids.
  for (const auto& entry : fs::recursive_directory_iterator(repo))
    if (entry.is_regular_file() && entry.path().string().find("/.git/") == std::string::npos)
      fs::last_write_time(entry.path(), fs::file_time_type::clock::now() - std::chrono::hours(1));
}

}  // namespace

TEST_CASE("staged: the index's cache tree names exactly the paths git diff --cached lists", "[diff]") {
  for (const char* version : {"2", "3", "4"}) {
    DYNAMIC_SECTION("index version " << version) {
      TempDir tmp;
      std::string repo = init_repo(tmp);
      write_wide_tree(repo);
      commit_all(repo, "base");
      git(repo, {"update-index", "--index-version", version});
      // Nothing staged: the shortcut applies and finds nothing, and so does the change set.
      REQUIRE(shortcut_names(repo).has_value());
      CHECK(shortcut_names(repo)->empty());
      CHECK(load(repo, spec_of(DiffSpec::Kind::kStaged)).files.empty());

      write_file(fs::path(repo) / "a/b/c/x.go", "package x\n\nfunc Changed() {}\n");  // modified, deep
      fs::remove_all(fs::path(repo) / "e");                                          // a directory gone
      write_file(fs::path(repo) / "new/dir/n.go", "package n\n");                    // a directory new
      fs::remove(fs::path(repo) / "top.go");                                          // a file becomes a directory
      write_file(fs::path(repo) / "top.go/inner.go", "package inner\n");
      fs::remove_all(fs::path(repo) / "g");                                           // a directory becomes a file
      write_file(fs::path(repo) / "g", "now a file\n");
      fs::permissions(fs::path(repo) / "script.sh", fs::perms::owner_exec, fs::perm_options::add);  // mode only
      fs::rename(fs::path(repo) / "h/i/j/x.go", fs::path(repo) / "h/moved.go");     // a rename
      write_file(fs::path(repo) / "k/y.txt", "k, edited");  // next to k-l, which sorts between k and k/
      git(repo, {"add", "-A"});
      // Staged, then changed back: the same id as HEAD, and no longer in the diff.
      write_file(fs::path(repo) / "d/x.go", "package x\n\n// d, for a moment\n");
      git(repo, {"add", "d/x.go"});
      write_file(fs::path(repo) / "d/x.go", "package x\n\n// d\n");
      git(repo, {"add", "d/x.go"});
      if (std::string(version) == "3") {  // an intent-to-add entry needs version 3's extended flags
        write_file(fs::path(repo) / "d/intent.go", "package x\n");
        git(repo, {"add", "-N", "d/intent.go"});
      }

      auto expected = git_staged_names(repo);
      REQUIRE(expected.size() >= 10);
      auto shortcut = shortcut_names(repo);
      REQUIRE(shortcut.has_value());
      if (std::string(version) == "3") {
        // An intent-to-add entry is listed (its id is the empty blob's); the diff then decides.
        CHECK(std::includes(shortcut->begin(), shortcut->end(), expected.begin(), expected.end()));
      } else {
        CHECK(*shortcut == expected);
      }
      std::string before = repo_state(repo);
      ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged));
      auto listed = change_names(change);
      // The rename is one entry under its new path; everything else as git lists it (an
      // intent-to-add entry, which libgit2's diff lists as an empty file added, is left out as
      // git leaves it out).
      expected.erase(std::remove(expected.begin(), expected.end(), "h/i/j/x.go"), expected.end());
      CHECK(listed == expected);
      const auto* moved = find(change, "h/moved.go");
      REQUIRE(moved != nullptr);
      CHECK(moved->status == FileStatus::kRenamed);
      CHECK(find(change, "a/b/c/x.go")->added_lines.ranges() == std::vector<std::pair<int, int>>{{3, 3}});
      CHECK(repo_state(repo) == before);
      // Nor is its placeholder part of the staged tree the package is read from.
      CHECK_FALSE(change.revision->read("d/intent.go").has_value());
      auto listed_d = change.revision->list_dir("d");
      CHECK(std::find(listed_d.begin(), listed_d.end(), "d/intent.go") == listed_d.end());
    }
  }
}

TEST_CASE("staged: without a usable cache tree the whole trees are compared, with the same answer", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_wide_tree(repo);
  commit_all(repo, "base");
  write_file(fs::path(repo) / "a/b/x.go", "package x\n\nfunc Changed() {}\n");
  fs::remove_all(fs::path(repo) / "e");
  git(repo, {"add", "-A"});
  auto expected = git_staged_names(repo);
  REQUIRE(shortcut_names(repo).has_value());
  CHECK(change_names(load(repo, spec_of(DiffSpec::Kind::kStaged))) == expected);
  // Unstaging everything and staging it again leaves no directory's tree id valid.
  git(repo, {"rm", "-r", "-q", "--cached", "."});
  git(repo, {"add", "-A"});
  CHECK_FALSE(shortcut_names(repo).has_value());
  CHECK(change_names(load(repo, spec_of(DiffSpec::Kind::kStaged))) == expected);
}

TEST_CASE("staged: a damaged or truncated index file is refused, never misread", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_wide_tree(repo);
  commit_all(repo, "base");
  std::string file = read_file(fs::path(repo) / ".git/index");
  git_oid checksum;
  std::memcpy(checksum.id, file.data() + file.size() - GIT_OID_RAWSZ, GIT_OID_RAWSZ);
  auto cache = patchgate::git::parse_cache_tree(file, checksum);
  REQUIRE(cache.has_value());
  CHECK(cache->size() == 13);  // the root and twelve directories, all valid after a commit
  CHECK(cache->count("") == 1);
  CHECK(cache->count("a/b/c") == 1);
  CHECK(cache->count("h/i/j") == 1);
  git_oid other = checksum;
  other.id[0] ^= 1;
  CHECK_FALSE(patchgate::git::parse_cache_tree(file, other).has_value());  // not the file libgit2 read
  // Every cut, and a flipped byte anywhere, with the trailer taken as the checksum: a refusal or
  // a cache tree, and never a read past the end (the sanitizer build checks that).
  for (size_t length = 0; length < file.size(); ++length) {
    std::string cut = file.substr(0, length);
    git_oid trailer{};
    if (length >= GIT_OID_RAWSZ) std::memcpy(trailer.id, cut.data() + length - GIT_OID_RAWSZ, GIT_OID_RAWSZ);
    CHECK_FALSE(patchgate::git::parse_cache_tree(cut, trailer).has_value());
  }
  size_t parsed = 0;
  for (size_t at = 0; at + GIT_OID_RAWSZ < file.size(); ++at) {
    std::string flipped = file;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x5a);
    parsed += patchgate::git::parse_cache_tree(flipped, checksum).has_value();
  }
  CHECK(parsed > 0);  // flips in the stat data change nothing the reader looks at
}

// libgit2's SHA-1 of the index is OpenSSL's in this build (core/git/handle.cpp): the digest
// must still be the one git wrote, and a mismatch must still be caught.
TEST_CASE("staged: the index's checksum is verified: git's is accepted, a flipped byte is refused", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_wide_tree(repo);
  commit_all(repo, "base");
  write_file(fs::path(repo) / "a/b/c/more.go", "package c\n\nfunc More() {}\n");
  git(repo, {"add", "-A"});
  RunResult good = run_patchgate({"check", "--staged"}, repo);
  CHECK(good.code == 0);
  CHECK(good.err.empty());
  // The first entry's ctime: read by nobody, covered by the checksum.
  std::string index = read_file(fs::path(repo) / ".git/index");
  index[12] = static_cast<char>(index[12] ^ 1);
  write_file(fs::path(repo) / ".git/index", index);
  RunResult bad = run_patchgate({"check", "--staged"}, repo);
  CHECK(bad.code == 3);
  CHECK(bad.err.find("cannot read the index") != std::string::npos);
  CHECK(bad.err.find("checksum") != std::string::npos);
  CHECK(read_file(fs::path(repo) / ".git/index") == index);  // and left as it was
}

// load_change_set starts reading the changed files' package siblings on a thread of its own
// (SourceTree::read_ahead); what the analysis then reads must be git's content, whether the
// thread has it, had it taken already, or was never asked for it.
TEST_CASE("staged and --base: the siblings read ahead are git's content, read once or again", "[diff]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  for (int i = 0; i < 20; ++i)
    write_file(fs::path(repo) / "pkg" / ("f" + std::to_string(i) + ".go"),
               "package pkg\n\n// f" + std::to_string(i) + "\nfunc F" + std::to_string(i) + "() {}\n");
  write_file(fs::path(repo) / "pkg/notes.txt", "not Go\n");
  write_file(fs::path(repo) / "pkg/big.go", "package pkg\n\n// " + std::string(5000, 'x') + "\n");
  write_file(fs::path(repo) / "other/o.go", "package other\n");
  commit_all(repo, "base");
  std::string base = git(repo, {"rev-parse", "HEAD"}).out.substr(0, 40);
  git(repo, {"checkout", "-q", "-b", "topic"});
  write_file(fs::path(repo) / "pkg/f3.go", kGoLocked);
  git(repo, {"add", "-A"});
  // f0, f7 and f19 are read ahead (f3 is changed, big.go over the limit when one is set, notes.txt
  // not Go, other/ another directory): their first reads are served by the thread.
  auto check_reads = [&](const ChangeSet& change, const std::string& rev, size_t served) {
    size_t before = patchgate::git::read_ahead_served();
    for (const char* path : {"pkg/f0.go", "pkg/f7.go", "pkg/f19.go", "pkg/notes.txt", "pkg/big.go", "other/o.go", "pkg/f3.go"}) {
      INFO(path);
      std::string expected = git(repo, {"show", rev + ":" + path}).out;
      auto first = change.revision->read(path);
      REQUIRE(first.has_value());
      CHECK(*first == expected);
      auto again = change.revision->read(path);  // handed over once; then read as usual
      REQUIRE(again.has_value());
      CHECK(*again == expected);
    }
    CHECK_FALSE(change.revision->read("pkg/missing.go").has_value());
    CHECK(patchgate::git::read_ahead_served() - before == served);
  };
  SECTION("staged") {
    ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged), 1000);  // big.go is over the limit: not read ahead
    check_reads(change, "", 3);
  }
  SECTION("a commit") {
    git(repo, {"commit", "-q", "-m", "change"});
    DiffSpec spec = spec_of(DiffSpec::Kind::kBase, base);
    ChangeSet change = load(repo, spec);
    check_reads(change, "HEAD", 4);  // big.go too
  }
  SECTION("destroyed before anything is read") {
    ChangeSet change = load(repo, spec_of(DiffSpec::Kind::kStaged));
    CHECK(change.files.size() == 1);
  }
}
