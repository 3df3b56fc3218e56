// The Go rule table: one line per rule, sorted by id (checked at start-up).
#include <memory>
#include <vector>

#include "checks/check.h"
#include "checks/go/DoubleLockCheck.h"

namespace patchgate::checks::go {

std::vector<RuleEntry> go_rules() {
  return {
      {DoubleLockCheck::info(), [](const RuleOptions& o) { return std::make_unique<DoubleLockCheck>(o); }},
  };
}

}  // namespace patchgate::checks::go
