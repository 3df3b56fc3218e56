// Fuzzes the index-file reader behind the staged shortcut: any bytes, taking their last 20 as
// the checksum libgit2 would have read, give a cache tree or a refusal; nothing may crash,
// read past the end or hang.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/git/staged_paths.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view file(reinterpret_cast<const char*>(data), size);
  git_oid checksum{};
  if (size >= GIT_OID_RAWSZ) std::memcpy(checksum.id, data + size - GIT_OID_RAWSZ, GIT_OID_RAWSZ);
  auto cache = patchgate::git::parse_cache_tree(file, checksum);
  if (cache)
    for (const auto& [path, id] : *cache)
      if (!path.empty() && (path.front() == '/' || path.back() == '/')) __builtin_trap();
  return 0;
}
