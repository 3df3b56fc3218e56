#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/finding.h"

namespace patchgate {

struct FileRecord {
  std::string path;
  std::string old_path;  // set for renames and copies
  std::string status;    // added, modified, deleted, renamed, copied, typechange, unmodified
  std::string language;  // "go", or "" when unsupported
  bool analysed = false;
  bool syntax_errors = false;
  int changed_lines = 0;
};

struct SkipRecord {
  std::string path;
  std::string reason;
};

struct ErrorRecord {
  std::string file;  // may be empty for errors not about one file
  std::string message;
};

enum class Verdict { kPass, kBlock, kError };
const char* to_string(Verdict verdict);

// The finished result of a run. Reporters only read it.
struct Report {
  std::string tool_version = PATCHGATE_VERSION;
  std::string change;  // what was analysed: "staged changes", "HEAD~1..HEAD", ...
  std::vector<Finding> findings;
  std::vector<FileRecord> files;
  std::vector<SkipRecord> skipped;
  std::vector<ErrorRecord> errors;
  FailOn fail_on = FailOn::kError;
  Verdict verdict = Verdict::kPass;
};

}  // namespace patchgate
