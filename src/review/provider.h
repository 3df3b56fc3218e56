#pragma once

#include <string>

#include "core/config.h"
#include "review/http.h"
#include "review/review.h"

namespace patchgate::review {

// openai (OpenAI-compatible chat completions: OpenAI, vLLM, llama.cpp server, Ollama's /v1),
// anthropic (Messages API) and ollama (native /api/chat).
bool known_provider(const std::string& provider);
std::string default_base_url(const std::string& provider);
// The environment variable holding the key when review.api_key_env is empty; "" for ollama.
std::string default_key_env(const std::string& provider);

// The endpoint for config's provider and base URL; a base that already ends in /v1 (or /api
// for ollama) is not doubled: https://host/v1 -> https://host/v1/chat/completions.
std::string endpoint_url(const ReviewConfig& config);

// One chat turn as the provider's wire format wants it. An empty key sends no auth header.
// `temperature_zero` false leaves the temperature at the model's default, for OpenAI reasoning
// models that accept no other.
HttpRequest build_provider_request(const ReviewConfig& config, const std::string& key, const ChatRequest& chat,
                                   bool temperature_zero = true);

// The output schema as it goes on the wire: without the top-level "$schema" and "$id"
// metadata, which no provider needs and OpenAI's strict mode may refuse.
nlohmann::json wire_schema(const nlohmann::json& schema);

// What one response said.
struct ProviderReply {
  bool ok = false;         // a 2xx response whose body is the provider's answer shape
  long status = 0;
  std::string content;     // the model's answer: JSON following the schema (unless it is malformed)
  bool refused = false;    // the model declined to answer
  std::string refusal;     // its words, if it gave any
  bool truncated = false;  // the answer stopped at max_output_tokens
  // Not ok: the provider's own error message (4xx/5xx), or why a 2xx body could not be read; one
  // line, trimmed, with anything key-like removed.
  std::string error;
};

// Reads a response that arrived (any status). `key` is scrubbed from every text taken from it.
ProviderReply read_provider_response(const std::string& provider, const HttpResponse& response, const std::string& key);

// One line of at most `limit` characters with the key, anything key-like and known secret
// shapes replaced: for text that came back from a provider and may echo what it was sent.
std::string scrub_provider_text(const std::string& text, const std::string& key, size_t limit = 300);

}  // namespace patchgate::review
