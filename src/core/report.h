#pragma once

#include <optional>
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

// One package of a `patchgate race` run.
struct RacePackageRecord {
  std::string dir;     // repository-relative package directory ("." for the root)
  std::string status;  // passed, failed, build-failed, timed-out, no-tests, not-run, cancelled, error
  bool cached = false;  // served from .git/patchgate/race without running
  long long elapsed_ms = 0;
  std::string command;  // the go test command line
  std::string note;     // e.g. why the leak check was skipped, why it was not run
};

// What ran to make the report: "check", "race", "review"; ran, cached, skipped, failed.
struct StageRecord {
  std::string name;
  std::string status;
  std::string detail;
};

// A model finding that did not pass grounding: kept to be read, never blocks.
struct UngroundedRecord {
  std::string file;
  int line_start = 0, line_end = 0;
  std::string quote;     // the line the model quoted
  std::string title;     // the model's one-line claim
  std::string severity;  // the model's word: critical, high, medium, low
  double confidence = 0;
  std::string reason;    // why it failed grounding: "file not in the change", "quoted text not found near the cited lines", ...
};

// The second model's review (`patchgate review`, or gate's review stage).
struct ReviewRecord {
  std::string provider;  // openai, anthropic, ollama
  std::string model;
  std::string status;    // ran, cached, failed, dry-run
  std::string verdict;   // approve | needs-attention; empty when failed
  std::string summary;
  int grounded = 0;      // model findings that became findings (source "model")
  std::vector<UngroundedRecord> ungrounded;
  std::vector<std::string> omitted;  // what the packet left out to stay within the token budget
  int redactions = 0;                // secrets replaced before sending
  int packet_tokens = 0;             // estimated tokens of the packet sent
  int attempts = 0;                  // HTTP requests made (retries and the repair round included)
  std::string error;                 // why it failed, one line; never the key
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
  std::vector<StageRecord> stages;
  std::vector<RacePackageRecord> race_packages;
  std::optional<ReviewRecord> review;  // set when a review ran or was attempted
  bool ai_authored = false;  // the change is taken as written by a coding agent
  std::string ai_reason;     // why patchgate decided either way
  std::string shard;   // "K/N" when this report covers one shard of the work; empty otherwise
  int suppressed = 0;  // findings dropped by `patchgate:ignore` comments with a reason
  int baselined = 0;   // findings dropped because .patchgate-baseline.json lists them
  FailOn fail_on = FailOn::kError;
  Verdict verdict = Verdict::kPass;
};

}  // namespace patchgate
