#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-recursive-rlock: RLock while the same goroutine already holds the read lock; deadlocks as
// soon as a writer queues between the two.
class RecursiveRLockCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit RecursiveRLockCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
