#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace patchgate {

// One of N deterministic slices of the work (`--shard K/N`), so N CI runners can split a run
// and `patchgate merge` can put the reports back together.
struct Shard {
  int index = 1;  // 1-based
  int count = 1;
  bool active() const { return count > 1; }
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "K/N" with 1 <= K <= N <= 1000; nullopt otherwise.
std::optional<Shard> parse_shard(const std::string& text);

// The items (package directories, with a weight such as their bytes) that belong to `shard`:
// largest first, each to the lightest shard so far, ties by name and by shard number. The same
// items always split the same way, whichever runner computes it.
std::set<std::string> shard_items(std::vector<std::pair<std::string, uint64_t>> items, const Shard& shard);

// The indices of `weights`, heaviest first (ties in index order): the order to hand work items
// to a pool of threads in, so that no big one starts last while the others have run out.
std::vector<size_t> largest_first(const std::vector<uint64_t>& weights);

}  // namespace patchgate
