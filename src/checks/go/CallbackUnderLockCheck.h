#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-callback-under-lock: a function value, func-typed field or interface method called while
// holding a lock (a note: the callee is code this function does not control).
class CallbackUnderLockCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit CallbackUnderLockCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
