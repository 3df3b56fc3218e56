#pragma once

#include <tree_sitter/api.h>

#include <string>

namespace patchgate::lang {

const TSLanguage* go_language();
bool is_go_file(const std::string& path);

}  // namespace patchgate::lang
