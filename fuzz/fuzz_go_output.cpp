// Fuzzes the runtime output parsers (go test -race output, goroutine dumps, ThreadSanitizer
// reports) and the findings built from them: any text yields records; nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runners/cmake_runner.h"
#include "runners/go_output.h"
#include "runners/race_runner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = patchgate::runners::parse_go_test_output(text);
  for (const auto& g : parsed.dump)
    if (g.id < 0) __builtin_trap();
  patchgate::runners::group_goroutines(parsed.dump, [](const std::string& f) { return f.rfind("/repo/", 0) == 0; });
  patchgate::runners::parse_tsan_output(text);
  // Findings resolve frames against a work tree that does not exist: no file is read.
  patchgate::runners::go_output_findings(text, "/nonexistent-patchgate-fuzz", ".");
  patchgate::runners::tsan_findings(text, "/nonexistent-patchgate-fuzz");
  return 0;
}
