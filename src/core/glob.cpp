#include "core/glob.h"

#include <string>

namespace patchgate {

namespace {

// Iterative matcher with backtracking points for `*` and `**`.
bool match(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;  // last `*` (one element)
  size_t dstar_p = std::string_view::npos, dstar_s = 0;  // last `**` (any elements)
  while (si < s.size()) {
    if (pi + 1 < p.size() && p[pi] == '*' && p[pi + 1] == '*') {
      pi += 2;
      if (pi < p.size() && p[pi] == '/') ++pi;  // `**/` also matches nothing
      dstar_p = pi;
      dstar_s = si;
      star_p = std::string_view::npos;
      continue;
    }
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size() && (p[pi] == s[si] || (p[pi] == '?' && s[si] != '/'))) {
      ++pi;
      ++si;
      continue;
    }
    if (star_p != std::string_view::npos && s[star_s] != '/') {
      pi = star_p;
      si = ++star_s;
      continue;
    }
    if (dstar_p != std::string_view::npos) {
      pi = dstar_p;
      si = ++dstar_s;
      star_p = std::string_view::npos;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.find('/') == std::string_view::npos) {
    auto slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return match(pattern, name);
  }
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  // `dir/` and `dir/**` both mean everything below dir.
  if (!pattern.empty() && pattern.back() == '/') {
    std::string expanded(pattern);
    expanded += "**";
    return match(expanded, path);
  }
  return match(pattern, path);
}

}  // namespace patchgate
