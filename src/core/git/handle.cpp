#include "core/git/handle.h"

#include <cstdlib>
#include <mutex>

namespace patchgate::git {

std::string last_error_text() {
  const git_error* error = git_error_last();
  if (error && error->message && *error->message) return error->message;
  return "unknown libgit2 error";
}

void check(int rc, const std::string& what, const std::string& hint, ExitCode code) {
  if (rc >= 0) return;
  throw UserError(code, what + ": " + last_error_text(), hint);
}

void ensure_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Frees libgit2's global and per-thread state (e.g. the last error's text) at exit.
    std::atexit([] { git_libgit2_shutdown(); });
    // We never write objects; this keeps libgit2 from fsyncing or caching more than needed.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
    // Reads do not re-hash every object to check its id (git itself does not on read): that
    // was a third of the time the staged path spent in the object database.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

}  // namespace patchgate::git
