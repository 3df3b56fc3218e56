#include "review/client.h"

#include <git2.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/git/handle.h"
#include "review/model_output.h"

namespace fs = std::filesystem;

namespace patchgate::review {

namespace {

using std::chrono::milliseconds;

std::string sha1_hex(const std::string& data) {
  git::ensure_initialised();
  git_oid oid;
  git_odb_hash(&oid, data.data(), data.size(), GIT_OBJECT_BLOB);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

void note(const ClientSettings& settings, const std::string& text) {
  if (settings.log) settings.log(text);
}

void pause(const ClientSettings& settings, milliseconds delay) {
  if (settings.sleep) settings.sleep(delay);
  else std::this_thread::sleep_for(delay);
}

// One request's outcome after retries.
struct Sent {
  bool ok = false;
  ProviderReply reply;
  std::string error;
};

// Why a non-retryable status ended the review, in words a user can act on.
std::string status_error(const ClientSettings& settings, const ProviderReply& reply) {
  const std::string said = reply.error.empty() ? "" : ": " + reply.error;
  const std::string http = "HTTP " + std::to_string(reply.status);
  if (reply.status == 401 || reply.status == 403) {
    if (settings.key_env.empty())
      return "the server rejected the request without a key (" + http + said +
             "); set review.api_key_env to the variable holding its key";
    return "the provider rejected the key in $" + settings.key_env + " (" + http + said + ")";
  }
  if (reply.status == 404)
    return http + " from " + endpoint_url(settings.config) + said + " (check review.base_url and review.model)";
  return http + " from the provider" + said;
}

// OpenAI's reasoning models accept only their default temperature and say so in a 400.
bool rejects_temperature(const ClientSettings& settings, const ProviderReply& reply) {
  return settings.config.provider == "openai" && reply.status == 400 &&
         reply.error.find("temperature") != std::string::npos;
}

Sent send_with_retries(const ChatRequest& chat, const ClientSettings& settings, int& attempts, std::mt19937_64& random,
                       bool& temperature_zero) {
  HttpRequest request = build_provider_request(settings.config, settings.key, chat, temperature_zero);
  const int tries = 1 + std::max(0, settings.config.retries);
  std::string last_error;
  for (int attempt = 1;; ++attempt) {
    HttpResponse response = http_post(request);
    ++attempts;
    std::optional<milliseconds> asked;
    if (response.transport_ok()) {
      ProviderReply reply = read_provider_response(settings.config.provider, response, settings.key);
      if (reply.status >= 200 && reply.status < 300) {
        if (!reply.ok) return {false, reply, reply.error};
        return {true, reply, ""};
      }
      if (temperature_zero && rejects_temperature(settings, reply)) {
        // Not a retry: the same request at the model's own temperature, at once.
        note(settings, "review: " + settings.config.model + " does not take temperature 0; asking at its default");
        temperature_zero = false;
        request = build_provider_request(settings.config, settings.key, chat, temperature_zero);
        --attempt;
        continue;
      }
      if (!retryable_status(reply.status)) return {false, reply, status_error(settings, reply)};
      last_error = status_error(settings, reply);
      if (auto header = response.headers.find("retry-after"); header != response.headers.end())
        asked = parse_retry_after(header->second, std::chrono::system_clock::now());
    } else {
      last_error = response.error;
      if (response.timed_out)
        last_error += " (review.timeout " + format_duration(settings.config.timeout) + ", review.connect_timeout " +
                      format_duration(settings.config.connect_timeout) + ")";
    }
    if (attempt >= tries) {
      return {false, {}, last_error + " (" + std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s") +
                             "; review.retries is " + std::to_string(settings.config.retries) + ")"};
    }
    milliseconds delay = backoff_delay(attempt - 1, settings.max_backoff, random);
    std::string why = "backoff";
    if (asked) {
      delay = std::min(*asked, settings.max_retry_after);
      why = *asked > settings.max_retry_after
                ? "Retry-After asked for " + format_duration(*asked) + ", capped at " + format_duration(settings.max_retry_after)
                : "Retry-After";
    }
    note(settings, "review: " + last_error + "; retrying in " + format_duration(delay) + " (" + why + ", attempt " +
                       std::to_string(attempt + 1) + " of " + std::to_string(tries) + ")");
    pause(settings, delay);
  }
}

std::optional<std::string> read_cached(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto entry = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (entry.is_discarded() || !entry.is_object() || !entry.contains("content") || !entry["content"].is_string())
    return std::nullopt;  // a damaged entry is asked again and overwritten
  return entry["content"].get<std::string>();
}

// Only the model's answer is stored: never a request header, never the key.
void write_cached(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return;  // the cache is an optimisation; a read-only .git must not fail the review
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << nlohmann::json({{"content", content}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!out) return;
  }
  fs::rename(tmp, path, ec);
}

}  // namespace

bool retryable_status(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 || status == 529;
}

std::optional<milliseconds> parse_retry_after(const std::string& value, std::chrono::system_clock::time_point now) {
  std::string text = value;
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return std::nullopt;
  text = text.substr(start);
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.size() > 9) return milliseconds(std::chrono::hours(24));  // absurd; the caller caps it
    return milliseconds(std::stoll(text) * 1000);
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(when - now);
}

milliseconds backoff_delay(int retry, milliseconds max_backoff, std::mt19937_64& random) {
  milliseconds ceiling(1000);
  for (int i = 0; i < retry && ceiling < max_backoff; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_backoff);
  std::uniform_int_distribution<long long> pick(0, ceiling.count());
  return milliseconds(pick(random));
}

std::string review_cache_key(const ReviewConfig& config, const ChatRequest& chat) {
  std::string data = "patchgate-review/1\n";
  for (const std::string& part : {config.provider, config.model, endpoint_url(config), chat.system,
                                  chat.schema.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), chat.user})
    data += std::to_string(part.size()) + "\n" + part + "\n";
  return sha1_hex(data);
}

ModelAnswer ask_model(const ChatRequest& chat, const ClientSettings& settings) {
  ModelAnswer answer;
  const bool use_cache = settings.config.cache && !settings.cache_dir.empty();
  fs::path cache_path;
  if (use_cache) {
    cache_path = fs::path(settings.cache_dir) / (review_cache_key(settings.config, chat) + ".json");
    if (!settings.refresh_cache) {
      if (auto content = read_cached(cache_path)) {
        std::string error;
        if (auto review = parse_model_review(*content, error)) {
          answer.status = "cached";
          answer.review = std::move(review);
          return answer;
        }
      }
    }
  }

  std::random_device seed;
  std::mt19937_64 random(seed());
  ChatRequest current = chat;
  bool temperature_zero = true;  // until the model says it takes only its default
  const int rounds = std::max(1, settings.config.max_rounds);
  std::string problem;
  for (int round = 1; round <= rounds; ++round) {
    Sent sent = send_with_retries(current, settings, answer.attempts, random, temperature_zero);
    if (!sent.ok) {
      answer.status = "failed";
      answer.error = sent.error;
      return answer;
    }
    if (sent.reply.refused) {
      answer.status = "failed";
      answer.error = "the model refused to review: " + (sent.reply.refusal.empty() ? "(no reason given)" : sent.reply.refusal);
      return answer;
    }
    std::string error;
    auto review = parse_model_review(sent.reply.content, error);
    if (review) {
      answer.status = "ran";
      answer.review = std::move(review);
      if (use_cache) write_cached(cache_path, sent.reply.content);
      return answer;
    }
    problem = sent.reply.truncated ? "it stopped at the output limit (review.max_output_tokens = " +
                                         std::to_string(settings.config.max_output_tokens) + "), so keep it shorter; " + error
                                   : error;
    if (round < rounds)
      note(settings, "review: the model's answer is not a valid review (" + error + "); asking it to repair the answer");
    current.previous_answer = sent.reply.content;
    current.repair_note = problem;
  }
  answer.status = "failed";
  answer.error = "the model's answer is not a valid review after " + std::to_string(rounds) + " round" +
                 (rounds == 1 ? "" : "s") + ": " + problem;
  return answer;
}

}  // namespace patchgate::review
