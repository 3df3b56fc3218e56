#pragma once

#include <optional>
#include <string>
#include <vector>

namespace patchgate {

enum class Severity { kNote, kWarning, kError };

const char* to_string(Severity severity);
std::optional<Severity> parse_severity(const std::string& text);

struct Location {
  std::string file;  // repository-relative, forward slashes
  int line = 0;      // 1-based
  int column = 0;    // 1-based, in bytes
  int end_line = 0;
  int end_column = 0;
};

struct RelatedLocation {
  Location location;
  std::string message;
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string category;  // lock-state, sync-primitive, cancellation, ...
  int checklist = 0;     // the 5-point checklist item this answers (1-5)
  std::string message;   // one lowercase line; the rule id is appended by reporters
  Location location;
  std::vector<RelatedLocation> related;
  std::string fix;                // a hint, may be empty
  std::string enclosing_function; // used by the fingerprint
  std::string fingerprint;        // filled in by compute_fingerprint
  std::string snippet;            // the primary line's text, for reporters
  // Code whose change makes this finding the change's business besides its locations: for a
  // lock held across a call, the lines from the Lock to the call (moving an Unlock out of
  // them counts). Not reported.
  std::vector<Location> scope;
  std::string source = "static";  // static | race | stress | model
  // Runtime findings: an excerpt of the stacks behind it, and whether any of its locations
  // is on a line the change touches.
  std::string stack;
  bool on_changed_line = false;
  bool ai_authored = false;
  // Model findings (source "model"): the model's confidence (0-1), and whether the finding is
  // only shown because review.block_on keeps it from blocking.
  double confidence = -1;  // -1: not a model finding
  bool advisory = false;
};

// Stable when lines move: rule + path + enclosing function + the primary line's text with
// whitespace folded + what distinguishes this finding from its siblings (e.g. the caller).
std::string compute_fingerprint(const Finding& finding, const std::string& primary_line_text,
                                const std::string& discriminator);

// Deterministic order: file, line, column, rule, message.
bool finding_less(const Finding& a, const Finding& b);

}  // namespace patchgate
