#include "core/git/repository.h"

namespace patchgate::git {

std::shared_ptr<Repository> Repository::discover(const std::string& start_dir) {
  ensure_initialised();
  auto repo = std::make_shared<Repository>();
  int rc = git_repository_open_ext(repo->repo_.out(), start_dir.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    throw UserError(kExitUsage, "not a git repository: " + start_dir,
                    "run patchgate inside a git work tree (or `git init` one first)");
  }
  check(rc, "cannot open the git repository at " + start_dir, "", kExitUsage);
  if (const char* workdir = git_repository_workdir(repo->get())) {
    repo->workdir_ = workdir;
    while (repo->workdir_.size() > 1 && repo->workdir_.back() == '/') repo->workdir_.pop_back();
  }
  return repo;
}

std::string Repository::common_dir() const {
  std::string dir = git_repository_commondir(repo_.get());
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::string Repository::hooks_dir() const {
  git_config* config = nullptr;
  std::string configured;
  if (git_repository_config_snapshot(&config, repo_.get()) == 0) {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, config, "core.hooksPath") == 0 && buf.ptr) configured = buf.ptr;
    git_buf_dispose(&buf);
    git_config_free(config);
  }
  if (configured.empty()) return common_dir() + "/hooks";
  if (configured[0] == '/') return configured;
  return (workdir_.empty() ? common_dir() : workdir_) + "/" + configured;
}

bool Repository::bare() const { return git_repository_is_bare(repo_.get()) == 1; }

bool Repository::head_unborn() const { return git_repository_head_unborn(repo_.get()) == 1; }

TreeHandle Repository::head_tree() const {
  if (head_unborn()) return TreeHandle();
  ObjectHandle object;
  check(git_revparse_single(object.out(), repo_.get(), "HEAD^{tree}"), "cannot read HEAD",
        "is the repository corrupt? try `git fsck`");
  return TreeHandle(reinterpret_cast<git_tree*>(object.release()));
}

CommitHandle Repository::resolve_commit(const std::string& rev, const std::string& flag) const {
  ObjectHandle object;
  int rc = git_revparse_single(object.out(), repo_.get(), (rev + "^{commit}").c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC) {
    throw UserError(kExitUsage, flag + " " + rev + ": no such commit in this repository",
                    "check the name with `git rev-parse " + rev + "`; in CI, fetch it first");
  }
  check(rc, "cannot resolve " + rev);
  return CommitHandle(reinterpret_cast<git_commit*>(object.release()));
}

TreeHandle Repository::commit_tree(const git_commit* commit) const {
  TreeHandle tree;
  check(git_commit_tree(tree.out(), commit), "cannot read the tree of a commit");
  return tree;
}

}  // namespace patchgate::git
