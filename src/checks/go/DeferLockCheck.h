#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-defer-lock: `defer mu.Lock()` where Unlock was meant, and `defer mu.Unlock()` in a loop body.
class DeferLockCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit DeferLockCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
