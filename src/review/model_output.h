#pragma once

#include <optional>
#include <string>

#include "review/review.h"

namespace patchgate::review {

// The model's answer as prompts/review-output.schema.json describes it: one JSON object,
// alone, or inside a single ```json fenced block, with whitespace around it and nothing else.
// Every field is required and checked: types, the verdict and severity words, confidence in
// [0, 1] (out of range is an error, never clamped), line numbers of at least 1. Unknown fields
// are errors too (the schema says additionalProperties: false).
// On failure returns nullopt and sets `error` to one line saying what was wrong; it is sent
// back to the model in the repair round ("findings[2].confidence: expected a number from 0 to
// 1, got 1.5").
std::optional<ModelReview> parse_model_review(const std::string& content, std::string& error);

}  // namespace patchgate::review
