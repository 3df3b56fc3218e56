#pragma once

#include <tree_sitter/api.h>

#include <string>

namespace patchgate::lang {

const TSLanguage* go_language();
bool is_go_file(const std::string& path);
// Under a `testdata` directory, which the go tool ignores: fixtures and sample programs, often
// wrong on purpose, and not part of any package.
bool is_go_testdata(const std::string& path);

}  // namespace patchgate::lang
