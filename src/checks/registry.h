#pragma once

#include <string>
#include <vector>

#include "checks/check.h"
#include "core/config.h"

namespace patchgate::checks {

// Every rule, sorted by id. Built from one explicit table per language; a duplicate or unsorted
// id is a programming error caught on first use.
const std::vector<RuleEntry>& all_rules();
const RuleEntry* find_rule(const std::string& id);

// Throws UserError(kExitUsage) naming the key when the config names an unknown rule or option,
// or an option value out of range.
void validate_rule_config(const Config& config);

}  // namespace patchgate::checks
