#pragma once

#include <string_view>

namespace patchgate {

// Matches a repository-relative path against a glob: `*` and `?` stay within one path element,
// `**` spans elements (`vendor/**`, `**/*.pb.go`), and a pattern without a slash matches the
// file name anywhere (`*_gen.go`).
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace patchgate
