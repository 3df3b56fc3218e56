#include "core/config.h"

#include <filesystem>
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

}  // namespace

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
    } else if (key == "exclude") {
      if (!value.is_array()) bad(path, key, "expected an array of glob strings");
      for (const auto& pattern : value) {
        if (!pattern.is_string() || pattern.get<std::string>().empty()) bad(path, key, "expected non-empty glob strings");
        config.exclude.push_back(pattern.get<std::string>());
      }
    } else if (key == "rules") {
      if (!value.is_object()) bad(path, key, "expected an object keyed by rule id");
      for (const auto& [id, rule] : value.items()) config.rules[id] = parse_rule(rule, path, "rules." + id);
    } else {
      bad(path, key, "unknown key (known: fail_on, max_file_bytes, exclude, rules)");
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
