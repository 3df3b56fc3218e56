#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/finding.h"
#include "core/git/change_set.h"
#include "core/report.h"
#include "review/client.h"

namespace patchgate::review {

// How one review runs: the config with command-line overrides applied, and the environment.
struct ReviewRun {
  ReviewConfig config;
  std::string cache_dir;        // <git common dir>/patchgate/review; empty: no cache
  bool no_cache = false;        // --no-cache: ask again and store the fresh answer
  // The base URL was given on the command line (--base-url), not only by .patchgate.json, which
  // the change under review can edit: see key_may_go_to.
  bool base_url_from_command_line = false;
  bool dry_run = false;         // print what would be sent to dry_run_out; send nothing, read no key
  std::ostream* dry_run_out = nullptr;
  std::function<const char*(const char*)> getenv;  // empty: std::getenv
  SleepFunction sleep;          // empty: really sleep
  LogFunction log;              // retry and repair notes; may be empty
};

// The review notes a repository may keep for the reviewer, read at the new revision.
inline constexpr const char* kReviewNotesFile = ".patchgate/review-notes.md";

// The whole review: packet (findings are the static and race findings to show the model),
// prompt, cache, provider, repair, grounding. Sets report.review and appends the grounded model
// findings to report.findings. Network and model trouble is a review with status "failed" and
// a one-line error, never an exception; a configuration problem (unknown provider, no model)
// is UserError(kExitUsage).
void run_review(const git::ChangeSet& change, const std::vector<Finding>& findings, const ReviewRun& run,
                Report& report);

// The report's stage line for a review: review / ran|cached|failed|dry-run / a one-line detail.
StageRecord review_stage(const ReviewRecord& record);

}  // namespace patchgate::review
