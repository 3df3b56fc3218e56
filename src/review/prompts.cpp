#include "review/prompts.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.h"

namespace patchgate {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_prompts();  // generated
}

namespace patchgate::review {

namespace {

std::string_view embedded(std::string_view name) {
  for (const auto& [key, text] : embedded_prompts())
    if (key == name) return text;
  // Every file in prompts/ is embedded; a missing one is a broken build, not a user error.
  throw std::logic_error("prompts/" + std::string(name) + " is not embedded in this build");
}

// `key` names the config key in messages: "review.prompt".
std::string read_override(const std::string& path, const char* key) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UserError(kExitUsage, path + " (" + key + "): is a directory, not a file",
                    "give the path of the file, or remove " + std::string(key) + " to use the built-in one");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError(kExitUsage, path + " (" + key + "): cannot read the file",
                    "check the path (relative paths are from the current directory), or remove " + std::string(key) +
                        " to use the built-in one");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string system_prompt(const ReviewConfig& config) {
  if (config.prompt.empty()) return std::string(embedded("adversarial-review"));
  std::string text = read_override(config.prompt, "review.prompt");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw UserError(kExitUsage, config.prompt + " (review.prompt): the prompt file is empty",
                    "write the system prompt into it, or remove review.prompt to use the built-in one");
  return text;
}

nlohmann::json output_schema(const ReviewConfig& config) {
  if (config.schema.empty()) return nlohmann::json::parse(embedded("review-output.schema"));
  std::string text = read_override(config.schema, "review.schema");
  nlohmann::json schema;
  try {
    schema = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    std::string message = error.what();
    if (auto pos = message.find("parse error"); pos != std::string::npos) message = message.substr(pos);
    throw UserError(kExitUsage, config.schema + " (review.schema): not valid JSON: " + message,
                    "fix the JSON Schema, or remove review.schema to use the built-in one");
  }
  if (!schema.is_object())
    throw UserError(kExitUsage, config.schema + " (review.schema): expected a JSON Schema object",
                    "fix the JSON Schema, or remove review.schema to use the built-in one");
  return schema;
}

}  // namespace patchgate::review
