#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/git/repository.h"

namespace patchgate::git {

// Read access to one revision of the repository's files: a commit tree, an index (the staged
// content, or the result of applying a patch in memory), or the working tree. Checks use it to
// read changed files and their package siblings at the new revision.
class SourceTree {
 public:
  virtual ~SourceTree() = default;
  // Size in bytes, or nullopt if the path is not a regular file in this revision.
  virtual std::optional<uint64_t> size(const std::string& path) const = 0;
  // Content, or nullopt if the path is not a regular file in this revision.
  virtual std::optional<std::string> read(const std::string& path) const = 0;
  // Regular files directly inside dir ("" is the root), as repository-relative paths, sorted.
  virtual std::vector<std::string> list_dir(const std::string& dir) const = 0;
  // Every regular file, sorted (for --all).
  virtual std::vector<std::string> list_all() const = 0;
};

std::unique_ptr<SourceTree> tree_source(std::shared_ptr<Repository> repo, TreeHandle tree);
std::unique_ptr<SourceTree> index_source(std::shared_ptr<Repository> repo, IndexHandle index);
// The working tree: files git tracks (per the index) plus untracked files it does not ignore.
std::unique_ptr<SourceTree> workdir_source(std::shared_ptr<Repository> repo);

// Files held in memory (fixtures, fuzzing): path -> content.
std::unique_ptr<SourceTree> memory_source(std::map<std::string, std::string> files);

std::string parent_dir(const std::string& path);

}  // namespace patchgate::git
