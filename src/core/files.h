#pragma once

#include <string>

// Reading plain files from disk (reports, caches, hook scripts, working-tree files the tests ran).
namespace patchgate {

// The whole file; "" if it cannot be read.
std::string read_file(const std::string& path);
// Line `line` (1-based) of the file without its newline; "" if there is none.
std::string line_of_file(const std::string& path, int line);

}  // namespace patchgate
