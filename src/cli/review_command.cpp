#include "cli/review_command.h"

#include <git2.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cli/check_command.h"
#include "core/errors.h"
#include "core/git/repository.h"
#include "core/policy.h"
#include "review/run.h"

namespace patchgate::cli {

void setup_review(CLI::App& app, ReviewOptions& options) {
  add_diff_options(app, options.diff);
  add_output_options(app, options.output);
  auto* model = app.add_option_group("model", "Which model is asked (defaults from the `review` section of .patchgate.json)");
  model->add_option("--provider", options.provider,
                    "openai (any OpenAI-compatible server: OpenAI, vLLM, llama.cpp, Ollama's /v1), anthropic, or "
                    "ollama (its native /api/chat). A provider other than the config's drops the config's base_url and "
                    "api_key_env")
      ->check(CLI::IsMember({"openai", "anthropic", "ollama"}));
  model->add_option("--base-url", options.base_url,
                    "The server, e.g. http://127.0.0.1:8000/v1 (default: the provider's public API, or "
                    "http://127.0.0.1:11434 for ollama)")
      ->type_name("URL");
  model->add_option("--model", options.model, "The model name the server knows, e.g. gpt-4.1, claude-sonnet-4-5, qwen2.5-coder:14b")
      ->type_name("NAME");
  model->add_option("--api-key-env", options.api_key_env,
                    "The environment variable holding the key (default OPENAI_API_KEY, ANTHROPIC_API_KEY; none "
                    "for ollama). The key's value is never printed, logged, cached or written to a report")
      ->type_name("NAME");
  model->add_option("--timeout", options.timeout, "Per request, connection to last byte, e.g. 90s, 3m (default 120s)")
      ->type_name("DURATION");
  model->add_option("--token-budget", options.token_budget,
                    "Estimated tokens of the packet; what does not fit is left out and listed (default 24000)")
      ->check(CLI::Range(500, 2000000))
      ->type_name("N");
  model->add_flag("--dry-run", options.dry_run,
                  "Print the system prompt, the output schema and the packet exactly as they would be sent; send "
                  "nothing and read no key");
  model->add_flag("--no-cache", options.no_cache,
                  "Ask the model even when the same packet's answer is cached in .git/patchgate/review (the fresh "
                  "answer replaces it)");
  app.footer(
      "Asks a second model to attack the change: it gets a packet of the changed hunks with their\n"
      "enclosing functions, the static findings, the concurrency checklist and .patchgate/review-notes.md\n"
      "(if the repository has one), within a token budget, and answers in a JSON schema. Secrets in the\n"
      "packet (cloud keys, tokens, private keys, passwords in URLs) are replaced by [REDACTED:<kind>]\n"
      "before anything is sent; --dry-run shows exactly what would go out.\n\n"
      "Only claims that quote a line at the place they cite in the new revision count (grounded); the\n"
      "others are listed as ungrounded and never block. By default a grounded finding blocks when its\n"
      "severity is high or critical and its confidence is at least 0.7 (review.block_on). This report\n"
      "holds the model's findings and the review record; the static findings are shown to the model,\n"
      "and `patchgate gate --review` reports both. Answers are cached by a hash of the prompt and\n"
      "the packet, so asking again about an unchanged change is free.\n\n"
      "Exit codes: 0 pass, 1 blocked by a grounded finding, 2 usage or configuration error (no model,\n"
      "unknown provider), 3 the review failed (no key, server unreachable or timing out after retries,\n"
      "key rejected, refusal, no valid answer after a repair round). With --fail-open or\n"
      "review.required=false a failed review is a warning and the exit code follows the findings.\n\n"
      "Examples:\n"
      "  OPENAI_API_KEY=... patchgate review --model gpt-4.1\n"
      "  ANTHROPIC_API_KEY=... patchgate review --provider anthropic --model claude-sonnet-4-5\n"
      "  patchgate review --provider ollama --model qwen2.5-coder:14b          # local Ollama, no key\n"
      "  patchgate review --base-url http://127.0.0.1:8000/v1 --model Qwen/Qwen2.5-Coder-32B-Instruct \\\n"
      "      --api-key-env VLLM_API_KEY                                       # vLLM started with --api-key\n"
      "  LLAMA_KEY=none patchgate review --base-url http://127.0.0.1:8080 --model local \\\n"
      "      --api-key-env LLAMA_KEY                  # llama.cpp server (openai needs a key variable; any value)\n"
      "  patchgate review --base origin/main --dry-run | less                  # what would be sent\n"
      "  patchgate review --base origin/main --format json --output review.json");
}

namespace {

std::string read_patch_once(const DiffOptions& diff, Io& io) {
  if (diff.patch != "-") return "";
  std::ostringstream buffer;
  buffer << io.in.rdbuf();
  return buffer.str();
}

// Runs the review of the change diff selects into report; returns true when it failed hard.
bool review_into(const Config& config, const DiffOptions& diff, const std::string& patch_text, const OutputOptions& output,
                 bool no_cache, bool dry_run, bool base_url_from_command_line, const std::string& start_dir,
                 const std::vector<Finding>& shown, Report& report, Io& io) {
  auto repo = git::Repository::discover(start_dir);
  std::istringstream patch_in(patch_text);
  git::DiffSpec spec = make_diff_spec(diff, diff.patch == "-" ? patch_in : io.in);
  git::DiffLimits limits;
  limits.max_file_bytes = config.max_file_bytes;
  git::ChangeSet change = git::load_change_set(repo, spec, limits);

  review::ReviewRun run;
  run.config = config.review;
  std::string common = git_repository_commondir(repo->get());
  while (!common.empty() && common.back() == '/') common.pop_back();
  run.cache_dir = common + "/patchgate/review";
  run.no_cache = no_cache;
  run.dry_run = dry_run;
  run.base_url_from_command_line = base_url_from_command_line;
  run.dry_run_out = &io.out;
  if (!output.quiet) run.log = [&io](const std::string& line) { io.err << line << '\n'; };
  review::run_review(change, shown, run, report);
  report.stages.push_back(review::review_stage(*report.review));

  if (report.review->status != "failed") return false;
  const std::string& error = report.review->error;
  if (output.fail_open || !config.review.required) {
    io.err << "patchgate: WARNING: the review failed and does not count ("
           << (output.fail_open ? "--fail-open" : "review.required is false") << "): " << error << '\n';
    return false;
  }
  io.err << "patchgate: review failed: " << error << '\n';
  return true;
}

}  // namespace

bool add_review_stage(const Config& config, const DiffOptions& diff, const std::string& patch_text,
                      const OutputOptions& output, bool no_cache, const std::string& start_dir, Report& report, Io& io) {
  std::vector<Finding> shown = report.findings;
  return review_into(config, diff, patch_text, output, no_cache, false, false, start_dir, shown, report, io);
}

Report build_review_report(const ReviewOptions& options, const std::string& start_dir, Io& io) {
  const std::string patch_text = read_patch_once(options.diff, io);
  CheckOptions check;
  check.diff = options.diff;
  check.output = options.output;
  std::istringstream check_in(patch_text);
  Report checked = build_check_report(check, start_dir, options.diff.patch == "-" ? check_in : io.in);

  auto repo = git::Repository::discover(start_dir);
  Config config = load_config(options.output.config, repo->workdir().empty() ? start_dir : repo->workdir());
  ReviewConfig& review = config.review;
  if (!options.provider.empty() && options.provider != review.provider) {
    // Another provider's base URL and key variable make no sense for this one.
    review.provider = options.provider;
    review.base_url.clear();
    review.api_key_env.clear();
  }
  if (!options.base_url.empty()) review.base_url = options.base_url;
  if (!options.model.empty()) review.model = options.model;
  if (!options.api_key_env.empty()) review.api_key_env = options.api_key_env;
  if (options.token_budget > 0) review.token_budget = options.token_budget;
  if (!options.timeout.empty()) {
    auto parsed = parse_duration(options.timeout);
    if (!parsed || parsed->count() == 0)
      throw UserError(kExitUsage, "--timeout " + options.timeout + ": not a duration", "use Go's form: 90s, 3m, 1m30s");
    review.timeout = *parsed;
  }

  Report report;
  report.change = checked.change;
  report.files = checked.files;
  report.skipped = checked.skipped;
  report.errors = checked.errors;
  report.ai_authored = checked.ai_authored;
  report.ai_reason = checked.ai_reason;
  report.fail_on = checked.fail_on;
  int analysed = 0;
  for (const auto& file : checked.files) analysed += file.analysed;
  report.stages.push_back({"check", "ran",
                           std::to_string(analysed) + " file(s) analysed, " + std::to_string(checked.findings.size()) +
                               " finding(s) shown to the model"});
  bool failed = review_into(config, options.diff, patch_text, options.output, options.no_cache, options.dry_run, !options.base_url.empty(),
                            start_dir, checked.findings, report, io);
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  report.verdict = decide(report);
  if (failed) report.verdict = Verdict::kError;
  return report;
}

int run_review(const ReviewOptions& options, Io& io) {
  Report report = build_review_report(options, std::filesystem::current_path().string(), io);
  if (options.dry_run) return kExitPass;  // the packet is the output
  int code = write_outputs(report, options.output, io);
  return apply_fail_open(code, options.output, io);
}

}  // namespace patchgate::cli
