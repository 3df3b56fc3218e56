#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-lock-order: lock A held while taking B in one place and B held while taking A in another
// (package-wide): two goroutines running both deadlock.
class LockOrderCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LockOrderCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
