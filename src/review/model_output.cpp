#include "review/model_output.h"

#include <cmath>
#include <initializer_list>
#include <limits>

#include <nlohmann/json.hpp>

namespace patchgate::review {

namespace {

using nlohmann::json;

// Thrown inside the parser, turned into the one-line error at its boundary.
struct Invalid {
  std::string what;
};

std::string_view trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// A value quoted for an error message: short, one line.
std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', true, json::error_handler_t::replace);
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// The JSON text: the content itself, or the inside of one ```json fence around all of it.
std::string_view unfence(std::string_view content) {
  std::string_view text = trim(content);
  if (text.rfind("```", 0) != 0) {
    if (!text.empty() && text.front() != '{' && text.front() != '[')
      throw Invalid{"the answer must be the JSON object alone, with no text before it"};
    return text;
  }
  size_t first_line_end = text.find('\n');
  if (first_line_end == std::string_view::npos) throw Invalid{"a ``` fence with nothing inside it"};
  std::string_view info = trim(text.substr(3, first_line_end - 3));
  if (!info.empty() && info != "json" && info != "JSON")
    throw Invalid{"a ```" + std::string(info) + " block; answer with the JSON object alone"};
  std::string_view rest = text.substr(first_line_end + 1);
  if (rest.size() < 3 || rest.substr(rest.size() - 3) != "```")
    throw Invalid{"the ```json block is not closed, or text follows it (truncated answer?)"};
  std::string_view inside = trim(rest.substr(0, rest.size() - 3));
  if (inside.find("```") != std::string_view::npos) throw Invalid{"more than one fenced block; answer with one JSON object"};
  return inside;
}

// `where` is "" for the top level, else "findings[2]".
void check_keys(const json& object, const std::string& where, std::initializer_list<const char*> known) {
  std::string list, prefix = where.empty() ? "" : where + ": ";
  for (const char* key : known) list += (list.empty() ? "" : ", ") + std::string(key);
  for (const char* key : known)
    if (!object.contains(key)) throw Invalid{prefix + "missing field \"" + key + "\" (required: " + list + ")"};
  for (const auto& [key, value] : object.items()) {
    bool ok = false;
    for (const char* name : known) ok |= key == name;
    if (!ok) throw Invalid{prefix + "unknown field " + shown(json(key)) + " (allowed: " + list + ")"};
  }
}

std::string string_field(const json& object, const std::string& where, const char* key) {
  const json& value = object.at(key);
  if (!value.is_string()) throw Invalid{where + key + ": expected a string, got " + value.type_name()};
  return value.get<std::string>();
}

std::string enum_field(const json& object, const std::string& where, const char* key,
                       std::initializer_list<const char*> allowed) {
  std::string value = string_field(object, where, key);
  std::string list;
  for (const char* word : allowed) {
    if (value == word) return value;
    list += (list.empty() ? "\"" : ", \"") + std::string(word) + "\"";
  }
  throw Invalid{where + key + ": expected one of " + list + ", got " + shown(json(value))};
}

int line_field(const json& object, const std::string& where, const char* key) {
  const json& value = object.at(key);
  double number = value.is_number() ? value.get<double>() : std::nan("");
  // 41.0 is an integer the way some servers print it; 41.5 is not a line.
  if (!value.is_number() || number != std::floor(number))
    throw Invalid{where + key + ": expected a whole line number, got " +
                  (value.is_number() ? shown(value) : std::string(value.type_name()))};
  if (number < 0 || number > std::numeric_limits<int>::max())
    throw Invalid{where + key + ": a line number cannot be negative, got " + shown(value)};
  return static_cast<int>(number);
}

ModelFinding parse_finding(const json& item, size_t index) {
  std::string where = "findings[" + std::to_string(index) + "]";
  if (!item.is_object()) throw Invalid{where + ": expected an object, got " + item.type_name()};
  check_keys(item, where, {"title", "file", "line_start", "line_end", "quote", "severity", "confidence", "trigger",
                           "falsification", "recommendation"});
  where += ".";
  ModelFinding finding;
  finding.title = string_field(item, where, "title");
  finding.file = string_field(item, where, "file");
  finding.line_start = line_field(item, where, "line_start");
  finding.line_end = line_field(item, where, "line_end");
  finding.quote = string_field(item, where, "quote");
  finding.severity = enum_field(item, where, "severity", {"critical", "high", "medium", "low"});
  const json& confidence = item.at("confidence");
  if (!confidence.is_number())
    throw Invalid{where + "confidence: expected a number from 0 to 1, got " + confidence.type_name()};
  finding.confidence = confidence.get<double>();
  if (!(finding.confidence >= 0 && finding.confidence <= 1))
    throw Invalid{where + "confidence: expected a number from 0 to 1, got " + shown(confidence)};
  finding.trigger = string_field(item, where, "trigger");
  finding.falsification = string_field(item, where, "falsification");
  finding.recommendation = string_field(item, where, "recommendation");
  return finding;
}

}  // namespace

std::optional<ModelReview> parse_model_review(const std::string& content, std::string& error) {
  try {
    std::string_view text = unfence(content);
    if (text.empty()) throw Invalid{"the answer is empty; expected a JSON object"};
    json root;
    try {
      root = json::parse(text);
    } catch (const json::parse_error& e) {
      std::string message = e.what();
      if (auto pos = message.find("parse error"); pos != std::string::npos) message = message.substr(pos);
      throw Invalid{"not valid JSON: " + message};
    }
    if (!root.is_object()) throw Invalid{std::string("expected a JSON object at the top level, got ") + root.type_name()};
    check_keys(root, "", {"verdict", "summary", "findings"});
    ModelReview review;
    review.verdict = enum_field(root, "", "verdict", {"approve", "needs-attention"});
    review.summary = string_field(root, "", "summary");
    const json& findings = root.at("findings");
    if (!findings.is_array()) throw Invalid{std::string("findings: expected an array, got ") + findings.type_name()};
    for (size_t i = 0; i < findings.size(); ++i) review.findings.push_back(parse_finding(findings[i], i));
    error.clear();
    return review;
  } catch (const Invalid& invalid) {
    error = invalid.what;
    for (char& c : error)
      if (c == '\n' || c == '\r') c = ' ';
    return std::nullopt;
  }
}

}  // namespace patchgate::review
