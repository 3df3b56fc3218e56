#pragma once

#include <iostream>

namespace patchgate::cli {

// The process's streams, injected so commands can be driven from tests.
struct Io {
  std::istream& in = std::cin;
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;
  bool color = false;  // stdout is a terminal and NO_COLOR is unset
};

}  // namespace patchgate::cli
