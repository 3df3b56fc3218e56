#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/finding.h"
#include "core/git/change_set.h"
#include "core/report.h"
#include "review/review.h"

namespace patchgate::review {

struct Grounding {
  std::vector<Finding> findings;              // source "model", in the model's order
  std::vector<UngroundedRecord> ungrounded;  // with the reason each failed
};

// How far from the cited lines a quote may be found.
inline constexpr int kGroundingSlack = 3;

// Checks each model finding against the new revision. It is grounded when its file is one of
// the change's files (not deleted) and its quote (trimmed, inner whitespace folded; for a
// quote of several lines all of them consecutively, or else its first line with code on it)
// is on a line within kGroundingSlack lines of [line_start, line_end] (a reversed range is
// swapped, one past the end of the file clamped; a start past the end fails). A line that is
// redacted in the packet matches its quote in either form.
//
// A grounded finding becomes a Finding: rule `review-<slug of the title>`, severity
// critical/high -> error, medium -> warning, low -> note, located where the quote was found,
// fix = recommendation, stack = "trigger: ...\nfalsified by: ...", and `advisory` unless
// block_on lets it block (never: none blocks; grounded-high: critical or high with confidence
// of at least 0.7; grounded: all).
Grounding ground(const ModelReview& review, const git::ChangeSet& change, BlockOn block_on);

// "Helper locks l.mu while Allow holds it" -> "helper-locks-l-mu-while-allow-holds-it", at most
// 40 characters, cut at a dash; "finding" when nothing is left.
std::string title_slug(const std::string& title);

}  // namespace patchgate::review
