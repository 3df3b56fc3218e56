// Small pieces of core: globs, line sets, config parsing, fingerprints, policy.
#include <catch2/catch.hpp>
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/errors.h"
#include "core/finding.h"
#include "core/git/change_set.h"
#include "core/git/handle.h"
#include "core/glob.h"
#include "core/heap.h"
#include "core/policy.h"
#include "support.h"

using namespace patchgate;

#ifdef PATCHGATE_STATIC_LIBGIT2
TEST_CASE("libgit2 is linked without SSH and TLS: an ssh:// or https:// remote fails, saying why", "[core]") {
  git::ensure_initialised();
  // Nothing was set up for TLS (core/git/transports_unavailable.cpp), so no certificate file
  // was asked for.
  CHECK(git::certificate_loads_skipped() == 0);
  testing::TempDir dir;
  git_repository* raw = nullptr;
  REQUIRE(git_repository_open(&raw, testing::init_repo(dir).c_str()) == 0);
  git::RepositoryHandle repo(raw);
  struct Case {
    const char* url;
    const char* says;
  };
  // Port 9 (discard) on the loopback: a transport that did get as far as connecting would fail
  // with a connection error instead, and the check on the words would fail.
  for (const Case& c : {Case{"https://127.0.0.1:9/r.git", "no TLS"}, Case{"ssh://git@127.0.0.1:9/r.git", "no SSH"}}) {
    INFO(c.url);
    git_remote* remote = nullptr;
    REQUIRE(git_remote_create_anonymous(&remote, repo.get(), c.url) == 0);
    CHECK(git_remote_connect(remote, GIT_DIRECTION_FETCH, nullptr, nullptr, nullptr) < 0);
    CHECK_THAT(git::last_error_text(), Catch::Contains(c.says) && Catch::Contains("use git itself"));
    git_remote_free(remote);
  }
  CHECK(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/etc/ssl/certs/ca-certificates.crt", nullptr) < 0);
  CHECK_THAT(git::last_error_text(), Catch::Contains("no TLS"));
}
#else
// mbedtls's certificate-file parser, which patchgate interposes (core/git/handle.cpp).
extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path);

TEST_CASE("libgit2 starts without parsing the CA certificates, and mbedtls parses them for anyone else", "[core]") {
  git::ensure_initialised();
  // Debian's libgit2 is built on mbedtls (the project pins it): its initialisation asked once.
  using Init = void (*)(void*);
  auto init = reinterpret_cast<Init>(dlsym(RTLD_DEFAULT, "mbedtls_x509_crt_init"));
  auto release = reinterpret_cast<Init>(dlsym(RTLD_DEFAULT, "mbedtls_x509_crt_free"));
  REQUIRE(init);
  REQUIRE(release);
  CHECK(git::certificate_loads_skipped() == 1);
  // Any other call reaches mbedtls: a missing file is its I/O error (MBEDTLS_ERR_PK_FILE_IO_ERROR),
  // where the skipped call said 0.
  alignas(16) unsigned char chain[16384];  // larger than mbedtls_x509_crt
  init(chain);
  CHECK(mbedtls_x509_crt_parse_file(chain, "/nonexistent/patchgate-ca.crt") == -0x3E00);
  release(chain);
}
#endif

TEST_CASE("glob_match", "[core]") {
  CHECK(glob_match("vendor/**", "vendor/a/b.go"));
  CHECK(glob_match("vendor/", "vendor/a/b.go"));
  CHECK_FALSE(glob_match("vendor/**", "src/vendor.go"));
  CHECK(glob_match("**/*.pb.go", "api/v1/x.pb.go"));
  CHECK(glob_match("**/*.pb.go", "x.pb.go"));
  CHECK(glob_match("*_gen.go", "deep/dir/types_gen.go"));
  CHECK_FALSE(glob_match("cmd/*.go", "cmd/sub/main.go"));
  CHECK(glob_match("cmd/*.go", "cmd/main.go"));
  CHECK(glob_match("a?c.go", "abc.go"));
  CHECK_FALSE(glob_match("a?c.go", "a/c.go"));
  CHECK(glob_match("internal/**/testdata/**", "internal/x/y/testdata/z.go"));
}

TEST_CASE("LineSet merges ranges and answers overlap queries", "[core]") {
  git::LineSet set;
  set.add(5, 7);
  set.add(10, 10);
  set.add(8, 9);
  set.add(1, 1);
  CHECK(set.ranges() == std::vector<std::pair<int, int>>{{1, 1}, {5, 10}});
  CHECK(set.contains(1));
  CHECK_FALSE(set.contains(2));
  CHECK(set.touches(2, 5));
  CHECK_FALSE(set.touches(2, 4));
  CHECK(set.touches(10, 20));
  CHECK_FALSE(set.touches(11, 20));
  CHECK(set.count() == 7);
}

TEST_CASE("config parsing", "[core]") {
  Config config = parse_config(
      "// comment\n{\"fail_on\": \"warning\", \"max_file_bytes\": 100, \"exclude\": [\"a/**\"],\n"
      " \"rules\": {\"x\": \"off\", \"y\": \"note\", \"z\": {\"enabled\": true, \"options\": {\"n\": 2}}}}",
      "cfg.json");
  CHECK(config.fail_on == FailOn::kWarning);
  CHECK(config.max_file_bytes == 100);
  CHECK(config.exclude == std::vector<std::string>{"a/**"});
  CHECK(config.rules["x"].enabled == false);
  CHECK(config.rules["y"].severity == Severity::kNote);
  CHECK(config.rules["z"].options["n"] == 2);
  CHECK_THROWS_AS(parse_config("{\"max_file_bytes\": -1}", "cfg.json"), UserError);
  CHECK_THROWS_AS(parse_config("[]", "cfg.json"), UserError);
  CHECK_THROWS_AS(parse_config("{\"rules\": {\"x\": {\"enable\": true}}}", "cfg.json"), UserError);
  try {
    parse_config("{\"rules\": {\"x\": {\"enable\": true}}}", "cfg.json");
  } catch (const UserError& error) {
    CHECK(std::string(error.what()) == "cfg.json: rules.x.enable: unknown key (expected enabled, severity or options)");
    CHECK(error.code() == kExitUsage);
  }
}

TEST_CASE("fingerprints survive line moves and whitespace but not edits", "[core]") {
  Finding f;
  f.rule = "go-double-lock";
  f.location = {"a.go", 10, 2, 10, 10};
  f.enclosing_function = "S.put";
  std::string a = compute_fingerprint(f, "\ts.mu.Lock()", "S.Set|recv.mu");
  f.location.line = 42;
  CHECK(compute_fingerprint(f, "    s.mu.Lock()  ", "S.Set|recv.mu") == a);
  CHECK(compute_fingerprint(f, "\ts.mu.RLock()", "S.Set|recv.mu") != a);
  CHECK(compute_fingerprint(f, "\ts.mu.Lock()", "S.Get|recv.mu") != a);
  CHECK(a.size() == 16);
}

TEST_CASE("policy thresholds", "[core]") {
  Finding warning;
  warning.severity = Severity::kWarning;
  CHECK(blocks(warning, FailOn::kWarning));
  CHECK(blocks(warning, FailOn::kNote));
  CHECK_FALSE(blocks(warning, FailOn::kError));
  CHECK_FALSE(blocks(warning, FailOn::kNever));
  Report report;
  report.findings.push_back(warning);
  CHECK(decide(report) == Verdict::kPass);
  report.fail_on = FailOn::kWarning;
  CHECK(decide(report) == Verdict::kBlock);
  CHECK(exit_code_for(Verdict::kBlock) == kExitBlocked);
}

namespace {

// The kernel's flags for the mapping holding `address` (/proc/self/smaps "VmFlags:"), "" if none.
std::string vm_flags_of(const void* address) {
  auto at = reinterpret_cast<uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 && line.find(':') > line.find(' ')) {
      inside = at >= begin && at < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

bool has_flag(const std::string& flags, const std::string& flag) {
  return (flags + " ").find(" " + flag + " ") != std::string::npos;
}

}  // namespace

TEST_CASE("the heap asks for huge pages on the main thread and on worker threads", "[core]") {
  bool supported = heap_is_glibc() && std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled").good();
  REQUIRE(prepare_heap() == supported);
  // Enough small blocks to need the heap's growth, held while the mapping is looked at.
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 4096; ++i) blocks.push_back(std::make_unique<char[]>(1024));
  CHECK(has_flag(vm_flags_of(blocks.back().get()), "hg") == supported);

  std::string worker_flags;
  bool worker_advised = false;
  std::thread worker([&] {
    worker_advised = advise_heap();
    auto block = std::make_unique<char[]>(1024);
    worker_flags = vm_flags_of(block.get());
  });
  worker.join();
  CHECK(worker_advised == supported);
  CHECK(has_flag(worker_flags, "hg") == supported);
  CHECK_FALSE(worker_flags.empty());
}
