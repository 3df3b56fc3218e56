#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "lang/tree_arena.h"

// As in patchgate's main(): the analyses under test keep their trees in arenas.
int main(int argc, char** argv) {
  patchgate::lang::install_tree_arenas();
  Catch::Session session;
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  // A filter that matches no test case fails (CTest runs one case per name, and a name it
  // cannot pass back whole, with a `;` in it, matches nothing), and so does a case that
  // asserts nothing. The command line takes one --warn; these two are always on.
  auto& config = session.configData();
  config.warnings = static_cast<Catch::WarnAbout::What>(config.warnings | Catch::WarnAbout::NoAssertions |
                                                        Catch::WarnAbout::NoTests);
  return session.run();
}
