#include "core/git/change_set.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "core/git/staged_paths.h"

namespace patchgate::git {

const char* to_string(FileStatus status) {
  switch (status) {
    case FileStatus::kAdded: return "added";
    case FileStatus::kModified: return "modified";
    case FileStatus::kDeleted: return "deleted";
    case FileStatus::kRenamed: return "renamed";
    case FileStatus::kCopied: return "copied";
    case FileStatus::kTypeChange: return "typechange";
    case FileStatus::kUnmodified: return "unmodified";
  }
  return "modified";
}

void LineSet::add(int first, int last) {
  if (last < first) return;
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), std::make_pair(first, last));
  it = ranges_.insert(it, {first, last});
  // Merge with neighbours that overlap or touch.
  if (it != ranges_.begin() && std::prev(it)->second + 1 >= it->first) {
    auto prev = std::prev(it);
    prev->second = std::max(prev->second, it->second);
    it = std::prev(ranges_.erase(it));
  }
  while (std::next(it) != ranges_.end() && it->second + 1 >= std::next(it)->first) {
    it->second = std::max(it->second, std::next(it)->second);
    ranges_.erase(std::next(it));
  }
}

bool LineSet::touches(int first, int last) const {
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), std::make_pair(first, last),
                             [](const auto& range, const auto& probe) { return range.second < probe.first; });
  return it != ranges_.end() && it->first <= last;
}

int LineSet::count() const {
  int total = 0;
  for (const auto& [first, last] : ranges_) total += last - first + 1;
  return total;
}

namespace {

FileStatus status_of(git_delta_t delta) {
  switch (delta) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED: return FileStatus::kAdded;
    case GIT_DELTA_DELETED: return FileStatus::kDeleted;
    case GIT_DELTA_RENAMED: return FileStatus::kRenamed;
    case GIT_DELTA_COPIED: return FileStatus::kCopied;
    case GIT_DELTA_TYPECHANGE: return FileStatus::kTypeChange;
    default: return FileStatus::kModified;
  }
}

// The index a commit is about to record. git names it in GIT_INDEX_FILE for its hooks, and
// for `git commit -a` (.git/index.lock) or `git commit <paths>` (a temporary next-index) it is
// not .git/index, which still holds what was staged before the command. A relative name is
// relative to the top of the work tree, where git runs hooks.
IndexHandle staged_index(const Repository& repo) {
  IndexHandle index;
  const char* named = std::getenv("GIT_INDEX_FILE");
  if (!named || !*named) {
    check(git_repository_index(index.out(), repo.get()), "cannot read the index");
    return index;
  }
  std::filesystem::path path(named);
  if (path.is_relative()) path = std::filesystem::path(repo.workdir()) / path;
  const std::string hint = "GIT_INDEX_FILE names the index to check; unset it to check .git/index";
  std::error_code error;
  // (libgit2 would take a missing file for an empty index, and every file for deleted.)
  if (!std::filesystem::is_regular_file(path, error))
    throw UserError(kExitUsage, "GIT_INDEX_FILE: " + path.string() + " is not an index file", hint);
  check(git_index_open(index.out(), path.c_str()), "cannot read the index " + path.string() + " (GIT_INDEX_FILE)", hint);
  return index;
}

// Beyond this many staged paths the whole-tree diff is as quick as matching a pathspec.
constexpr size_t kMostStagedPaths = 2000;

git_diff_options base_diff_options(const DiffLimits& limits) {
  git_diff_options options;
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.context_lines = 0;
  options.interhunk_lines = 0;
  // Larger files are treated as binary by libgit2 and skipped by us as too large.
  options.max_size = static_cast<git_off_t>(limits.max_file_bytes);
  options.flags |= GIT_DIFF_IGNORE_SUBMODULES;
  return options;
}

void find_renames(git_diff* diff) {
  git_diff_find_options options;
  git_diff_find_options_init(&options, GIT_DIFF_FIND_OPTIONS_VERSION);
  options.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
  check(git_diff_find_similar(diff, &options), "cannot detect renames");
}

// Only files we may analyse need their lines; listing the rest is enough.
bool wants_lines(const std::string& path) { return path.size() > 3 && path.compare(path.size() - 3, 3, ".go") == 0; }

std::vector<ChangedFile> collect_files(git_diff* diff, const SourceTree& revision, const DiffLimits& limits) {
  std::vector<ChangedFile> files;
  size_t count = git_diff_num_deltas(diff);
  for (size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff, i);
    if (delta->status == GIT_DELTA_UNMODIFIED || delta->status == GIT_DELTA_IGNORED) continue;
    ChangedFile file;
    file.status = status_of(delta->status);
    const char* new_path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
    const char* old_path = delta->old_file.path ? delta->old_file.path : new_path;
    file.path = file.status == FileStatus::kDeleted ? old_path : new_path;
    file.old_path = old_path;

    if (file.status == FileStatus::kDeleted) {
      file.skip_reason = "deleted";
    } else if (delta->new_file.mode == GIT_FILEMODE_COMMIT || delta->old_file.mode == GIT_FILEMODE_COMMIT) {
      file.skip_reason = "submodule";
    } else if (delta->new_file.mode == GIT_FILEMODE_LINK) {
      file.skip_reason = "symbolic link";
    } else if (auto size = revision.size(file.path); !size) {
      file.skip_reason = "not a regular file at the new revision";
    } else if (*size > limits.max_file_bytes) {
      file.size = *size;
      file.skip_reason = "too large (" + std::to_string(*size) + " bytes; limit " +
                         std::to_string(limits.max_file_bytes) + ", see max_file_bytes)";
    } else {
      file.size = *size;
    }

    if (file.skip_reason.empty() && wants_lines(file.path)) {
      PatchHandle patch;
      check(git_patch_from_diff(patch.out(), diff, i), "cannot compute the diff of " + file.path);
      const git_diff_delta* loaded = patch ? git_patch_get_delta(patch.get()) : delta;
      if (loaded->flags & GIT_DIFF_FLAG_BINARY) {
        file.skip_reason = "binary";
      } else if (patch) {
        size_t hunks = git_patch_num_hunks(patch.get());
        for (size_t h = 0; h < hunks; ++h) {
          const git_diff_hunk* hunk = nullptr;
          size_t lines = 0;
          check(git_patch_get_hunk(&hunk, &lines, patch.get(), h), "cannot read a hunk of " + file.path);
          file.hunks.push_back({hunk->old_start, hunk->old_lines, hunk->new_start, hunk->new_lines});
          // A pure removal has no new line; the lines on either side of the gap stand for it.
          if (hunk->old_lines > 0 && hunk->new_lines == 0)
            file.touched_lines.add(std::max(1, hunk->new_start), hunk->new_start + 1);
          // A run of removed lines with no added line next to it, inside a hunk with context (a
          // parsed patch): the lines on either side stand for it. A replacement has its added lines.
          int next_new = hunk->new_start;
          bool removal = false, replaced = false;
          auto close_run = [&]() {
            if (removal && !replaced) file.touched_lines.add(std::max(1, next_new - 1), next_new);
            removal = replaced = false;
          };
          for (size_t l = 0; l < lines; ++l) {
            const git_diff_line* line = nullptr;
            check(git_patch_get_line_in_hunk(&line, patch.get(), h, l), "cannot read a line of " + file.path);
            if (line->origin == GIT_DIFF_LINE_ADDITION && line->new_lineno > 0) {
              file.added_lines.add(line->new_lineno, line->new_lineno);
              file.touched_lines.add(line->new_lineno, line->new_lineno);
              replaced = true;
            } else if (line->origin == GIT_DIFF_LINE_DELETION && hunk->new_lines > 0) {
              removal = true;
            } else if (line->origin == GIT_DIFF_LINE_CONTEXT) {
              close_run();
              replaced = false;
            }
            if (line->new_lineno > 0) next_new = line->new_lineno + 1;
          }
          close_run();
        }
      }
    } else if (file.skip_reason.empty() && (delta->flags & GIT_DIFF_FLAG_BINARY)) {
      file.skip_reason = "binary";
    }
    files.push_back(std::move(file));
  }
  return files;
}

// The files in the directories of the changed files that share a changed file's extension
// (its package's other files), not themselves changed, in directory order.
std::vector<std::string> siblings_of_changed(git_diff* diff, const SourceTree& revision) {
  auto extension = [](const std::string& path) {
    auto dot = path.rfind('.');
    auto slash = path.rfind('/');
    return dot == std::string::npos || (slash != std::string::npos && dot < slash) ? std::string() : path.substr(dot);
  };
  std::set<std::string> changed;
  std::map<std::string, std::set<std::string>> extensions_by_dir;
  for (size_t i = 0, n = git_diff_num_deltas(diff); i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff, i);
    if (delta->status == GIT_DELTA_DELETED || !delta->new_file.path) continue;
    std::string path = delta->new_file.path;
    if (std::string ext = extension(path); !ext.empty()) extensions_by_dir[parent_dir(path)].insert(ext);
    changed.insert(std::move(path));
  }
  std::vector<std::string> out;
  for (const auto& [dir, extensions] : extensions_by_dir)
    for (auto& path : revision.list_dir(dir))
      if (!changed.count(path) && extensions.count(extension(path))) out.push_back(std::move(path));
  return out;
}

TreeHandle parent_tree(const Repository& repo, const git_commit* commit) {
  if (git_commit_parentcount(commit) == 0) return TreeHandle();
  CommitHandle parent;
  check(git_commit_parent(parent.out(), commit, 0), "cannot read the parent commit",
        "in a shallow clone, fetch more history (git fetch --deepen=1)");
  return repo.commit_tree(parent.get());
}

CommitHandle merge_base(const Repository& repo, const git_commit* a, const git_commit* b, const std::string& what) {
  git_oid base;
  int rc = git_merge_base(&base, repo.get(), git_commit_id(a), git_commit_id(b));
  // In a shallow clone the walk stops at a missing parent ("object not found"), not ENOTFOUND.
  bool shallow = git_repository_is_shallow(repo.get()) == 1;
  if (rc < 0 && shallow) {
    throw UserError(kExitOperational, "no merge-base for " + what + " in this shallow clone (" + last_error_text() + ")",
                    "fetch more history: `git fetch --unshallow` (in CI: checkout with fetch-depth: 0)");
  }
  if (rc == GIT_ENOTFOUND) {
    throw UserError(kExitOperational, "no merge-base for " + what,
                    "the two revisions share no history; use --range A..B to compare them directly");
  }
  check(rc, "cannot compute the merge-base for " + what);
  CommitHandle commit;
  check(git_commit_lookup(commit.out(), repo.get(), &base), "cannot read the merge-base commit");
  return commit;
}

git_tree* raw(const TreeHandle& tree) { return tree.get(); }

DiffHandle parse_patch(const std::string& text, const std::string& name) {
  const std::string hint = "pass a unified diff as produced by `git diff` or `diff -u`, relative to the repository root";
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw UserError(kExitUsage, name + ": the patch is empty", hint);
  DiffHandle diff;
  if (git_diff_from_buffer(diff.out(), text.data(), text.size()) < 0)
    throw UserError(kExitUsage, name + ": not a unified diff: " + last_error_text(), hint);
  if (git_diff_num_deltas(diff.get()) == 0)
    throw UserError(kExitUsage, name + ": no file changes found in the patch", hint);
  return diff;
}

void route_object_writes_to_memory(const Repository& repo) {
  git_odb* odb = nullptr;
  check(git_repository_odb(&odb, repo.get()), "cannot open the object database");
  git_odb_backend* memory = nullptr;
  int rc = git_mempack_new(&memory);
  // The odb owns the backend once added; the highest priority receives every write.
  if (rc >= 0) rc = git_odb_add_backend(odb, memory, 1000);
  git_odb_free(odb);
  check(rc, "cannot set up in-memory object storage");
}

TreeHandle empty_tree(const Repository& repo) {
  git_treebuilder* builder = nullptr;
  check(git_treebuilder_new(&builder, repo.get(), nullptr), "cannot build an empty tree");
  git_oid oid;
  int rc = git_treebuilder_write(&oid, builder);
  git_treebuilder_free(builder);
  check(rc, "cannot build an empty tree");
  TreeHandle tree;
  check(git_tree_lookup(tree.out(), repo.get(), &oid), "cannot read the empty tree");
  return tree;
}

}  // namespace

std::vector<ChangedFile> files_of_patch(const std::string& text, const std::string& name, const SourceTree& revision,
                                        const DiffLimits& limits) {
  ensure_initialised();
  DiffHandle diff = parse_patch(text, name);
  return collect_files(diff.get(), revision, limits);
}

TreeHandle dup_tree(const git_tree* tree) {
  TreeHandle copy;
  if (tree) check(git_tree_dup(copy.out(), const_cast<git_tree*>(tree)), "cannot copy a tree");
  return copy;
}

std::unique_ptr<SourceTree> base_source(const std::shared_ptr<Repository>& repo, const git_tree* tree) {
  if (!tree) return nullptr;
  return tree_source(repo, dup_tree(tree));
}

// The messages of the commits reachable from `to` and not from `from` (newest first, at most
// 200), which is where an author says "refactor" or "no functional change".
std::string messages_between(const Repository& repo, const git_commit* from, const git_commit* to,
                             std::vector<std::string>& ids) {
  Handle<git_revwalk, git_revwalk_free> walk;
  if (git_revwalk_new(walk.out(), repo.get()) < 0) return "";
  if (git_revwalk_push(walk.get(), git_commit_id(to)) < 0) return "";
  if (from) git_revwalk_hide(walk.get(), git_commit_id(from));
  std::string out;
  git_oid oid;
  for (int n = 0; n < 200 && git_revwalk_next(&oid, walk.get()) == 0; ++n) {
    CommitHandle commit;
    if (git_commit_lookup(commit.out(), repo.get(), &oid) < 0) break;
    if (const char* message = git_commit_message(commit.get())) out += std::string(message) + "\n";
    char hex[GIT_OID_HEXSZ + 1];
    ids.push_back(git_oid_tostr(hex, sizeof hex, &oid));
  }
  return out;
}

ChangeSet load_change_set(const std::shared_ptr<Repository>& repo, const DiffSpec& spec, const DiffLimits& limits) {
  ChangeSet change;
  std::set<std::string> intent_to_add;  // staged placeholders of `git add -N`
  git_diff_options options = base_diff_options(limits);
  DiffHandle diff;
  auto need_workdir = [&](const char* flag) {
    if (repo->bare())
      throw UserError(kExitUsage, std::string(flag) + " needs a work tree, and this repository is bare",
                      "use --range A..B or --commit REV in a bare repository");
  };

  switch (spec.kind) {
    case DiffSpec::Kind::kStaged: {
      need_workdir("--staged");
      IndexHandle index = staged_index(*repo);
      TreeHandle head = repo->head_tree();
      // Comparing whole trees reads every directory's tree at HEAD (15 ms in the Go standard
      // library, more than the rest of a pre-commit run's git work): the index's cache tree
      // names the few paths that can differ, and the diff compares those alone.
      auto paths = staged_changed_paths(repo->get(), raw(head), index.get(), kMostStagedPaths);
      std::vector<char*> pathspec;
      if (paths) {
        for (auto& path : *paths) pathspec.push_back(path.data());
        options.pathspec = {pathspec.data(), pathspec.size()};
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;  // literal paths, not patterns
      }
      if (!paths || !paths->empty())  // (an empty pathspec would mean every path)
        check(git_diff_tree_to_index(diff.out(), repo->get(), raw(head), index.get(), &options),
              "cannot diff HEAD against the index");
      change.description = "staged changes";
      // `git add -N` leaves a placeholder entry that a commit does not record, and that
      // `git diff --cached` does not list; libgit2's diff lists it as an empty file added.
      for (size_t i = 0, n = diff ? git_diff_num_deltas(diff.get()) : 0; i < n; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        if (delta->status != GIT_DELTA_ADDED) continue;
        const git_index_entry* entry = git_index_get_bypath(index.get(), delta->new_file.path, 0);
        if (entry && (entry->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD)) intent_to_add.insert(entry->path);
      }
      change.revision = index_source(repo, std::move(index));
      change.base = base_source(repo, raw(head));
      break;
    }
    case DiffSpec::Kind::kWorktree: {
      need_workdir("--worktree");
      options.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
      TreeHandle head = repo->head_tree();
      check(git_diff_tree_to_workdir_with_index(diff.out(), repo->get(), raw(head), &options),
            "cannot diff HEAD against the working tree");
      change.description = "working-tree changes";
      change.revision = workdir_source(repo);
      change.base = base_source(repo, raw(head));
      break;
    }
    case DiffSpec::Kind::kBase: {
      if (repo->head_unborn())
        throw UserError(kExitUsage, "--base needs a commit on HEAD, and this repository has none yet",
                        "use --staged for the first commit");
      CommitHandle target = repo->resolve_commit(spec.rev, "--base");
      CommitHandle head = repo->resolve_commit("HEAD", "HEAD");
      CommitHandle base = merge_base(*repo, target.get(), head.get(), spec.rev + " and HEAD");
      TreeHandle old_tree = repo->commit_tree(base.get());
      TreeHandle new_tree = repo->commit_tree(head.get());
      check(git_diff_tree_to_tree(diff.out(), repo->get(), old_tree.get(), new_tree.get(), &options),
            "cannot diff the merge-base against HEAD");
      change.description = "changes since the merge-base of " + spec.rev + " and HEAD";
      change.revision = tree_source(repo, std::move(new_tree));
      change.base = base_source(repo, old_tree.get());
      change.message = messages_between(*repo, base.get(), head.get(), change.commits);
      break;
    }
    case DiffSpec::Kind::kRange: {
      auto dots = spec.rev.find("..");
      if (dots == std::string::npos || dots == 0)
        throw UserError(kExitUsage, "--range " + spec.rev + ": expected A..B or A...B", "for example --range main..HEAD");
      bool symmetric = spec.rev.compare(dots, 3, "...") == 0;
      std::string from = spec.rev.substr(0, dots);
      std::string to = spec.rev.substr(dots + (symmetric ? 3 : 2));
      if (to.empty()) to = "HEAD";
      CommitHandle a = repo->resolve_commit(from, "--range");
      CommitHandle b = repo->resolve_commit(to, "--range");
      CommitHandle old_commit = symmetric ? merge_base(*repo, a.get(), b.get(), spec.rev) : std::move(a);
      TreeHandle old_tree = repo->commit_tree(old_commit.get());
      TreeHandle new_tree = repo->commit_tree(b.get());
      check(git_diff_tree_to_tree(diff.out(), repo->get(), old_tree.get(), new_tree.get(), &options),
            "cannot diff " + spec.rev);
      change.description = spec.rev;
      change.revision = tree_source(repo, std::move(new_tree));
      change.base = base_source(repo, old_tree.get());
      change.message = messages_between(*repo, old_commit.get(), b.get(), change.commits);
      break;
    }
    case DiffSpec::Kind::kCommit: {
      CommitHandle commit = repo->resolve_commit(spec.rev, "--commit");
      TreeHandle old_tree = parent_tree(*repo, commit.get());
      TreeHandle new_tree = repo->commit_tree(commit.get());
      check(git_diff_tree_to_tree(diff.out(), repo->get(), raw(old_tree), new_tree.get(), &options),
            "cannot diff commit " + spec.rev);
      change.description = "commit " + spec.rev;
      change.revision = tree_source(repo, std::move(new_tree));
      change.base = base_source(repo, raw(old_tree));
      if (const char* message = git_commit_message(commit.get())) change.message = message;
      char hex[GIT_OID_HEXSZ + 1];
      change.commits.push_back(git_oid_tostr(hex, sizeof hex, git_commit_id(commit.get())));
      break;
    }
    case DiffSpec::Kind::kPatch: {
      DiffHandle parsed = parse_patch(spec.patch_text, spec.patch_name);
      diff = std::move(parsed);
      // Objects the in-memory apply creates go to a memory backend, never into .git/objects.
      route_object_writes_to_memory(*repo);
      TreeHandle head = repo->head_tree();
      if (!head) head = empty_tree(*repo);
      IndexHandle applied;
      // Applied in memory to HEAD's tree: the work tree and the index are left alone.
      int rc = git_apply_to_tree(applied.out(), repo->get(), head.get(), diff.get(), nullptr);
      if (rc < 0)
        throw UserError(kExitUsage, spec.patch_name + ": does not apply to HEAD: " + last_error_text(),
                        "make the patch against HEAD (git diff HEAD), or commit its base first");
      change.description = "patch " + spec.patch_name;
      change.revision = index_source(repo, std::move(applied));
      change.base = base_source(repo, head.get());
      // A `git format-patch` mail carries its commit message before the first file.
      size_t first_file = spec.patch_text.find("\ndiff --git ");
      if (first_file != std::string::npos) change.message = spec.patch_text.substr(0, first_file);
      break;
    }
    case DiffSpec::Kind::kAll: {
      need_workdir("--all");
      change.description = "whole tree";
      change.whole_tree = true;
      change.revision = workdir_source(repo);
      for (const auto& path : change.revision->list_all()) {
        ChangedFile file;
        file.path = file.old_path = path;
        file.status = FileStatus::kUnmodified;
        auto size = change.revision->size(path);
        file.size = size.value_or(0);
        if (file.size > limits.max_file_bytes)
          file.skip_reason = "too large (" + std::to_string(file.size) + " bytes; limit " +
                             std::to_string(limits.max_file_bytes) + ", see max_file_bytes)";
        change.files.push_back(std::move(file));
      }
      return change;
    }
  }

  if (!diff) return change;  // nothing staged
  // A changed file's checks read the files beside it (its package): they are inflated on a
  // second thread while this one computes the patches. (Not for a patch: its new blobs are in
  // an in-memory object database.)
  if (spec.kind != DiffSpec::Kind::kPatch) {
    change.revision->read_ahead(siblings_of_changed(diff.get(), *change.revision), limits.max_file_bytes);
    find_renames(diff.get());
  }
  change.files = collect_files(diff.get(), *change.revision, limits);
  change.files.erase(std::remove_if(change.files.begin(), change.files.end(),
                                    [&](const ChangedFile& file) { return intent_to_add.count(file.path) > 0; }),
                     change.files.end());
  return change;
}

}  // namespace patchgate::git
