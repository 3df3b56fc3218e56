#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-guarded-access: a field declared guarded by a lock (`// +checklocks:mu`, `// guarded by
// mu`) read or written without that lock held.
class GuardedAccessCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit GuardedAccessCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
