#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/config.h"

namespace patchgate::review {

// The system prompt: prompts/adversarial-review.md as embedded at build time, or the file
// config.prompt names. A missing or unreadable override is UserError(kExitUsage).
std::string system_prompt(const ReviewConfig& config);

// The schema the model's answer must follow: prompts/review-output.schema.json as embedded,
// or the file config.schema names. A missing, unreadable or invalid-JSON override (or one that
// is not an object) is UserError(kExitUsage).
nlohmann::json output_schema(const ReviewConfig& config);

}  // namespace patchgate::review
