#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-lock-requirement: a function that declares its caller must hold a lock (+checklocks,
// "REQUIRES: mu held", "caller must hold mu", the ...Locked suffix) called without it, or one
// that declares it must be called without a lock (+checklocksexclude) called with it held.
class LockRequirementCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LockRequirementCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;

 private:
  static void report_exclusion(const LockMisuse& m, FindingSink& sink);
};

}  // namespace patchgate::checks::go
