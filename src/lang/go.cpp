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

}  // namespace patchgate::lang
