#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.h"

namespace patchgate {

// The severity at or above which findings block; kNever never blocks.
enum class FailOn { kNote, kWarning, kError, kNever };
std::optional<FailOn> parse_fail_on(const std::string& text);
const char* to_string(FailOn fail_on);

struct RuleConfig {
  std::optional<bool> enabled;
  std::optional<Severity> severity;
  nlohmann::json options = nlohmann::json::object();
};

// The `race` section: how `patchgate race` (and `gate`, when `gate` is true) runs the tests of
// the packages a change touches.
struct RaceConfig {
  int count = 3;                  // go test -count
  std::string cpu = "1,4";        // go test -cpu (GOMAXPROCS values, comma separated)
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // go test -timeout, per package
  std::chrono::milliseconds budget{std::chrono::minutes(5)};    // wall clock for the whole run
  bool shuffle = false;           // go test -shuffle=on
  std::vector<std::string> skip;  // package directories (globs) never run
  bool gate = false;              // whether `patchgate gate` runs it
  bool leak_check = true;         // the overlay TestMain that reports goroutines left running
};

// The `ai` section: how an AI-authored change is recognised and how much stricter its gate is.
struct AiConfig {
  std::vector<std::string> patterns;  // commit-message regexes, added to the built-in ones
  std::vector<std::string> env;       // "NAME" or "NAME=VALUE", added to the built-in ones
  FailOn fail_on = FailOn::kWarning;  // the threshold for AI-authored changes (warnings block)
  bool race = true;                   // gate runs the race stage for AI-authored changes
};

// Which second-model findings may block: never; grounded with severity high or critical and
// confidence >= 0.7 (the default); or every grounded finding.
enum class BlockOn { kNever, kGroundedHigh, kGrounded };
std::optional<BlockOn> parse_block_on(const std::string& text);
const char* to_string(BlockOn block_on);

// The `review` section: the second model `patchgate review` (and gate, when `enabled`) asks.
// The key itself is never in the config: only the *name* of the environment variable holding it.
struct ReviewConfig {
  bool enabled = false;          // whether `patchgate gate` runs the review stage
  std::string provider = "openai";  // openai | anthropic | ollama
  std::string base_url;          // empty: the provider's default (https://api.openai.com, https://api.anthropic.com, http://127.0.0.1:11434)
  std::string model;             // required to run
  std::string api_key_env;       // empty: OPENAI_API_KEY / ANTHROPIC_API_KEY / none for ollama
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};  // per HTTP request, total
  int retries = 3;               // extra attempts on 429/500/502/503/529 and transport errors
  int max_rounds = 2;            // requests per review: the first plus one repair of malformed output
  int token_budget = 24000;      // estimated tokens of the packet
  int max_output_tokens = 4096;
  BlockOn block_on = BlockOn::kGroundedHigh;
  bool required = true;          // false: a failed review is a warning, not exit 3 (like --fail-open)
  bool cache = true;             // responses cached under .git/patchgate/review
  std::string prompt;            // a path overriding the embedded prompts/adversarial-review.md
  std::string schema;            // a path overriding the embedded prompts/review-output.schema.json
};

// "30s", "5m", "1m30s", "500ms", "2h": Go's duration syntax (no fractions); nullopt if malformed.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
std::string format_duration(std::chrono::milliseconds duration);

// .patchgate.json, validated. Rule ids and option names are checked against the registry by
// checks::validate_rule_config (core does not know the rules).
struct Config {
  std::string path;  // where it was read from; empty for built-in defaults
  std::optional<FailOn> fail_on;
  uint64_t max_file_bytes = 4u << 20;
  // Files carrying Go's generated-code header (`// Code generated ... DO NOT EDIT.`) are skipped,
  // as golangci-lint does: nobody reviews them line by line, and they are the megabyte tables
  // that dominate a whole-tree run's time and memory.
  bool analyse_generated = false;
  std::vector<std::string> exclude;
  std::map<std::string, RuleConfig> rules;
  RaceConfig race;
  AiConfig ai;
  ReviewConfig review;
};

// Parses JSON with comments. Unknown keys and wrong value types are UserError(kExitUsage)
// naming the file and the key.
Config parse_config(const std::string& text, const std::string& path);

// Reads `explicit_path` if given (it must exist), else `<repo root>/.patchgate.json` if present,
// else returns defaults.
Config load_config(const std::string& explicit_path, const std::string& repo_root);


}  // namespace patchgate
