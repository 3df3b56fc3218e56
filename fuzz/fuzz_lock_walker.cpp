// Fuzzes the Go front end and the lock walker: any bytes as a Go file (plus a fixed sibling
// file, so calls cross files) are parsed and analysed by every rule without crashing or
// running away.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "checks/analysis.h"
#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string sibling =
      "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.RWMutex\n\tsync.Mutex\n}\n\n"
      "func (s *S) helper() {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n}\n\nfunc (s *S) locked() {\n\ts.Lock()\n}\n";
  std::map<std::string, std::string> files = {{"p/fuzz.go", std::string(reinterpret_cast<const char*>(data), size)},
                                              {"p/sibling.go", sibling}};
  patchgate::git::ChangeSet change;
  change.whole_tree = true;
  for (const auto& [path, content] : files) {
    patchgate::git::ChangedFile file;
    file.path = file.old_path = path;
    file.status = patchgate::git::FileStatus::kUnmodified;
    change.files.push_back(file);
  }
  change.revision = patchgate::git::memory_source(files);
  patchgate::Report report;
  patchgate::checks::analyze_change(change, patchgate::Config{}, patchgate::checks::RuleSelection{}, report);
  return 0;
}
