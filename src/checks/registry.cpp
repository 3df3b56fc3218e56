#include "checks/registry.h"

#include <stdexcept>

#include "core/errors.h"

namespace patchgate::checks {

namespace go {
std::vector<RuleEntry> go_rules();  // checks/go/go_module.cpp
}

const std::vector<RuleEntry>& all_rules() {
  static const std::vector<RuleEntry> rules = [] {
    std::vector<RuleEntry> out = go::go_rules();
    for (size_t i = 1; i < out.size(); ++i) {
      if (out[i - 1].info.id == out[i].info.id) throw std::logic_error("rule registered twice: " + out[i].info.id);
      if (out[i - 1].info.id > out[i].info.id) throw std::logic_error("rule table not sorted at: " + out[i].info.id);
    }
    return out;
  }();
  return rules;
}

const RuleEntry* find_rule(const std::string& id) {
  for (const auto& rule : all_rules())
    if (rule.info.id == id) return &rule;
  return nullptr;
}

void validate_rule_config(const Config& config) {
  const std::string where = config.path.empty() ? std::string("config") : config.path;
  for (const auto& [id, rule_config] : config.rules) {
    const RuleEntry* rule = find_rule(id);
    if (!rule)
      throw UserError(kExitUsage, where + ": rules." + id + ": unknown rule",
                      "`patchgate rules` lists the rule ids");
    for (const auto& [name, value] : rule_config.options.items()) {
      const OptionSpec* spec = nullptr;
      for (const auto& option : rule->info.options)
        if (option.name == name) spec = &option;
      if (!spec)
        throw UserError(kExitUsage, where + ": rules." + id + ".options." + name + ": unknown option",
                        "`patchgate explain " + id + "` lists its options");
      if (!value.is_number_integer() || value.get<long long>() < spec->min || value.get<long long>() > spec->max)
        throw UserError(kExitUsage,
                        where + ": rules." + id + ".options." + name + ": expected a whole number from " +
                            std::to_string(spec->min) + " to " + std::to_string(spec->max),
                        "");
    }
  }
}

}  // namespace patchgate::checks
