#include "core/config.h"

#include <cctype>
#include <filesystem>
#include <regex>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace patchgate {

std::optional<FailOn> parse_fail_on(const std::string& text) {
  if (text == "error") return FailOn::kError;
  if (text == "warning") return FailOn::kWarning;
  if (text == "note") return FailOn::kNote;
  if (text == "never") return FailOn::kNever;
  return std::nullopt;
}

const char* to_string(FailOn fail_on) {
  switch (fail_on) {
    case FailOn::kNote: return "note";
    case FailOn::kWarning: return "warning";
    case FailOn::kError: return "error";
    case FailOn::kNever: return "never";
  }
  return "error";
}

std::optional<BlockOn> parse_block_on(const std::string& text) {
  if (text == "never") return BlockOn::kNever;
  if (text == "grounded-high") return BlockOn::kGroundedHigh;
  if (text == "grounded") return BlockOn::kGrounded;
  return std::nullopt;
}

const char* to_string(BlockOn block_on) {
  switch (block_on) {
    case BlockOn::kNever: return "never";
    case BlockOn::kGroundedHigh: return "grounded-high";
    case BlockOn::kGrounded: return "grounded";
  }
  return "grounded-high";
}

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& key, const std::string& what) {
  throw UserError(kExitUsage, path + ": " + key + ": " + what, "`patchgate init` writes a commented example");
}

const char* type_name(const nlohmann::json& value) { return value.type_name(); }

RuleConfig parse_rule(const nlohmann::json& value, const std::string& path, const std::string& key) {
  RuleConfig rule;
  if (value.is_string()) {  // shorthand: "off" | "error" | "warning" | "note"
    std::string text = value.get<std::string>();
    if (text == "off") {
      rule.enabled = false;
    } else if (auto severity = parse_severity(text)) {
      rule.enabled = true;
      rule.severity = severity;
    } else {
      bad(path, key, "expected \"off\", \"note\", \"warning\" or \"error\", got \"" + text + "\"");
    }
    return rule;
  }
  if (value.is_boolean()) {
    rule.enabled = value.get<bool>();
    return rule;
  }
  if (!value.is_object()) bad(path, key, std::string("expected an object or a string, got ") + type_name(value));
  for (const auto& [name, item] : value.items()) {
    std::string item_key = key + "." + name;
    if (name == "enabled") {
      if (!item.is_boolean()) bad(path, item_key, "expected true or false");
      rule.enabled = item.get<bool>();
    } else if (name == "severity") {
      auto severity = item.is_string() ? parse_severity(item.get<std::string>()) : std::nullopt;
      if (!severity) bad(path, item_key, "expected \"note\", \"warning\" or \"error\"");
      rule.severity = severity;
    } else if (name == "options") {
      if (!item.is_object()) bad(path, item_key, "expected an object");
      rule.options = item;
    } else {
      bad(path, item_key, "unknown key (expected enabled, severity or options)");
    }
  }
  return rule;
}

RaceConfig parse_race(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object()) bad(path, "race", std::string("expected an object, got ") + type_name(value));
  RaceConfig race;
  auto positive = [&](const nlohmann::json& item, const std::string& key, int max) {
    if (!item.is_number_unsigned() || item.get<uint64_t>() == 0 || item.get<uint64_t>() > static_cast<uint64_t>(max))
      bad(path, key, "expected a whole number from 1 to " + std::to_string(max));
    return item.get<int>();
  };
  auto duration = [&](const nlohmann::json& item, const std::string& key) {
    auto parsed = item.is_string() ? parse_duration(item.get<std::string>()) : std::nullopt;
    if (!parsed || parsed->count() == 0) bad(path, key, "expected a duration such as \"30s\", \"5m\" or \"1m30s\"");
    return *parsed;
  };
  auto boolean = [&](const nlohmann::json& item, const std::string& key) {
    if (!item.is_boolean()) bad(path, key, "expected true or false");
    return item.get<bool>();
  };
  for (const auto& [name, item] : value.items()) {
    std::string key = "race." + name;
    if (name == "count") {
      race.count = positive(item, key, 10000);
    } else if (name == "cpu") {
      std::string cpu = item.is_string() ? item.get<std::string>() : "";
      bool ok = !cpu.empty() && cpu.front() != ',' && cpu.back() != ',' && cpu.find(",,") == std::string::npos &&
                cpu.find_first_not_of("0123456789,") == std::string::npos;
      if (!ok) bad(path, key, "expected GOMAXPROCS values separated by commas, such as \"1,2,4\"");
      race.cpu = cpu;
    } else if (name == "timeout") {
      race.timeout = duration(item, key);
    } else if (name == "budget") {
      race.budget = duration(item, key);
    } else if (name == "shuffle") {
      race.shuffle = boolean(item, key);
    } else if (name == "gate") {
      race.gate = boolean(item, key);
    } else if (name == "leak_check") {
      race.leak_check = boolean(item, key);
    } else if (name == "skip") {
      if (!item.is_array()) bad(path, key, "expected an array of package directory globs");
      for (const auto& pattern : item) {
        if (!pattern.is_string() || pattern.get<std::string>().empty()) bad(path, key, "expected non-empty glob strings");
        race.skip.push_back(pattern.get<std::string>());
      }
    } else {
      bad(path, key, "unknown key (known: count, cpu, timeout, budget, shuffle, skip, gate, leak_check)");
    }
  }
  return race;
}

AiConfig parse_ai(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object()) bad(path, "ai", std::string("expected an object, got ") + type_name(value));
  AiConfig ai;
  auto strings = [&](const nlohmann::json& item, const std::string& key, bool regex) {
    std::vector<std::string> out;
    if (!item.is_array()) bad(path, key, "expected an array of strings");
    for (const auto& entry : item) {
      if (!entry.is_string() || entry.get<std::string>().empty()) bad(path, key, "expected non-empty strings");
      if (regex) {
        try {
          std::regex check(entry.get<std::string>(), std::regex::icase | std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          bad(path, key, "\"" + entry.get<std::string>() + "\" is not a valid regular expression");
        }
      }
      out.push_back(entry.get<std::string>());
    }
    return out;
  };
  for (const auto& [name, item] : value.items()) {
    std::string key = "ai." + name;
    if (name == "patterns") {
      ai.patterns = strings(item, key, true);
    } else if (name == "env") {
      ai.env = strings(item, key, false);
    } else if (name == "fail_on") {
      auto fail_on = item.is_string() ? parse_fail_on(item.get<std::string>()) : std::nullopt;
      if (!fail_on) bad(path, key, "expected \"error\", \"warning\", \"note\" or \"never\"");
      ai.fail_on = *fail_on;
    } else if (name == "race") {
      if (!item.is_boolean()) bad(path, key, "expected true or false");
      ai.race = item.get<bool>();
    } else {
      bad(path, key, "unknown key (known: patterns, env, fail_on, race)");
    }
  }
  return ai;
}

// An environment variable's name, and not what someone pasted instead of one: a key.
void check_env_name(const nlohmann::json& item, const std::string& path, const std::string& key) {
  std::string name = item.is_string() ? item.get<std::string>() : "";
  bool shaped = !name.empty() && name.size() <= 64 && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) shaped &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  // Keys look like sk-..., or long runs of mixed case and digits; names are UPPER_SNAKE_CASE.
  bool digits = false, lower = false, upper = false;
  for (char c : name) {
    digits |= std::isdigit(static_cast<unsigned char>(c)) != 0;
    lower |= std::islower(static_cast<unsigned char>(c)) != 0;
    upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
  }
  bool key_like = name.rfind("sk-", 0) == 0 || name.rfind("sk_", 0) == 0 || name.rfind("xox", 0) == 0 ||
                  name.rfind("ghp_", 0) == 0 || name.rfind("github_pat_", 0) == 0 || name.rfind("AIza", 0) == 0 ||
                  (name.size() >= 24 && digits && lower && upper) ||
                  (name.size() >= 32 && name.find('_') == std::string::npos);
  if (key_like)
    throw UserError(kExitUsage,
                    path + ": " + key + ": this looks like an API key, not the name of an environment variable",
                    "put the key in an environment variable and give its name here (e.g. \"OPENAI_API_KEY\"); "
                    "rotate the key if this file was shared");
  if (!shaped) bad(path, key, "expected the name of an environment variable, such as \"OPENAI_API_KEY\"");
}

ReviewConfig parse_review(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object()) bad(path, "review", std::string("expected an object, got ") + type_name(value));
  ReviewConfig review;
  auto whole = [&](const nlohmann::json& item, const std::string& key, int min, int max) {
    if (!item.is_number_integer() || item.get<int64_t>() < min || item.get<int64_t>() > max)
      bad(path, key, "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return static_cast<int>(item.get<int64_t>());
  };
  auto duration = [&](const nlohmann::json& item, const std::string& key) {
    auto parsed = item.is_string() ? parse_duration(item.get<std::string>()) : std::nullopt;
    if (!parsed || parsed->count() == 0) bad(path, key, "expected a duration such as \"10s\", \"2m\" or \"1m30s\"");
    return *parsed;
  };
  auto boolean = [&](const nlohmann::json& item, const std::string& key) {
    if (!item.is_boolean()) bad(path, key, "expected true or false");
    return item.get<bool>();
  };
  auto text = [&](const nlohmann::json& item, const std::string& key, const char* what) {
    if (!item.is_string() || item.get<std::string>().empty()) bad(path, key, std::string("expected ") + what);
    return item.get<std::string>();
  };
  for (const auto& [name, item] : value.items()) {
    std::string key = "review." + name;
    if (name == "enabled") {
      review.enabled = boolean(item, key);
    } else if (name == "provider") {
      std::string provider = item.is_string() ? item.get<std::string>() : "";
      if (provider != "openai" && provider != "anthropic" && provider != "ollama")
        bad(path, key, "expected \"openai\" (or any OpenAI-compatible server), \"anthropic\" or \"ollama\"");
      review.provider = provider;
    } else if (name == "base_url") {
      std::string url = item.is_string() ? item.get<std::string>() : "";
      bool ok = (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
      if (!ok || url.find_first_of(" \t\r\n") != std::string::npos)
        bad(path, key, "expected a URL starting with http:// or https://, such as \"https://api.openai.com\"");
      review.base_url = url;
    } else if (name == "model") {
      review.model = text(item, key, "the model's name, such as \"gpt-4.1\"");
    } else if (name == "api_key_env") {
      check_env_name(item, path, key);
      review.api_key_env = item.get<std::string>();
    } else if (name == "connect_timeout") {
      review.connect_timeout = duration(item, key);
    } else if (name == "timeout") {
      review.timeout = duration(item, key);
    } else if (name == "retries") {
      review.retries = whole(item, key, 0, 10);
    } else if (name == "max_rounds") {
      review.max_rounds = whole(item, key, 1, 5);
    } else if (name == "token_budget") {
      review.token_budget = whole(item, key, 1000, 1000000);
    } else if (name == "max_output_tokens") {
      review.max_output_tokens = whole(item, key, 256, 200000);
    } else if (name == "block_on") {
      auto block_on = item.is_string() ? parse_block_on(item.get<std::string>()) : std::nullopt;
      if (!block_on) bad(path, key, "expected \"never\", \"grounded-high\" or \"grounded\"");
      review.block_on = *block_on;
    } else if (name == "required") {
      review.required = boolean(item, key);
    } else if (name == "cache") {
      review.cache = boolean(item, key);
    } else if (name == "prompt") {
      review.prompt = text(item, key, "the path of a system prompt file");
    } else if (name == "schema") {
      review.schema = text(item, key, "the path of a JSON Schema file");
    } else {
      bad(path, key,
          "unknown key (known: enabled, provider, base_url, model, api_key_env, connect_timeout, timeout, retries, "
          "max_rounds, token_budget, max_output_tokens, block_on, required, cache, prompt, schema)");
    }
  }
  return review;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    long long number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 1000000000LL) return std::nullopt;
      ++i;
    }
    if (i == start) return std::nullopt;
    std::string unit;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) unit.push_back(text[i++]);
    long long factor = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
    if (factor == 0) return std::nullopt;
    total += number * factor;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  long long s = ms / 1000;
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "m";
  if (s % 60 || out.empty()) {
    long long tenths = (ms % 1000) / 100;
    out += std::to_string(s % 60) + (s < 60 && tenths ? "." + std::to_string(tenths) : "") + "s";
  }
  return out;
}

Config parse_config(const std::string& text, const std::string& path) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& error) {
    std::string message = error.what();
    if (auto pos = message.find("parse error"); pos != std::string::npos) message = message.substr(pos);
    throw UserError(kExitUsage, path + ": not valid JSON: " + message, "fix the syntax, or regenerate it with `patchgate init`");
  }
  if (!root.is_object()) bad(path, "(top level)", "expected an object");
  Config config;
  config.path = path;
  for (const auto& [key, value] : root.items()) {
    if (key == "$schema") continue;
    if (key == "fail_on") {
      auto fail_on = value.is_string() ? parse_fail_on(value.get<std::string>()) : std::nullopt;
      if (!fail_on) bad(path, key, "expected \"error\", \"warning\", \"note\" or \"never\"");
      config.fail_on = fail_on;
    } else if (key == "max_file_bytes") {
      if (!value.is_number_unsigned() || value.get<uint64_t>() == 0) bad(path, key, "expected a positive whole number");
      config.max_file_bytes = value.get<uint64_t>();
    } else if (key == "analyse_generated") {
      if (!value.is_boolean()) bad(path, key, "expected true or false");
      config.analyse_generated = value.get<bool>();
    } else if (key == "exclude") {
      if (!value.is_array()) bad(path, key, "expected an array of glob strings");
      for (const auto& pattern : value) {
        if (!pattern.is_string() || pattern.get<std::string>().empty()) bad(path, key, "expected non-empty glob strings");
        config.exclude.push_back(pattern.get<std::string>());
      }
    } else if (key == "rules") {
      if (!value.is_object()) bad(path, key, "expected an object keyed by rule id");
      for (const auto& [id, rule] : value.items()) config.rules[id] = parse_rule(rule, path, "rules." + id);
    } else if (key == "race") {
      config.race = parse_race(value, path);
    } else if (key == "ai") {
      config.ai = parse_ai(value, path);
    } else if (key == "review") {
      config.review = parse_review(value, path);
    } else {
      bad(path, key, "unknown key (known: fail_on, max_file_bytes, analyse_generated, exclude, rules, race, ai, review)");
    }
  }
  return config;
}

Config load_config(const std::string& explicit_path, const std::string& repo_root) {
  std::string path = explicit_path;
  if (path.empty()) {
    std::string candidate = repo_root + "/.patchgate.json";
    if (!std::filesystem::exists(candidate)) return Config{};
    path = candidate;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UserError(kExitUsage, path + ": is a directory, not a config file", "pass the path of a .patchgate.json");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(kExitUsage, path + ": cannot read the config file", "check that it exists and is readable");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str(), path);
}

}  // namespace patchgate
