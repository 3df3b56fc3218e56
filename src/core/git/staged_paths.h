#pragma once

#include <git2.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace patchgate::git {

// The index's cache of tree ids (git's TREE extension): for each directory `git add` has not
// touched since the tree was last written, the id of the tree its staged entries make. Keys
// are directory paths without a trailing slash, "" for the root; invalidated directories are
// absent.
using CacheTree = std::map<std::string, git_oid, std::less<>>;

// Reads the cache tree from an index file's bytes. nullopt when the file is not one this reader
// knows entry by entry (index versions 2 to 4, SHA-1), when it has no TREE extension, or when it
// does not end with `checksum` (the file changed after libgit2 read it).
std::optional<CacheTree> parse_cache_tree(std::string_view file, const git_oid& checksum);

// The paths whose staged entry differs from HEAD's (added, deleted, or another id or mode),
// found without reading the trees of directories the cache tree says are unchanged; these are
// exactly the files `git_diff_tree_to_index` lists. nullopt when that shortcut does not apply
// (no cache tree, conflicts, a case-insensitive index, more than `limit` paths): then the whole
// trees must be compared.
std::optional<std::vector<std::string>> staged_changed_paths(git_repository* repo, const git_tree* head,
                                                             git_index* index, size_t limit);

}  // namespace patchgate::git
