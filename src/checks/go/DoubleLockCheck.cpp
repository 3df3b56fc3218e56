#include "checks/go/DoubleLockCheck.h"

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo DoubleLockCheck::info() { return lock_rule_info("go-double-lock", Severity::kError, true); }

DoubleLockCheck::DoubleLockCheck(const RuleOptions&) {}

namespace {

// Why the second acquisition blocks, by lock mode.
std::string mechanism(bool held_shared, bool acquiring_shared) {
  if (held_shared && !acquiring_shared)
    return "Lock waits for every reader to leave, including this goroutine's own read lock, so it blocks forever "
           "(an RWMutex read lock cannot be upgraded)";
  if (!held_shared && acquiring_shared)
    return "RLock waits for the writer to leave, and the writer is this goroutine, so it blocks forever";
  return "sync.Mutex is not reentrant, so this blocks forever";
}

}  // namespace

void DoubleLockCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  // RLock while read-locked is go-recursive-rlock's story.
  auto conflicting = [](const HeldLock& held, const Acquisition& inner) { return !(held.shared && inner.shared); };
  for_each_reacquisition(
      context.locks(), conflicting, [&](const AcquireEvent& event, const HeldLock& held) {
        const Acquisition& inner = event.acquisition;
        Finding finding;
        finding.location = location_of(inner.site);
        finding.enclosing_function = inner.site.function;
        const std::string& lock = inner.site.text;
        const std::string caller = event.function->display_name;
        if (held.from_caller && inner.calls.empty()) {
          finding.message = lock + " is " + lock_verb(inner.shared) + " in " + caller +
                            ", whose documentation says its caller already holds it (line " +
                            std::to_string(held.site.line) + "); " + mechanism(held.shared, inner.shared);
          finding.fix = "drop the Lock/Unlock here, or correct the documented lock state";
        } else if (inner.calls.empty()) {
          finding.message = lock + " is " + lock_verb(inner.shared) + " again while this function already holds it (" +
                            lock_verb(held.shared) + " at line " + std::to_string(held.site.line) + "); " +
                            mechanism(held.shared, inner.shared);
          finding.fix = "unlock before locking again, or take the lock once for the whole region";
        } else {
          std::string chain = call_chain(caller, inner.calls);
          finding.message = lock + " is " + lock_verb(inner.shared) + " in " + inner.site.function +
                            " while its caller " + caller + " already holds it (" + chain + "); " +
                            mechanism(held.shared, inner.shared);
          finding.fix = "make " + inner.site.function + " expect the lock held (drop its Lock/Unlock and document `REQUIRES: " +
                        lock + " held`), or call it only after unlocking";
        }
        add_scope(finding, taken_at(held), inner.calls.empty() ? inner.site : inner.calls.front());
        add_held_related(finding, held, "first " + lock_verb(held.shared));
        add_call_related(finding, inner.calls, "with the lock held");
        sink.report(std::move(finding), caller + "|" + inner.lock.key());
      });
}

}  // namespace patchgate::checks::go
