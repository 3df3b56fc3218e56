#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/git/source_tree.h"

namespace patchgate::git {

// Which change to analyse; one per --staged/--worktree/--base/--range/--commit/--patch/--all.
struct DiffSpec {
  enum class Kind { kStaged, kWorktree, kBase, kRange, kCommit, kPatch, kAll };
  Kind kind = Kind::kStaged;
  std::string rev;         // --base REV, --commit REV, --range A..B / A...B
  std::string patch_text;  // --patch content (the CLI reads the file or stdin)
  std::string patch_name;  // for messages: the file name or "<stdin>"
};

enum class FileStatus { kAdded, kModified, kDeleted, kRenamed, kCopied, kTypeChange, kUnmodified };
const char* to_string(FileStatus status);

// Sorted, merged, inclusive ranges of line numbers on the new side.
class LineSet {
 public:
  void add(int first, int last);
  bool touches(int first, int last) const;
  bool contains(int line) const { return touches(line, line); }
  bool empty() const { return ranges_.empty(); }
  int count() const;
  const std::vector<std::pair<int, int>>& ranges() const { return ranges_; }

 private:
  std::vector<std::pair<int, int>> ranges_;
};

struct Hunk {
  int old_start = 0, old_lines = 0, new_start = 0, new_lines = 0;
};

struct ChangedFile {
  std::string path;      // new path; the old path for deletions
  std::string old_path;  // differs from path for renames and copies
  FileStatus status = FileStatus::kModified;
  std::vector<Hunk> hunks;
  LineSet added_lines;  // added or modified lines at the new revision
  LineSet touched_lines;  // added lines plus the lines around places where lines were removed
  uint64_t size = 0;    // bytes at the new revision
  std::string skip_reason;  // non-empty: not analysed (binary, submodule, too large, deleted, ...)
};

struct ChangeSet {
  std::string description;  // "staged changes", "HEAD~3..HEAD", ...
  bool whole_tree = false;  // --all: every file, no diff filter
  std::vector<ChangedFile> files;
  std::unique_ptr<SourceTree> revision;  // the new revision
  std::unique_ptr<SourceTree> base;      // the old revision; null for --all and a first commit
  std::string message;                   // the messages of the commits in the change, if any
  std::vector<std::string> commits;      // their ids (hex), newest first; empty for staged/worktree/patch
};

struct DiffLimits {
  uint64_t max_file_bytes = 4u << 20;
};

// Parses a unified diff into its files and changed lines, reading sizes from revision (the
// patched tree). Throws UserError(kExitUsage) naming `name` when the text is not a usable diff.
std::vector<ChangedFile> files_of_patch(const std::string& text, const std::string& name, const SourceTree& revision,
                                        const DiffLimits& limits);

// Computes the change described by spec. Read-only: never writes the index, work tree or refs.
ChangeSet load_change_set(const std::shared_ptr<Repository>& repo, const DiffSpec& spec, const DiffLimits& limits);

}  // namespace patchgate::git
