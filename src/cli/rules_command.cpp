#include "cli/rules_command.h"

#include <iomanip>

#include <nlohmann/json.hpp>

#include "checks/registry.h"
#include "checks/rule_docs.h"
#include "core/errors.h"
#include "runners/race_runner.h"

namespace patchgate::cli {

void setup_rules(CLI::App& app, RulesOptions& options) {
  app.add_flag("--json", options.json, "Print the catalogue as JSON");
  app.footer("`patchgate explain RULE` shows one rule's page: why it matters, bad and good code, options.");
}

int run_rules(const RulesOptions& options, Io& io) {
  // The static rules, then those whose findings come from running the tests (`patchgate race`).
  std::vector<checks::RuleEntry> rules = checks::all_rules();
  for (const auto& info : runners::runtime_rules()) rules.push_back({info, nullptr});
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& rule : rules)
      out.push_back({{"id", rule.info.id},
                     {"language", rule.info.language},
                     {"severity", to_string(rule.info.severity)},
                     {"category", rule.info.category},
                     {"checklist", rule.info.checklist},
                     {"summary", checks::rule_summary(rule.info.id)},
                     {"command", rule.make ? "check" : "race"}});
    io.out << out.dump(2) << '\n';
    return kExitPass;
  }
  size_t width = 0;
  for (const auto& rule : rules) width = std::max(width, rule.info.id.size());
  for (const auto& rule : rules) {
    io.out << std::left << std::setw(static_cast<int>(width + 2)) << rule.info.id << std::setw(9)
           << to_string(rule.info.severity) << std::setw(15) << rule.info.category << "item "
           << rule.info.checklist << "  " << checks::rule_summary(rule.info.id) << '\n';
  }
  return kExitPass;
}

void setup_explain(CLI::App& app, ExplainOptions& options) {
  app.add_option("rule", options.rule, "A rule id from `patchgate rules`")->required();
}

int run_explain(const ExplainOptions& options, Io& io) {
  const checks::RuleEntry* rule = checks::find_rule(options.rule);
  const checks::RuleInfo* info = rule ? &rule->info : nullptr;
  for (const auto& runtime : runners::runtime_rules())
    if (runtime.id == options.rule) info = &runtime;
  auto doc = checks::rule_doc(options.rule);
  if (!info || !doc)
    throw UserError(kExitUsage, "unknown rule '" + options.rule + "'", "`patchgate rules` lists the rule ids");
  io.out << *doc;
  if (!doc->empty() && doc->back() != '\n') io.out << '\n';
  io.out << "\n---\nid: " << info->id << "\nseverity: " << to_string(info->severity)
         << "\ncategory: " << info->category << "\nchecklist item: " << info->checklist << '\n';
  for (const auto& option : info->options)
    io.out << "option " << option.name << " (default " << option.default_value << ", " << option.min << ".."
           << option.max << "): " << option.description << '\n';
  return kExitPass;
}

}  // namespace patchgate::cli
