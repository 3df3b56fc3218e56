#include "core/git/staged_paths.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "core/git/handle.h"

namespace patchgate::git {
namespace {

constexpr size_t kHeaderBytes = 12;
constexpr size_t kOidBytes = GIT_OID_RAWSZ;
constexpr size_t kEntryFixedBytes = 62;  // stat data, id and flags, before the path
constexpr uint16_t kExtendedFlag = 0x4000;
constexpr int kMaxTreeDepth = 4096;      // a deeper TREE extension is a damaged file, not a repository

uint32_t be32(std::string_view bytes, size_t at) {
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
  return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

uint16_t be16(std::string_view bytes, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(bytes[at]) << 8 | static_cast<unsigned char>(bytes[at + 1]));
}

// Where the extensions start: the entries are walked, since their size varies with the path.
// Version 4 writes each path as the number of bytes to drop from the previous one (git's
// offset varint) and the rest, without padding; versions 2 and 3 pad each entry with 1 to 8
// NULs to a multiple of 8 bytes.
std::optional<size_t> extensions_offset(std::string_view file, uint32_t version, uint32_t entries, size_t end) {
  size_t at = kHeaderBytes;
  size_t previous_path = 0;
  for (uint32_t i = 0; i < entries; ++i) {
    if (end - at < kEntryFixedBytes) return std::nullopt;
    size_t fixed = kEntryFixedBytes;
    if (be16(file, at + kEntryFixedBytes - 2) & kExtendedFlag) {
      if (version < 3) return std::nullopt;
      fixed += 2;
    }
    size_t path_at = at + fixed;
    if (version == 4) {
      size_t drop = 0;
      for (int shift = 0;; shift += 7) {
        if (path_at >= end || shift > 56) return std::nullopt;
        auto byte = static_cast<unsigned char>(file[path_at++]);
        drop = shift == 0 ? (byte & 0x7f) : ((drop + 1) << 7 | (byte & 0x7f));
        if (!(byte & 0x80)) break;
      }
      if (drop > previous_path) return std::nullopt;
      size_t nul = file.find('\0', path_at);
      if (nul == std::string_view::npos || nul >= end) return std::nullopt;
      previous_path = previous_path - drop + (nul - path_at);
      at = nul + 1;
    } else {
      size_t nul = file.find('\0', path_at);
      if (nul == std::string_view::npos || nul >= end) return std::nullopt;
      size_t padded = (fixed + (nul - path_at) + 8) & ~size_t{7};
      if (end - at < padded) return std::nullopt;
      at += padded;
    }
  }
  return at;
}

// One TREE record and its subtrees: `name NUL entry-count SP subtree-count LF [id]`, the id
// present only when the count is not -1 (invalidated).
bool read_tree_record(std::string_view data, size_t& at, const std::string& parent, int depth, CacheTree& out) {
  if (depth > kMaxTreeDepth) return false;
  size_t nul = data.find('\0', at);
  if (nul == std::string_view::npos) return false;
  std::string_view name = data.substr(at, nul - at);
  // The root is nameless; every other record names one directory, never a path.
  if (name.empty() != (depth == 0) || name.find('/') != std::string_view::npos) return false;
  at = nul + 1;
  size_t lf = data.find('\n', at);
  size_t space = data.find(' ', at);
  if (lf == std::string_view::npos || space == std::string_view::npos || space > lf) return false;
  long entries = 0, subtrees = 0;
  if (std::from_chars(data.data() + at, data.data() + space, entries).ptr != data.data() + space) return false;
  if (std::from_chars(data.data() + space + 1, data.data() + lf, subtrees).ptr != data.data() + lf) return false;
  if (subtrees < 0) return false;
  at = lf + 1;
  std::string path = parent.empty() ? std::string(name) : parent + "/" + std::string(name);
  if (entries >= 0) {
    if (data.size() - at < kOidBytes) return false;
    git_oid id;
    std::memcpy(id.id, data.data() + at, kOidBytes);
    at += kOidBytes;
    out.emplace(path, id);
  }
  for (long i = 0; i < subtrees; ++i)
    if (!read_tree_record(data, at, path, depth + 1, out)) return false;
  return true;
}

// Compares HEAD's tree with the staged entries below one directory, skipping whatever the
// cache tree vouches for.
class PathWalk {
 public:
  PathWalk(git_repository* repo, git_index* index, const CacheTree& cache, size_t limit)
      : repo_(repo), index_(index), cache_(cache), limit_(limit) {}

  // `head` is the directory's tree at HEAD (null where HEAD has none); the index entries
  // [first, last) are those below the directory.
  bool compare(const std::string& dir, const git_tree* head, size_t first, size_t last) {
    if (head && first < last) {  // (no directory left in the index: every file of it is gone)
      auto cached = cache_.find(dir);
      if (cached != cache_.end() && git_oid_equal(&cached->second, git_tree_id(head))) return true;
    }
    // HEAD's entries that no staged entry has matched yet: what is left at the end is gone.
    std::map<std::string_view, const git_tree_entry*> unmatched;  // names live as long as `head`
    for (size_t i = 0, n = head ? git_tree_entrycount(head) : 0; i < n; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(head, i);
      unmatched.emplace(git_tree_entry_name(entry), entry);
    }
    size_t skip = dir.empty() ? 0 : dir.size() + 1;
    for (size_t i = first; i < last;) {
      const git_index_entry* entry = git_index_get_byindex(index_, i);
      if (!entry || (entry->mode & S_IFMT) == S_IFDIR) return false;  // a sparse index's directory entry
      std::string_view rest = std::string_view(entry->path).substr(skip);
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos) {  // a file of this directory
        auto it = unmatched.find(rest);
        bool same = false;
        if (it != unmatched.end() && git_tree_entry_type(it->second) != GIT_OBJECT_TREE) {
          same = git_oid_equal(git_tree_entry_id(it->second), &entry->id) &&
                 static_cast<uint32_t>(git_tree_entry_filemode_raw(it->second)) == entry->mode;
          unmatched.erase(it);
        }
        if (!same && !add(entry->path)) return false;
        ++i;
        continue;
      }
      std::string_view name = rest.substr(0, slash);
      std::string subdir = std::string(entry->path, skip + slash);
      size_t end = i + 1;
      for (; end < last; ++end) {
        const char* path = git_index_get_byindex(index_, end)->path;
        if (std::strncmp(path, subdir.c_str(), subdir.size()) != 0 || path[subdir.size()] != '/') break;
      }
      TreeHandle subtree;
      auto it = unmatched.find(name);
      if (it != unmatched.end() && git_tree_entry_type(it->second) == GIT_OBJECT_TREE) {
        if (git_tree_lookup(subtree.out(), repo_, git_tree_entry_id(it->second)) < 0) return false;
        unmatched.erase(it);
      }
      if (!compare(subdir, subtree.get(), i, end)) return false;
      i = end;
    }
    for (const auto& [name, entry] : unmatched) {
      std::string path = dir.empty() ? std::string(name) : dir + "/" + std::string(name);
      if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
        TreeHandle gone;
        if (git_tree_lookup(gone.out(), repo_, git_tree_entry_id(entry)) < 0 || !compare(path, gone.get(), 0, 0))
          return false;
      } else if (!add(path)) {
        return false;
      }
    }
    return true;
  }

  std::vector<std::string> take() { return std::move(paths_); }

 private:
  bool add(std::string path) {
    if (paths_.size() >= limit_) return false;
    paths_.push_back(std::move(path));
    return true;
  }

  git_repository* repo_;
  git_index* index_;
  const CacheTree& cache_;
  size_t limit_;
  std::vector<std::string> paths_;
};

}  // namespace

std::optional<CacheTree> parse_cache_tree(std::string_view file, const git_oid& checksum) {
  if (file.size() < kHeaderBytes + kOidBytes || file.compare(0, 4, "DIRC") != 0) return std::nullopt;
  size_t end = file.size() - kOidBytes;
  if (std::memcmp(file.data() + end, checksum.id, kOidBytes) != 0) return std::nullopt;
  uint32_t version = be32(file, 4);
  if (version < 2 || version > 4) return std::nullopt;
  auto at = extensions_offset(file, version, be32(file, 8), end);
  if (!at) return std::nullopt;
  std::optional<CacheTree> cache;
  while (*at < end) {
    if (end - *at < 8) return std::nullopt;
    std::string_view signature = file.substr(*at, 4);
    size_t size = be32(file, *at + 4);
    *at += 8;
    if (end - *at < size) return std::nullopt;
    // A split index keeps most entries in another file: the walk above did not see them.
    if (signature == "link" || signature == "sdir") return std::nullopt;
    if (signature == "TREE" && size > 0) {
      std::string_view data = file.substr(*at, size);
      size_t offset = 0;
      cache.emplace();
      if (!read_tree_record(data, offset, "", 0, *cache) || offset != data.size()) return std::nullopt;
    }
    *at += size;
  }
  return cache;
}

std::optional<std::vector<std::string>> staged_changed_paths(git_repository* repo, const git_tree* head,
                                                             git_index* index, size_t limit) {
  if (!head || git_index_has_conflicts(index) || (git_index_caps(index) & GIT_INDEX_CAPABILITY_IGNORE_CASE))
    return std::nullopt;
  const char* path = git_index_path(index);
  const git_oid* checksum = git_index_checksum(index);
  if (!path || !checksum) return std::nullopt;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  std::string file(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  if (!in.read(file.data(), static_cast<std::streamsize>(file.size()))) return std::nullopt;
  auto cache = parse_cache_tree(file, *checksum);
  if (!cache || cache->empty()) return std::nullopt;
  PathWalk walk(repo, index, *cache, limit);
  if (!walk.compare("", head, 0, git_index_entrycount(index))) return std::nullopt;
  return walk.take();
}

}  // namespace patchgate::git
