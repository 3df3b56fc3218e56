#include "cli/init_command.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checks/registry.h"
#include "checks/rule_docs.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/git/repository.h"

namespace patchgate::cli {

void setup_init(CLI::App& app, InitOptions& options) {
  app.add_option("--path", options.path, "Where to write (default: .patchgate.json at the repository root)");
  app.add_flag("--force", options.force, "Overwrite an existing file");
  app.add_flag("--print", options.print, "Print the starter config instead of writing it");
}

std::string starter_config() {
  std::ostringstream out;
  out << "// patchgate configuration (JSON with comments). Unknown keys are errors.\n"
         "{\n"
         "  // Lowest severity that blocks: \"error\", \"warning\", \"note\" or \"never\".\n"
         "  \"fail_on\": \"error\",\n\n"
         "  // Files larger than this are skipped and listed in the report.\n"
         "  \"max_file_bytes\": 4194304,\n\n"
         "  // Files with Go's `// Code generated ... DO NOT EDIT.` header are skipped unless this is true.\n"
         "  \"analyse_generated\": false,\n\n"
         "  // Globs of files never analysed: `*` stays in one directory, `**` spans directories.\n"
         "  \"exclude\": [\"vendor/**\", \"**/*.pb.go\"],\n\n"
         "  // Per rule: \"off\", a severity, or {\"enabled\", \"severity\", \"options\"}.\n"
         "  \"rules\": {\n";
  const auto& rules = checks::all_rules();
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& info = rules[i].info;
    out << "    // " << checks::rule_summary(info.id) << "\n";
    out << "    \"" << info.id << "\": {\"enabled\": true, \"severity\": \"" << to_string(info.severity) << "\"";
    if (!info.options.empty()) {
      out << ", \"options\": {";
      for (size_t j = 0; j < info.options.size(); ++j)
        out << (j ? ", " : "") << "\"" << info.options[j].name << "\": " << info.options[j].default_value;
      out << "}";
    }
    out << "}" << (i + 1 < rules.size() ? "," : "") << "\n";
    for (const auto& option : info.options) out << "    //   " << option.name << ": " << option.description << "\n";
  }
  const RaceConfig race;
  const AiConfig ai;
  const ReviewConfig review;
  out << "  },\n\n"
         "  // patchgate race (and gate, when \"gate\" is true): go test -race of the packages a change touches.\n"
         "  \"race\": {\n"
         "    \"count\": " << race.count << ",            // go test -count\n"
         "    \"cpu\": \"" << race.cpu << "\",          // go test -cpu: GOMAXPROCS values\n"
         "    \"timeout\": \"" << format_duration(race.timeout) << "\",     // go test -timeout, per package\n"
         "    \"budget\": \"" << format_duration(race.budget) << "\",       // wall clock for the whole run\n"
         "    \"shuffle\": " << (race.shuffle ? "true" : "false") << ",        // go test -shuffle=on\n"
         "    \"skip\": [],              // package directories (globs) never run\n"
         "    \"gate\": " << (race.gate ? "true" : "false") << ",           // whether patchgate gate runs it\n"
         "    \"leak_check\": " << (race.leak_check ? "true" : "false") << "      // the overlay TestMain reporting goroutines left running\n"
         "  },\n\n"
         "  // AI-authored changes (agent trailers, git-ai notes, an agent's environment) get a stricter gate.\n"
         "  \"ai\": {\n"
         "    \"patterns\": [],          // more commit-message regexes that mark a change as AI-authored\n"
         "    \"env\": [],               // more \"NAME\" or \"NAME=VALUE\" variables set by an agent\n"
         "    \"fail_on\": \"" << to_string(ai.fail_on) << "\",     // the threshold for AI-authored changes\n"
         "    \"race\": " << (ai.race ? "true" : "false") << "             // gate runs the race stage for them\n"
         "  },\n\n"
         "  // patchgate review (and gate, when \"enabled\" is true): a second model attacks the patch. Only findings\n"
         "  // whose quoted line is at the cited place count. The key is read from the environment variable named\n"
         "  // by api_key_env and never written anywhere; secrets in the code are redacted before sending.\n"
         "  \"review\": {\n"
         "    \"enabled\": " << (review.enabled ? "true" : "false") << ",          // whether patchgate gate runs it\n"
         "    \"provider\": \"" << review.provider << "\",     // openai (any OpenAI-compatible server), anthropic or ollama\n"
         "    // \"base_url\": \"https://api.openai.com\",  // default per provider; a local server: http://127.0.0.1:8080\n"
         "    // \"model\": \"...\",         // required to run: the model to ask\n"
         "    // \"api_key_env\": \"OPENAI_API_KEY\",  // the variable's NAME (default per provider; none for ollama)\n"
         "    \"connect_timeout\": \"" << format_duration(review.connect_timeout) << "\",\n"
         "    \"timeout\": \"" << format_duration(review.timeout) << "\",        // per request\n"
         "    \"retries\": " << review.retries << ",             // on 429, 5xx and network errors, with backoff\n"
         "    \"max_rounds\": " << review.max_rounds << ",          // the first request plus one repair of malformed output\n"
         "    \"token_budget\": " << review.token_budget << ",    // the packet's size; what does not fit is listed\n"
         "    \"max_output_tokens\": " << review.max_output_tokens << ",\n"
         "    \"block_on\": \"" << to_string(review.block_on) << "\",  // never, grounded-high (high/critical, confidence >= 0.7) or grounded\n"
         "    \"required\": " << (review.required ? "true" : "false") << ",         // false: a failed review warns instead of exit 3\n"
         "    \"cache\": " << (review.cache ? "true" : "false") << "             // answers cached under .git/patchgate/review\n"
         "    // \"prompt\": \"path/to/prompt.md\",   // overrides the built-in system prompt\n"
         "    // \"schema\": \"path/to/schema.json\"  // overrides the built-in output schema\n"
         "  }\n}\n";
  return out.str();
}

int run_init(const InitOptions& options, Io& io) {
  std::string text = starter_config();
  if (options.print) {
    io.out << text;
    return kExitPass;
  }
  std::string path = options.path;
  if (path.empty()) {
    auto repo = git::Repository::discover(std::filesystem::current_path().string());
    if (repo->workdir().empty())
      throw UserError(kExitUsage, "this repository is bare: no work tree to write .patchgate.json into", "use --path");
    path = repo->workdir() + "/.patchgate.json";
  }
  if (std::filesystem::exists(path) && !options.force)
    throw UserError(kExitUsage, path + ": already exists", "pass --force to overwrite it, or --print to see the starter");
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw UserError(kExitOperational, path + ": cannot write", "check permissions");
  file << text;
  io.out << "wrote " << path << '\n';
  return kExitPass;
}

}  // namespace patchgate::cli
