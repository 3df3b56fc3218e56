#include "checks/go/CallbackUnderLockCheck.h"

#include <set>

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo CallbackUnderLockCheck::info() { return lock_rule_info("go-callback-under-lock", Severity::kNote, true); }

CallbackUnderLockCheck::CallbackUnderLockCheck(const RuleOptions&) {}

void CallbackUnderLockCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  std::set<std::pair<const Function*, std::string>> seen;
  for (const auto& m : context.locks().misuses()) {
    if (m.kind != LockMisuse::Kind::kCallbackUnderLock || !seen.emplace(m.function, m.site.text).second) continue;
    const std::string& lock = m.lock.site.text;
    Finding finding;
    finding.location = location_of(m.site);
    finding.enclosing_function = m.function->display_name;
    finding.message = "calling " + m.site.text + " while holding " + lock +
                      ": code this function does not control runs inside the critical section, and deadlocks if it "
                      "calls back into something that takes " + lock;
    finding.fix = "copy what the callback needs, unlock, then call it";
    add_scope(finding, taken_at(m.lock), m.site);
    add_held_related(finding, m.lock, lock_verb(m.lock.shared));
    sink.report(std::move(finding), m.function->display_name + "|" + m.site.text);
  }
}

}  // namespace patchgate::checks::go
