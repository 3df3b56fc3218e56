#include "core/shard.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace patchgate {

std::optional<Shard> parse_shard(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  Shard shard;
  const char* begin = text.data();
  const char* middle = begin + slash;
  const char* end = begin + text.size();
  auto first = std::from_chars(begin, middle, shard.index);
  auto second = std::from_chars(middle + 1, end, shard.count);
  if (first.ec != std::errc() || first.ptr != middle || second.ec != std::errc() || second.ptr != end) return std::nullopt;
  if (shard.count < 1 || shard.count > 1000 || shard.index < 1 || shard.index > shard.count) return std::nullopt;
  return shard;
}

std::set<std::string> shard_items(std::vector<std::pair<std::string, uint64_t>> items, const Shard& shard) {
  std::set<std::string> mine;
  if (!shard.active()) {
    for (auto& [name, weight] : items) mine.insert(std::move(name));
    return mine;
  }
  std::map<std::string, uint64_t> total;  // an item listed twice weighs its sum
  for (auto& [name, weight] : items) total[name] += weight;
  items.assign(total.begin(), total.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<uint64_t> load(static_cast<size_t>(shard.count), 0);
  for (auto& [name, weight] : items) {
    // Weight 0 still costs something: count each item as at least one byte.
    size_t lightest = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += std::max<uint64_t>(weight, 1);
    if (static_cast<int>(lightest) + 1 == shard.index) mine.insert(std::move(name));
  }
  return mine;
}

std::vector<size_t> largest_first(const std::vector<uint64_t>& weights) {
  std::vector<size_t> order(weights.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return weights[a] > weights[b]; });
  return order;
}

}  // namespace patchgate
