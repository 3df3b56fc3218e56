#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "core/config.h"
#include "review/http.h"
#include "review/provider.h"
#include "review/review.h"

namespace patchgate::review {

using SleepFunction = std::function<void(std::chrono::milliseconds)>;
using LogFunction = std::function<void(const std::string&)>;

struct ClientSettings {
  ReviewConfig config;
  std::string key;             // the key's value (may be empty for ollama); never printed or stored
  std::string key_env;         // the name of the variable it came from, for messages
  std::string cache_dir;       // <git common dir>/patchgate/review; empty: no cache
  bool refresh_cache = false;  // --no-cache: do not read the cache, but store the fresh answer
  SleepFunction sleep;         // empty: really sleep (tests inject a recorder)
  LogFunction log;             // retry and repair notes (stderr in the CLI); may be empty
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(60)};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(16)};
};

// What asking the model came to.
struct ModelAnswer {
  std::string status;  // ran | cached | failed
  std::optional<ModelReview> review;
  std::string error;   // failed: one line, never the key
  int attempts = 0;    // HTTP requests made (retries and repair rounds included)
};

// Asks config's provider: retries with exponential backoff and full jitter on 429/500/502/503/
// 504/529 and transport errors (Retry-After honoured, capped), none on other statuses; one
// repair round per extra review.max_rounds when the answer is not a valid review; answers
// cached by a hash of the provider, model, endpoint, prompt, schema and packet.
ModelAnswer ask_model(const ChatRequest& chat, const ClientSettings& settings);

// The pieces, for tests.
bool retryable_status(long status);
// Retry-After: delay-seconds or an HTTP date (relative to now); nullopt if neither.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);
// Full jitter: uniform in [0, min(max_backoff, 1s * 2^retry)] (retry counts from 0).
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds max_backoff, std::mt19937_64& random);
std::string review_cache_key(const ReviewConfig& config, const ChatRequest& chat);

}  // namespace patchgate::review
