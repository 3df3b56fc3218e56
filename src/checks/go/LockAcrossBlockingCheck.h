#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-lock-across-blocking: a lock held across an operation that may block for long (channel
// operations, sleeps, network, disk, database, exec, a same-package call that may block).
class LockAcrossBlockingCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LockAcrossBlockingCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
