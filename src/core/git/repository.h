#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/git/handle.h"

namespace patchgate::git {

// An opened repository. Read-only use: nothing here writes objects, the index or refs.
class Repository {
 public:
  // Finds the repository containing start_dir (like git does from a subdirectory).
  // Throws UserError(kExitUsage) when there is none.
  static std::shared_ptr<Repository> discover(const std::string& start_dir);

  git_repository* get() const { return repo_.get(); }
  bool bare() const;
  // Absolute path of the work tree, without a trailing slash.
  const std::string& workdir() const { return workdir_; }

  // The directory shared by all worktrees (the main .git), without a trailing slash.
  std::string common_dir() const;
  // Where git looks for hooks: core.hooksPath (relative to the work tree's root), else
  // <common dir>/hooks, as git does from a linked worktree too.
  std::string hooks_dir() const;

  // HEAD's commit tree, or an empty handle when HEAD is unborn (no commits yet).
  TreeHandle head_tree() const;
  bool head_unborn() const;
  CommitHandle resolve_commit(const std::string& rev, const std::string& flag) const;
  TreeHandle commit_tree(const git_commit* commit) const;

 private:
  RepositoryHandle repo_;
  std::string workdir_;
};

}  // namespace patchgate::git
