#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/io.h"
#include "core/config.h"
#include "core/report.h"

namespace patchgate::cli {

struct ReviewOptions {
  DiffOptions diff;
  OutputOptions output;
  std::string provider, base_url, model, api_key_env;  // empty: from the `review` section
  std::string timeout;                                 // per request; empty: review.timeout
  int token_budget = 0;                                // 0: review.token_budget
  bool dry_run = false;
  bool no_cache = false;
};

void setup_review(CLI::App& app, ReviewOptions& options);
int run_review(const ReviewOptions& options, Io& io);

// The static check, then the second model's review of the same change. The report holds the
// model's grounded findings and the review record, not the static findings (those went into the
// packet; `patchgate gate --review` reports both). A dry run prints to io.out and sends nothing.
Report build_review_report(const ReviewOptions& options, const std::string& start_dir, Io& io);

// The review stage of a run that already has a report (gate): asks the model about the change
// selected by diff (patch_text stands in for a --patch - already read), showing it
// report.findings; appends the grounded model findings, sets report.review and a stage record.
// Returns true when the review failed and must fail the run (not --fail-open, review.required).
bool add_review_stage(const Config& config, const DiffOptions& diff, const std::string& patch_text,
                      const OutputOptions& output, bool no_cache, const std::string& start_dir, Report& report, Io& io);

}  // namespace patchgate::cli
