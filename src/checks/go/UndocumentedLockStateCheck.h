#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-undocumented-lock-state: a helper touches fields that the rest of the package touches only
// while holding one lock, yet neither takes that lock nor declares that its caller must hold it.
class UndocumentedLockStateCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit UndocumentedLockStateCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
