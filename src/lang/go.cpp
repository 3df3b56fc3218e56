#include "lang/go.h"

extern "C" const TSLanguage* tree_sitter_go();

namespace patchgate::lang {

const TSLanguage* go_language() { return tree_sitter_go(); }

bool is_go_file(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".go") == 0;
}

bool is_go_testdata(const std::string& path) {
  return path.rfind("testdata/", 0) == 0 || path.find("/testdata/") != std::string::npos;
}

bool is_go_generated(std::string_view source) {
  size_t start = 0;
  while (start < source.size()) {
    size_t end = source.find('\n', start);
    std::string_view line = source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("package ", 0) == 0) return false;  // the header comes before the clause
    constexpr std::string_view prefix = "// Code generated ", suffix = " DO NOT EDIT.";
    if (line.size() >= prefix.size() + suffix.size() && line.substr(0, prefix.size()) == prefix &&
        line.substr(line.size() - suffix.size()) == suffix)
      return true;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace patchgate::lang
