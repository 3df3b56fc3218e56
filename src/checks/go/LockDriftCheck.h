#pragma once

#include "checks/check.h"

namespace patchgate::checks::go {

// go-lock-drift: a changed function whose lock behaviour (which locks it takes, what it holds
// while taking others or while blocking) differs between the old and the new revision. A note
// by default; an error when the commit message or the change's own comments say it is a
// refactor or changes no behaviour, which is the claim the seed's deadlock shipped under.
class LockDriftCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LockDriftCheck(const RuleOptions& options);
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

}  // namespace patchgate::checks::go
