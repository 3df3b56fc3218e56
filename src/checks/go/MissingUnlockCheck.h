#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-missing-unlock: a return leaves held a lock that the function's other returns unlock.
class MissingUnlockCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit MissingUnlockCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

};

}  // namespace patchgate::checks::go
