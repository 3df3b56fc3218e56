// libgit2's network transports, as libgit2 sees them when patchgate links libgit2 from its
// static archives (see CMakeLists.txt, patchgate_libgit2): SSH and TLS are not there.
//
// patchgate reads the local repository; it never fetches or pushes through libgit2 (the
// provider calls of `review` go through libcurl). Yet libgit2's initialisation set both up at
// every start of every run, the pre-commit hook's included:
//  - SSH: libssh2_init, which initialises OpenSSL (its error strings, its engines);
//  - TLS: seeding mbedtls's random generator from the kernel, and a TLS configuration, for a
//    connection that never comes.
// That was about 1 ms of a 45 ms run, and linking them brought in some 400 KB of OpenSSL's
// and mbedtls's tables, relocated at every start. The linker redirects libgit2's calls to its
// SSH and TLS entry points here (--wrap), so neither library is linked. Should libgit2 ever be
// asked for an ssh:// or https:// remote, it fails with the message below, as a libgit2 built
// without SSH or HTTPS support does.
#include <git2/errors.h>

extern "C" {
struct git_smart_subtransport;
struct git_transport;
struct git_stream;
}

namespace {

int unavailable(int error_class, const char* what) {
  git_error_set_str(error_class, what);
  return -1;
}

constexpr const char* kNoSsh =
    "patchgate reads local repositories only; its libgit2 has no SSH transport (use git itself to fetch or push)";
constexpr const char* kNoTls =
    "patchgate reads local repositories only; its libgit2 has no TLS (use git itself to fetch or push over HTTPS)";

}  // namespace

extern "C" {

// libgit2's git_libgit2_init calls these two: nothing to set up.
int __wrap_git_transport_ssh_global_init() { return 0; }
int __wrap_git_mbedtls_stream_global_init() { return 0; }

// An ssh:// remote's transport.
int __wrap_git_smart_subtransport_ssh(git_smart_subtransport** out, git_transport*, void*) {
  if (out) *out = nullptr;
  return unavailable(GIT_ERROR_SSH, kNoSsh);
}

// An https:// remote's stream, and GIT_OPT_SET_SSL_CERT_LOCATIONS.
int __wrap_git_mbedtls_stream_new(git_stream** out, const char*, const char*) {
  if (out) *out = nullptr;
  return unavailable(GIT_ERROR_SSL, kNoTls);
}

int __wrap_git_mbedtls_stream_wrap(git_stream** out, git_stream*, const char*) {
  if (out) *out = nullptr;
  return unavailable(GIT_ERROR_SSL, kNoTls);
}

int __wrap_git_mbedtls__set_cert_location(const char*, const char*) { return unavailable(GIT_ERROR_SSL, kNoTls); }

}  // extern "C"
