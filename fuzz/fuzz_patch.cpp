// Fuzzes --patch parsing: any bytes either parse into files and changed lines or raise a
// UserError; nothing else may escape, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/git/change_set.h"

namespace {

// Every path exists with a small size, so the fuzzer reaches hunk and line parsing.
class AnyPathSource final : public patchgate::git::SourceTree {
 public:
  std::optional<uint64_t> size(const std::string&) const override { return 64; }
  std::optional<std::string> read(const std::string&) const override { return std::string(64, 'x'); }
  std::vector<std::string> list_dir(const std::string&) const override { return {}; }
  std::vector<std::string> list_all() const override { return {}; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const AnyPathSource revision;
  patchgate::git::DiffLimits limits;
  try {
    auto files = patchgate::git::files_of_patch(std::string(reinterpret_cast<const char*>(data), size), "fuzz",
                                                revision, limits);
    for (const auto& file : files) {
      if (file.path.empty()) __builtin_trap();
      for (const auto& [first, last] : file.added_lines.ranges())
        if (first > last) __builtin_trap();
    }
  } catch (const patchgate::UserError&) {
  }
  return 0;
}
