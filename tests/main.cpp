#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "lang/tree_arena.h"

// As in patchgate's main(): the analyses under test keep their trees in arenas.
int main(int argc, char** argv) {
  patchgate::lang::install_tree_arenas();
  return Catch::Session().run(argc, argv);
}
