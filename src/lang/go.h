#pragma once

#include <tree_sitter/api.h>

#include <string>
#include <string_view>

namespace patchgate::lang {

const TSLanguage* go_language();
bool is_go_file(const std::string& path);
// Under a `testdata` directory, which the go tool ignores: fixtures and sample programs, often
// wrong on purpose, and not part of any package.
bool is_go_testdata(const std::string& path);
// Go's convention for generated code (https://go.dev/s/generatedcode): a line
// `// Code generated <anything> DO NOT EDIT.` before the package clause.
bool is_go_generated(std::string_view source);

}  // namespace patchgate::lang
