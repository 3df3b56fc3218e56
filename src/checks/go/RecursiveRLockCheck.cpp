#include "checks/go/RecursiveRLockCheck.h"

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo RecursiveRLockCheck::info() { return lock_rule_info("go-recursive-rlock", Severity::kError, true); }

RecursiveRLockCheck::RecursiveRLockCheck(const RuleOptions&) {}

void RecursiveRLockCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  auto read_after_read = [](const HeldLock& held, const Acquisition& inner) { return held.shared && inner.shared; };
  for_each_reacquisition(
      context.locks(), read_after_read, [&](const AcquireEvent& event, const HeldLock& held) {
        const Acquisition& inner = event.acquisition;
        const std::string& lock = inner.site.text;
        const std::string& caller = event.function->display_name;
        Finding finding;
        finding.location = location_of(inner.site);
        finding.enclosing_function = inner.site.function;
        std::string where = inner.calls.empty() ? "again while this function already holds its read lock (line " +
                                                      std::to_string(held.site.line) + ")"
                                                : "in " + inner.site.function + " while its caller " + caller +
                                                      " holds the read lock (" + call_chain(caller, inner.calls) + ")";
        finding.message =
            lock + " is read-locked " + where +
            "; if a writer calls Lock in between, this RLock waits behind the writer and the writer waits "
            "for the first read lock: deadlock";
        finding.fix = "take the read lock once: pass the state down, or split out a helper that expects the lock held";
        add_scope(finding, taken_at(held), inner.calls.empty() ? inner.site : inner.calls.front());
        add_held_related(finding, held, "first read-locked");
        add_call_related(finding, inner.calls, "with the read lock held");
        sink.report(std::move(finding), caller + "|" + inner.lock.key());
      });
}

}  // namespace patchgate::checks::go
