// The Go rule table: one line per rule, sorted by id (checked at start-up).
#include <memory>
#include <vector>

#include "checks/check.h"
#include "checks/go/CallbackUnderLockCheck.h"
#include "checks/go/DeferLockCheck.h"
#include "checks/go/DoubleLockCheck.h"
#include "checks/go/GuardedAccessCheck.h"
#include "checks/go/LockAcrossBlockingCheck.h"
#include "checks/go/LockCopyCheck.h"
#include "checks/go/LockDriftCheck.h"
#include "checks/go/LockOrderCheck.h"
#include "checks/go/LockRequirementCheck.h"
#include "checks/go/MissingUnlockCheck.h"
#include "checks/go/RecursiveRLockCheck.h"
#include "checks/go/UndocumentedLockStateCheck.h"
#include "checks/go/UnlockNotHeldCheck.h"
#include "checks/go/lifecycle_checks.h"

namespace patchgate::checks::go {

std::vector<RuleEntry> go_rules() {
  return {
      {BackgroundInScopeCheck::info(), [](const RuleOptions& o) { return std::make_unique<BackgroundInScopeCheck>(o); }},
      {CallWithoutContextCheck::info(), [](const RuleOptions& o) { return std::make_unique<CallWithoutContextCheck>(o); }},
      {CallbackUnderLockCheck::info(), [](const RuleOptions& o) { return std::make_unique<CallbackUnderLockCheck>(o); }},
      {ChannelCloseOwnershipCheck::info(), [](const RuleOptions& o) { return std::make_unique<ChannelCloseOwnershipCheck>(o); }},
      {CondWaitNoLoopCheck::info(), [](const RuleOptions& o) { return std::make_unique<CondWaitNoLoopCheck>(o); }},
      {ContextInStructCheck::info(), [](const RuleOptions& o) { return std::make_unique<ContextInStructCheck>(o); }},
      {DeferLockCheck::info(), [](const RuleOptions& o) { return std::make_unique<DeferLockCheck>(o); }},
      {DiscardedConcurrentErrorCheck::info(), [](const RuleOptions& o) { return std::make_unique<DiscardedConcurrentErrorCheck>(o); }},
      {DoubleLockCheck::info(), [](const RuleOptions& o) { return std::make_unique<DoubleLockCheck>(o); }},
      {FatalInGoroutineCheck::info(), [](const RuleOptions& o) { return std::make_unique<FatalInGoroutineCheck>(o); }},
      {GoroutineNoStopCheck::info(), [](const RuleOptions& o) { return std::make_unique<GoroutineNoStopCheck>(o); }},
      {GoroutineSendLeakCheck::info(), [](const RuleOptions& o) { return std::make_unique<GoroutineSendLeakCheck>(o); }},
      {GuardedAccessCheck::info(), [](const RuleOptions& o) { return std::make_unique<GuardedAccessCheck>(o); }},
      {LockAcrossBlockingCheck::info(), [](const RuleOptions& o) { return std::make_unique<LockAcrossBlockingCheck>(o); }},
      {LockCopyCheck::info(), [](const RuleOptions& o) { return std::make_unique<LockCopyCheck>(o); }},
      {LockDriftCheck::info(), [](const RuleOptions& o) { return std::make_unique<LockDriftCheck>(o); }},
      {LockOrderCheck::info(), [](const RuleOptions& o) { return std::make_unique<LockOrderCheck>(o); }},
      {LockRequirementCheck::info(), [](const RuleOptions& o) { return std::make_unique<LockRequirementCheck>(o); }},
      {LoopIgnoresContextCheck::info(), [](const RuleOptions& o) { return std::make_unique<LoopIgnoresContextCheck>(o); }},
      {LostCancelCheck::info(), [](const RuleOptions& o) { return std::make_unique<LostCancelCheck>(o); }},
      {MissingUnlockCheck::info(), [](const RuleOptions& o) { return std::make_unique<MissingUnlockCheck>(o); }},
      {NewSyncPrimitiveCheck::info(), [](const RuleOptions& o) { return std::make_unique<NewSyncPrimitiveCheck>(o); }},
      {RacySharedWriteCheck::info(), [](const RuleOptions& o) { return std::make_unique<RacySharedWriteCheck>(o); }},
      {RecursiveRLockCheck::info(), [](const RuleOptions& o) { return std::make_unique<RecursiveRLockCheck>(o); }},
      {SelectDefaultCheck::info(), [](const RuleOptions& o) { return std::make_unique<SelectDefaultCheck>(o); }},
      {UnboundedGoroutinesCheck::info(), [](const RuleOptions& o) { return std::make_unique<UnboundedGoroutinesCheck>(o); }},
      {UndocumentedLockStateCheck::info(), [](const RuleOptions& o) { return std::make_unique<UndocumentedLockStateCheck>(o); }},
      {UnlockNotHeldCheck::info(), [](const RuleOptions& o) { return std::make_unique<UnlockNotHeldCheck>(o); }},
      {WaitGroupMisuseCheck::info(), [](const RuleOptions& o) { return std::make_unique<WaitGroupMisuseCheck>(o); }},
  };
}

}  // namespace patchgate::checks::go
