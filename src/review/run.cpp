#include "review/run.h"

#include <cctype>
#include <cstdlib>

#include "core/errors.h"
#include "review/grounding.h"
#include "review/packet.h"
#include "review/prompts.h"
#include "review/provider.h"

namespace patchgate::review {

namespace {

std::string one_line(std::string text, size_t limit = 400) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > limit) {
    size_t cut = limit - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    text = text.substr(0, cut) + "...";
  }
  return text;
}

void print_dry_run(std::ostream& out, const ReviewConfig& config, const std::string& key_env, const std::string& system,
                   const nlohmann::json& schema, const Packet& packet) {
  out << "patchgate review --dry-run: what would be sent; nothing is sent\n\n"
      << "provider:  " << config.provider << "\n"
      << "endpoint:  POST " << endpoint_url(config) << "\n"
      << "model:     " << (config.model.empty() ? "(not set: review.model or --model)" : config.model) << "\n"
      << "key:       "
      << (key_env.empty() ? "none (review.api_key_env is not set)" : "from $" + key_env + " (not read in a dry run)") << "\n"
      << "packet:    ~" << packet.estimated_tokens << " tokens (budget " << config.token_budget << "), "
      << packet.redactions << " secret(s) redacted, " << packet.omitted.size() << " part(s) left out\n\n";
  out << "## System prompt\n\n" << system << (system.empty() || system.back() != '\n' ? "\n" : "") << "\n";
  out << "## Output schema (the answer must follow it)\n\n" << wire_schema(schema).dump(2) << "\n\n";
  out << "## Packet (the user message)\n\n" << packet.text << (packet.text.empty() || packet.text.back() != '\n' ? "\n" : "");
  if (!packet.omitted.empty()) {
    out << "\n## Left out to stay within the token budget\n\n";
    for (const auto& part : packet.omitted) out << "- " << part << "\n";
  }
}

// "https://user@Host:443/v1" -> "host".
std::string host_of(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    authority = authority.substr(1, authority.find(']') - 1);  // an IPv6 literal
  } else if (size_t colon = authority.find(':'); colon != std::string::npos) {
    authority = authority.substr(0, colon);
  }
  for (char& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return authority;
}

// The key may be sent to the provider's own host, to this machine, to a base URL given on the
// command line, or to a host listed in $PATCHGATE_REVIEW_HOSTS. Otherwise a pull request that
// edits review.base_url in .patchgate.json would have CI post the key to the author's server.
bool key_may_go_to(const ReviewConfig& config, const ReviewRun& run, const std::string& host) {
  if (run.base_url_from_command_line || config.base_url.empty()) return true;
  if (host == host_of(default_base_url(config.provider))) return true;
  if (host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0) return true;
  const char* listed = run.getenv ? run.getenv("PATCHGATE_REVIEW_HOSTS") : std::getenv("PATCHGATE_REVIEW_HOSTS");
  std::string hosts = listed ? listed : "";
  size_t start = 0;
  while (start <= hosts.size()) {
    size_t comma = hosts.find(',', start);
    std::string item = hosts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty() && host_of(item) == host) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

void run_review(const git::ChangeSet& change, const std::vector<Finding>& findings, const ReviewRun& run,
                Report& report) {
  const ReviewConfig& config = run.config;
  if (!known_provider(config.provider))
    throw UserError(kExitUsage, "review.provider " + config.provider + ": not a provider patchgate knows",
                    "use openai (also vLLM, llama.cpp, Ollama's /v1), anthropic or ollama");
  if (config.model.empty() && !run.dry_run)
    throw UserError(kExitUsage, "no model to ask: review.model is not set",
                    "set review.model in .patchgate.json or pass --model, e.g. --model gpt-4.1");

  ReviewRecord record;
  record.provider = config.provider;
  record.model = config.model;

  std::string notes;
  if (change.revision) notes = change.revision->read(kReviewNotesFile).value_or("");
  Packet packet = build_packet(change, findings, notes, config.token_budget);
  record.omitted = packet.omitted;
  record.redactions = packet.redactions;
  record.packet_tokens = packet.estimated_tokens;
  const std::string system = system_prompt(config);
  const nlohmann::json schema = output_schema(config);
  const std::string key_env = config.api_key_env.empty() ? default_key_env(config.provider) : config.api_key_env;

  if (run.dry_run) {
    if (run.dry_run_out) print_dry_run(*run.dry_run_out, config, key_env, system, schema, packet);
    record.status = "dry-run";
    report.review = record;
    return;
  }

  std::string key;
  if (!key_env.empty() && !key_may_go_to(config, run, host_of(endpoint_url(config))))
    throw UserError(kExitUsage,
                    "review.base_url points at " + host_of(endpoint_url(config)) +
                        ", set by .patchgate.json, which a change can edit; the key in $" + key_env + " is not sent there",
                    "pass --base-url on the command line, or list the host in $PATCHGATE_REVIEW_HOSTS");
  if (!key_env.empty()) {
    const char* value = run.getenv ? run.getenv(key_env.c_str()) : std::getenv(key_env.c_str());
    key = value ? value : "";
    if (key.empty()) {
      record.status = "failed";
      record.error = "set $" + key_env + " or review.api_key_env";
      report.review = record;
      return;
    }
  }
  // The packet is already redacted; the key itself must not ride along in it either.
  if (key.size() >= 8)
    for (size_t at = packet.text.find(key); at != std::string::npos; at = packet.text.find(key, at)) {
      packet.text.replace(at, key.size(), "[REDACTED:api-key]");
      ++record.redactions;
    }

  ClientSettings settings;
  settings.config = config;
  settings.key = key;
  settings.key_env = key_env;
  settings.cache_dir = run.cache_dir;
  settings.refresh_cache = run.no_cache;
  settings.sleep = run.sleep;
  settings.log = run.log;
  ChatRequest chat;
  chat.system = system;
  chat.user = packet.text;
  chat.schema = schema;
  ModelAnswer answer = ask_model(chat, settings);
  record.attempts = answer.attempts;
  record.status = answer.status;
  if (!answer.review) {
    record.error = one_line(answer.error);
    report.review = record;
    return;
  }
  record.verdict = answer.review->verdict;
  record.summary = answer.review->summary;
  Grounding grounding = ground(*answer.review, change, config.block_on);
  record.grounded = static_cast<int>(grounding.findings.size());
  record.ungrounded = std::move(grounding.ungrounded);
  for (auto& finding : grounding.findings) {
    finding.ai_authored = report.ai_authored;
    report.findings.push_back(std::move(finding));
  }
  report.review = record;
}

StageRecord review_stage(const ReviewRecord& record) {
  std::string detail;
  if (record.status == "failed") {
    detail = record.error;
  } else if (record.status == "dry-run") {
    detail = "dry run: nothing sent";
  } else {
    detail = record.provider + " " + record.model + ": " + std::to_string(record.grounded) + " grounded, " +
             std::to_string(record.ungrounded.size()) + " ungrounded finding(s)";
    if (record.status == "ran") detail += ", " + std::to_string(record.attempts) + " request(s)";
  }
  return {"review", record.status, detail};
}

}  // namespace patchgate::review
