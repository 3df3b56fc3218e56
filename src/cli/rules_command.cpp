#include "cli/rules_command.h"

#include <iomanip>

#include <nlohmann/json.hpp>

#include "checks/registry.h"
#include "checks/rule_docs.h"
#include "core/errors.h"

namespace patchgate::cli {

void setup_rules(CLI::App& app, RulesOptions& options) {
  app.add_flag("--json", options.json, "Print the catalogue as JSON");
  app.footer("`patchgate explain RULE` shows one rule's page: why it matters, bad and good code, options.");
}

int run_rules(const RulesOptions& options, Io& io) {
  const auto& rules = checks::all_rules();
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& rule : rules)
      out.push_back({{"id", rule.info.id},
                     {"language", rule.info.language},
                     {"severity", to_string(rule.info.severity)},
                     {"category", rule.info.category},
                     {"checklist", rule.info.checklist},
                     {"summary", checks::rule_summary(rule.info.id)}});
    io.out << out.dump(2) << '\n';
    return kExitPass;
  }
  size_t width = 0;
  for (const auto& rule : rules) width = std::max(width, rule.info.id.size());
  for (const auto& rule : rules) {
    io.out << std::left << std::setw(static_cast<int>(width + 2)) << rule.info.id << std::setw(9)
           << to_string(rule.info.severity) << std::setw(13) << rule.info.category << "item "
           << rule.info.checklist << "  " << checks::rule_summary(rule.info.id) << '\n';
  }
  return kExitPass;
}

void setup_explain(CLI::App& app, ExplainOptions& options) {
  app.add_option("rule", options.rule, "A rule id from `patchgate rules`")->required();
}

int run_explain(const ExplainOptions& options, Io& io) {
  const checks::RuleEntry* rule = checks::find_rule(options.rule);
  auto doc = checks::rule_doc(options.rule);
  if (!rule || !doc)
    throw UserError(kExitUsage, "unknown rule '" + options.rule + "'", "`patchgate rules` lists the rule ids");
  io.out << *doc;
  if (!doc->empty() && doc->back() != '\n') io.out << '\n';
  io.out << "\n---\nid: " << rule->info.id << "\nseverity: " << to_string(rule->info.severity)
         << "\ncategory: " << rule->info.category << "\nchecklist item: " << rule->info.checklist << '\n';
  for (const auto& option : rule->info.options)
    io.out << "option " << option.name << " (default " << option.default_value << ", " << option.min << ".."
           << option.max << "): " << option.description << '\n';
  return kExitPass;
}

}  // namespace patchgate::cli
