#include "checks/go/DeferLockCheck.h"

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo DeferLockCheck::info() { return lock_rule_info("go-defer-lock", Severity::kError, false); }

DeferLockCheck::DeferLockCheck(const RuleOptions&) {}

void DeferLockCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& m : context.locks().misuses()) {
    const std::string& lock = m.lock.site.text;
    Finding finding;
    finding.location = location_of(m.site);
    finding.enclosing_function = m.function->display_name;
    if (m.kind == LockMisuse::Kind::kDeferLock) {
      std::string op = m.lock.shared ? "RLock" : "Lock";
      finding.message = "defer " + lock + "." + op + "() locks when the function returns instead of unlocking: " +
                        "the lock stays held and the next " + op + " blocks forever";
      finding.fix = std::string("write defer ") + lock + (m.lock.shared ? ".RUnlock()" : ".Unlock()");
    } else if (m.kind == LockMisuse::Kind::kDeferInLoop) {
      finding.message = "defer " + lock + ".Unlock() in a loop body runs when the function returns, not at the end "
                        "of the iteration: the next iteration's Lock blocks forever";
      finding.fix = "unlock at the end of the iteration, or move the body into a function (or closure) with its own defer";
    } else {
      continue;
    }
    sink.report(std::move(finding), m.function->display_name + "|" + m.lock.lock.key());
  }
}

}  // namespace patchgate::checks::go
