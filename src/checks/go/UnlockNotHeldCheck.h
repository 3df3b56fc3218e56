#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-unlock-not-held: an Unlock of a lock this path already unlocked (a fatal error at run
// time), and Lock released with RUnlock or RLock with Unlock.
class UnlockNotHeldCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit UnlockNotHeldCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
