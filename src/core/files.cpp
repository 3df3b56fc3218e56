#include "core/files.h"

#include <fstream>
#include <sstream>

namespace patchgate {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string line_of_file(const std::string& path, int line) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n)
    if (n == line) {
      if (!text.empty() && text.back() == '\r') text.pop_back();
      return text;
    }
  return "";
}

}  // namespace patchgate
