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
  // A hint: these files will be read soon, once each. A source in the object database starts
  // inflating them (those up to max_bytes) on a thread of its own, so that their read()s find
  // them ready (waiting for it if need be); other sources ignore it.
  virtual void read_ahead(const std::vector<std::string>& paths, uint64_t max_bytes) const {
    (void)paths;
    (void)max_bytes;
  }
};

std::unique_ptr<SourceTree> tree_source(std::shared_ptr<Repository> repo, TreeHandle tree);
std::unique_ptr<SourceTree> index_source(std::shared_ptr<Repository> repo, IndexHandle index);
// The working tree: files git tracks (per the index) plus untracked files it does not ignore.
std::unique_ptr<SourceTree> workdir_source(std::shared_ptr<Repository> repo);

// Files held in memory (fixtures, fuzzing): path -> content.
std::unique_ptr<SourceTree> memory_source(std::map<std::string, std::string> files);

std::string parent_dir(const std::string& path);

// How many read()s a read-ahead thread has served in this process (tests).
size_t read_ahead_served();

}  // namespace patchgate::git
