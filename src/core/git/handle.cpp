#include "core/git/handle.h"

#include <dlfcn.h>

#ifdef PATCHGATE_STATIC_LIBGIT2
// SHA1_Init and friends are deprecated in OpenSSL 3 for the EVP interface, whose first use
// loads the provider configuration: slower than the hash it would save (see __wrap_git_hash_buf).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#endif

#include <atomic>
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

namespace {

#ifndef PATCHGATE_STATIC_LIBGIT2
// libgit2's initialisation loads the system's CA certificates for its HTTPS transport: with
// Debian's libgit2 (built on mbedtls), that is parsing /etc/ssl/certs/ca-certificates.crt,
// 5-6 ms of a 40 ms pre-commit run. patchgate never fetches or pushes through libgit2, so
// while git_libgit2_init runs, the one mbedtls call that parses a certificate file answers
// "parsed, nothing added"; at any other time it is mbedtls's own. (A libgit2 built on OpenSSL
// never calls it, and nothing changes.) Linked from the static archives, libgit2 has no TLS at
// all (core/git/transports_unavailable.cpp), and there is nothing to skip.
std::atomic<bool> skipping_certificates{false};
#endif
std::atomic<int> certificate_files_skipped{0};

}  // namespace

int certificate_loads_skipped() { return certificate_files_skipped.load(); }

void ensure_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
#ifndef PATCHGATE_STATIC_LIBGIT2
    skipping_certificates = true;
#endif
    git_libgit2_init();
#ifndef PATCHGATE_STATIC_LIBGIT2
    skipping_certificates = false;
#endif
    // Frees libgit2's global and per-thread state (e.g. the last error's text) at exit.
    std::atexit([] { git_libgit2_shutdown(); });
    // We never write objects; this keeps libgit2 from fsyncing or caching more than needed.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
    // Reads do not re-hash every object to check its id (git itself does not on read): that
    // was a third of the time the staged path spent in the object database.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // A diff-scoped run reads a changed file's blobs up to three times: for the patch, for the
    // analysis, and (the old one) for go-lock-drift. libgit2 caches no blob by default, so each
    // read inflated it again: 1.2 of the 3.2 MB inflated for the net/http bench patch. Blobs
    // and big trees are cached now, within a total small enough for --all's peak memory.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB, static_cast<size_t>(4) << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<size_t>(1) << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(48) << 20);
  });
}

}  // namespace patchgate::git

#ifdef PATCHGATE_STATIC_LIBGIT2
// libgit2's one-shot SHA-1 (git_hash_buf: the index's trailing checksum, and config files')
// is Debian's collision-detecting SHA-1DC, a third of the time libgit2 takes to load the
// index of a repository of 8,000 files. The checksum guards against a damaged file, not an
// attack (git itself does not check it on read), so it is computed with OpenSSL's SHA-1,
// which uses the CPU's SHA instructions: the same digest, about 1 ms sooner. Other
// algorithms, and every other hash libgit2 takes (object ids), are left to libgit2.
extern "C" int __real_git_hash_buf(unsigned char* out, const void* data, size_t len, int algorithm);

extern "C" int __wrap_git_hash_buf(unsigned char* out, const void* data, size_t len, int algorithm) {
  constexpr int kSha1 = 1;  // GIT_HASH_ALGORITHM_SHA1 (libgit2's src/util/hash.h)
  if (algorithm != kSha1) return __real_git_hash_buf(out, data, len, algorithm);
  SHA_CTX context;
  if (SHA1_Init(&context) != 1 || SHA1_Update(&context, data, len) != 1 || SHA1_Final(out, &context) != 1)
    return __real_git_hash_buf(out, data, len, algorithm);
  return 0;
}
#else
namespace {

// True, and counted, while git_libgit2_init runs; see skipping_certificates above.
bool skip_certificate_file() {
  if (!patchgate::git::skipping_certificates) return false;
  ++patchgate::git::certificate_files_skipped;
  return true;
}

}  // namespace

// Linked to the shared library, this definition interposes mbedtls's (the executable's
// definition is found first).
extern "C" __attribute__((visibility("default"))) int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
  if (skip_certificate_file()) return 0;
  using Parse = int (*)(void*, const char*);
  static const Parse real = reinterpret_cast<Parse>(dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
  return real ? real(chain, path) : -1;
}
#endif
