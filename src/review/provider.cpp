#include "review/provider.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "review/redact.h"

namespace patchgate::review {

namespace {

using nlohmann::json;

constexpr const char* kToolName = "submit_review";
constexpr const char* kSchemaName = "patchgate_review";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string base_of(const ReviewConfig& config) {
  std::string base = config.base_url.empty() ? default_base_url(config.provider) : config.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// What the model is told when its previous answer could not be used.
std::string repair_message(const std::string& note) {
  return "Your previous answer could not be used: " + note +
         ". Answer again with one complete JSON object that follows the schema, and nothing else.";
}

std::string previous_or_placeholder(const std::string& previous) {
  return previous.empty() ? "(an empty answer)" : previous;
}

// Both the system prompt and the packet as OpenAI-style chat messages (also Ollama's format).
json chat_messages(const ChatRequest& chat) {
  json messages = json::array();
  messages.push_back({{"role", "system"}, {"content", chat.system}});
  messages.push_back({{"role", "user"}, {"content", chat.user}});
  if (!chat.repair_note.empty()) {
    messages.push_back({{"role", "assistant"}, {"content", previous_or_placeholder(chat.previous_answer)}});
    messages.push_back({{"role", "user"}, {"content", repair_message(chat.repair_note)}});
  }
  return messages;
}

bool is_openai_host(const std::string& url) {
  return url.rfind("https://api.openai.com", 0) == 0;
}

json openai_body(const ReviewConfig& config, const ChatRequest& chat, const std::string& url, bool temperature_zero) {
  json body = {{"model", config.model},
               {"messages", chat_messages(chat)},
               {"response_format",
                {{"type", "json_schema"}, {"json_schema", {{"name", kSchemaName}, {"schema", wire_schema(chat.schema)}, {"strict", true}}}}}};
  // OpenAI itself deprecated max_tokens (its reasoning models reject it); the compatible servers
  // (vLLM, llama.cpp, Ollama's /v1) all read max_tokens.
  body[is_openai_host(url) ? "max_completion_tokens" : "max_tokens"] = config.max_output_tokens;
  if (temperature_zero) body["temperature"] = 0;
  return body;
}

json anthropic_body(const ReviewConfig& config, const ChatRequest& chat) {
  json messages = json::array();
  messages.push_back({{"role", "user"}, {"content", chat.user}});
  if (!chat.repair_note.empty()) {
    messages.push_back({{"role", "assistant"}, {"content", previous_or_placeholder(chat.previous_answer)}});
    messages.push_back({{"role", "user"}, {"content", repair_message(chat.repair_note)}});
  }
  // Structured output through a tool the model is made to call: its input is the review.
  json tool = {{"name", kToolName},
               {"description", "Submit the adversarial review of the patch: the verdict, a summary and each finding."},
               {"input_schema", wire_schema(chat.schema)}};
  return {{"model", config.model},
          {"max_tokens", config.max_output_tokens},
          {"system", chat.system},
          {"messages", messages},
          {"temperature", 0},
          {"tools", json::array({tool})},
          {"tool_choice", {{"type", "tool"}, {"name", kToolName}}}};
}

json ollama_body(const ReviewConfig& config, const ChatRequest& chat) {
  return {{"model", config.model},
          {"messages", chat_messages(chat)},
          {"stream", false},
          {"format", wire_schema(chat.schema)},
          {"options", {{"temperature", 0}, {"num_predict", config.max_output_tokens}}}};
}

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : std::string(); }

// The provider's explanation in an error body: {"error": {"message": ...}} (OpenAI, Anthropic),
// {"error": "..."} (Ollama), {"message": ...}, or the first line of a plain-text body.
std::string error_text(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    if (parsed.contains("error")) {
      const json& error = parsed["error"];
      if (error.is_string()) return error.get<std::string>();
      if (error.is_object() && error.contains("message")) return text_of(error["message"]);
    }
    if (parsed.contains("message")) return text_of(parsed["message"]);
    if (parsed.contains("detail")) return text_of(parsed["detail"]);  // vLLM and FastAPI servers
    return "";
  }
  if (body.find('<') != std::string::npos) return "";  // an HTML error page says nothing useful
  return body.substr(0, body.find('\n'));
}

void read_openai(const json& body, ProviderReply& reply) {
  const json& choice = body.at("choices").at(0);
  const json& message = choice.at("message");
  reply.content = message.contains("content") ? text_of(message["content"]) : "";
  std::string finish = choice.contains("finish_reason") ? text_of(choice["finish_reason"]) : "";
  if (message.contains("refusal") && message["refusal"].is_string() && !message["refusal"].get<std::string>().empty()) {
    reply.refused = true;
    reply.refusal = message["refusal"].get<std::string>();
  } else if (finish == "content_filter") {
    reply.refused = true;
    reply.refusal = "the provider's content filter stopped the answer";
  }
  reply.truncated = finish == "length";
}

void read_anthropic(const json& body, ProviderReply& reply) {
  std::string text;
  bool tool_used = false;
  for (const auto& block : body.at("content")) {
    std::string type = block.contains("type") ? text_of(block["type"]) : "";
    if (type == "tool_use" && block.contains("input") && !tool_used) {
      reply.content = block["input"].dump();
      tool_used = true;
    } else if (type == "text" && block.contains("text")) {
      text += (text.empty() ? "" : "\n") + text_of(block["text"]);
    }
  }
  if (!tool_used) reply.content = text;  // no tool call: whatever it wrote, for the repair round
  std::string stop = body.contains("stop_reason") ? text_of(body["stop_reason"]) : "";
  if (stop == "refusal") {
    reply.refused = true;
    reply.refusal = text.empty() ? "the model declined to answer (stop_reason: refusal)" : text;
  }
  reply.truncated = stop == "max_tokens";
}

void read_ollama(const json& body, ProviderReply& reply) {
  reply.content = text_of(body.at("message").at("content"));
  reply.truncated = body.contains("done_reason") && text_of(body["done_reason"]) == "length";
}

}  // namespace

bool known_provider(const std::string& provider) {
  return provider == "openai" || provider == "anthropic" || provider == "ollama";
}

std::string default_base_url(const std::string& provider) {
  if (provider == "anthropic") return "https://api.anthropic.com";
  if (provider == "ollama") return "http://127.0.0.1:11434";
  return "https://api.openai.com";
}

std::string default_key_env(const std::string& provider) {
  if (provider == "anthropic") return "ANTHROPIC_API_KEY";
  if (provider == "ollama") return "";
  return "OPENAI_API_KEY";
}

std::string endpoint_url(const ReviewConfig& config) {
  std::string base = base_of(config);
  if (config.provider == "ollama") {
    if (ends_with(base, "/api/chat")) return base;
    return ends_with(base, "/api") ? base + "/chat" : base + "/api/chat";
  }
  const std::string path = config.provider == "anthropic" ? "/messages" : "/chat/completions";
  if (ends_with(base, path)) return base;  // the full endpoint was given
  return ends_with(base, "/v1") ? base + path : base + "/v1" + path;
}

json wire_schema(const json& schema) {
  json out = schema;
  if (out.is_object()) {
    out.erase("$schema");
    out.erase("$id");
  }
  return out;
}

HttpRequest build_provider_request(const ReviewConfig& config, const std::string& key, const ChatRequest& chat,
                                   bool temperature_zero) {
  HttpRequest request;
  request.url = endpoint_url(config);
  request.connect_timeout = config.connect_timeout;
  request.timeout = config.timeout;
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json");
  json body;
  if (config.provider == "anthropic") {
    if (!key.empty()) request.headers.emplace_back("x-api-key", key);
    request.headers.emplace_back("anthropic-version", "2023-06-01");
    body = anthropic_body(config, chat);
  } else {
    if (!key.empty()) request.headers.emplace_back("Authorization", "Bearer " + key);
    body = config.provider == "ollama" ? ollama_body(config, chat)
                                           : openai_body(config, chat, request.url, temperature_zero);
  }
  // Invalid UTF-8 in a source file must not abort the review: it is replaced, not thrown on.
  request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return request;
}

ProviderReply read_provider_response(const std::string& provider, const HttpResponse& response, const std::string& key) {
  ProviderReply reply;
  reply.status = response.status;
  if (response.status < 200 || response.status >= 300) {
    reply.error = scrub_provider_text(error_text(response.body), key);
    return reply;
  }
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    reply.error = "the response is not JSON (is the base URL the provider's API?)";
    return reply;
  }
  try {
    if (provider == "anthropic") read_anthropic(body, reply);
    else if (provider == "ollama") read_ollama(body, reply);
    else read_openai(body, reply);
  } catch (const json::exception&) {
    std::string said = scrub_provider_text(error_text(response.body), key);
    reply.error = "the response does not have the shape of " + provider + "'s API" + (said.empty() ? "" : ": " + said);
    return reply;
  }
  reply.refusal = scrub_provider_text(reply.refusal, key);
  reply.ok = true;
  return reply;
}

std::string scrub_provider_text(const std::string& text, const std::string& key, size_t limit) {
  std::string out = text;
  // Keys of a few characters would match everywhere; a real key is long.
  if (key.size() >= 8)
    for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at)) out.replace(at, key.size(), "[REDACTED]");
  out = redact_secrets(out);
  // Words that look like keys, even masked ones a provider echoes back ("sk-abc***xyz").
  std::string cleaned;
  size_t i = 0;
  while (i < out.size()) {
    size_t end = out.find_first_of(" \t\r\n\"'`,;()", i);
    if (end == i) {
      cleaned += out[i++];
      continue;
    }
    std::string word = out.substr(i, end == std::string::npos ? std::string::npos : end - i);
    bool key_like = word.rfind("sk-", 0) == 0 || word.rfind("sk_", 0) == 0 || word.find("***") != std::string::npos;
    cleaned += key_like ? "[REDACTED]" : word;
    i = end == std::string::npos ? out.size() : end;
  }
  // One line, trimmed, bounded.
  for (char& c : cleaned)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  size_t start = cleaned.find_first_not_of(' ');
  size_t last = cleaned.find_last_not_of(' ');
  cleaned = start == std::string::npos ? "" : cleaned.substr(start, last - start + 1);
  if (cleaned.size() > limit) {
    size_t cut = limit - 3;
    while (cut > 0 && (static_cast<unsigned char>(cleaned[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    cleaned = cleaned.substr(0, cut) + "...";
  }
  return cleaned;
}

}  // namespace patchgate::review
