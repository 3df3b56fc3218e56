#pragma once

// The second-model review: the contract between its parts.
//
//   packet.{h,cpp}     build_packet: hunks + enclosing functions + findings + checklist + notes,
//                      within a token budget, secrets redacted (redact.{h,cpp})
//   prompts.{h,cpp}    the embedded prompts/ (system prompt, output schema), overridable by path
//   model_output.{h,cpp}  parse_model_review: the model's JSON answer, validated against the schema
//   grounding.{h,cpp}  ground: each model finding checked against the new revision; block_on
//   http.{h,cpp}       libcurl POST with connect/total timeouts, TLS verified, proxies from env
//   provider.{h,cpp}   OpenAI-compatible, Anthropic Messages, Ollama /api/chat: request and response
//   client.{h,cpp}     retries with backoff and jitter, Retry-After, one repair round, the cache
//   run.{h,cpp}        run_review: the whole flow, filling Report::review and model findings

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/finding.h"
#include "core/git/change_set.h"
#include "core/report.h"

namespace patchgate::review {

// What is sent: the readable packet (user message) and what had to be left out of it.
struct Packet {
  std::string text;                  // Markdown-ish, for a model and for a person (--dry-run)
  int estimated_tokens = 0;
  std::vector<std::string> omitted;  // "internal/cache/lru.go: func (c *LRU) Evict (lines 80-140)", ...
  int redactions = 0;                // secrets replaced by [REDACTED:<kind>]
};

// One finding as the model states it (prompts/review-output.schema.json).
struct ModelFinding {
  std::string title;           // one line: the claim
  std::string file;            // repository-relative
  int line_start = 0, line_end = 0;
  std::string quote;           // the exact line quoted from the new revision
  std::string severity;        // critical | high | medium | low
  double confidence = 0;       // 0-1
  std::string trigger;         // the interleaving or input that makes it happen
  std::string falsification;   // what would prove the claim wrong
  std::string recommendation;
};

struct ModelReview {
  std::string verdict;  // approve | needs-attention
  std::string summary;
  std::vector<ModelFinding> findings;
};

// The chat a provider is asked for: a system prompt, the user's packet, the schema the answer
// must follow, and for a repair round the model's previous (malformed) answer with the complaint.
struct ChatRequest {
  std::string system;
  std::string user;
  nlohmann::json schema;
  std::string previous_answer;  // non-empty on the repair round
  std::string repair_note;      // what was wrong with it, e.g. "not valid JSON: unexpected end at byte 812"
};

}  // namespace patchgate::review
