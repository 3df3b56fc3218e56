#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-lock-copy: a struct holding a sync.Mutex, RWMutex, WaitGroup, Once or Cond copied by a
// value receiver, a by-value parameter, or a dereferencing assignment.
class LockCopyCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LockCopyCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

}  // namespace patchgate::checks::go
