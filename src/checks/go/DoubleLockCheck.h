#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-double-lock: a lock acquired while the same lock is already held, in one function or
// through same-package helpers (the "extract helper, no functional change" deadlock).
class DoubleLockCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit DoubleLockCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
