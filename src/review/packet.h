#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/git/change_set.h"
#include "review/review.h"

namespace patchgate::review {

// Tokens a model will count for `text`, estimated as one token per 4 bytes, rounded up. Real
// tokenizers give about 3.5-4.5 bytes per token on code and English, so budgets hold roughly;
// the estimate of a concatenation is never more than the sum of the parts' estimates.
int estimate_tokens(std::string_view text);

// The review packet (the user message, and what `patchgate review --dry-run` prints):
//   - the change: its description, commits and message, and every changed file with its status;
//   - the 5-point checklist;
//   - the findings of the static and race stages (model findings are left out), stacks trimmed;
//   - the repository's notes (`.patchgate/review-notes.md`, read by the caller);
//   - the changed code: in Go files each changed top-level function (or type, var, const
//     declaration; a function literal inside a long one) whole, in other files each hunk with 3
//     lines of context; every line with its new-revision number, `+` on added lines, and the
//     removed lines marked `-`. Functions that hold a finding's location come first, then the
//     rest by file. Deleted files are only listed.
// Items are added while the estimate stays within token_budget; a function too big for what
// is left is shortened around its changed lines with a marker. Everything left out is listed
// in Packet::omitted and in the packet's last section. The header and checklist are always
// there. Everything from the repository passes through redact_secrets (`.env` files through
// redact_env_file); Packet::redactions counts the markers in the text.
Packet build_packet(const git::ChangeSet& change, const std::vector<Finding>& findings, const std::string& repo_notes,
                    int token_budget);

}  // namespace patchgate::review
