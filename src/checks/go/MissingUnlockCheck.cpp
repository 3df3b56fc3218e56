#include "checks/go/MissingUnlockCheck.h"

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo MissingUnlockCheck::info() { return lock_rule_info("go-missing-unlock", Severity::kError, false); }

MissingUnlockCheck::MissingUnlockCheck(const RuleOptions&) {}

void MissingUnlockCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& m : context.locks().misuses()) {
    if (m.kind != LockMisuse::Kind::kMissingUnlock) continue;
    const std::string& lock = m.lock.site.text;
    Finding finding;
    finding.location = location_of(m.site);
    finding.enclosing_function = m.function->display_name;
    bool panics = m.site.text == "panic";
    std::string next = m.lock.shared ? "Lock" : "Lock or RLock";
    finding.message =
        panics ? "this panic unwinds with " + lock + " still " + lock_verb(m.lock.shared) + " (taken at line " +
                     std::to_string(m.lock.site.line) + "), while the function's returns unlock it: if anything recovers "
                     "the panic (net/http recovers every handler's), the next " + next + " blocks forever"
               : "this path returns with " + lock + " still " + lock_verb(m.lock.shared) + " (taken at line " +
                     std::to_string(m.lock.site.line) + "), while the function's other returns unlock it: the next " +
                     next + " blocks forever";
    finding.fix = panics ? "unlock before panicking, or use defer right after taking the lock"
                         : "unlock before this return, or use defer right after taking the lock";
    add_scope(finding, m.lock.site, m.site);
    finding.related.push_back({location_of(m.lock.site), lock_verb(m.lock.shared) + " here"});
    finding.related.push_back({location_of(m.other.front()), "this return unlocks it"});
    sink.report(std::move(finding), m.lock.lock.key());
  }
}

}  // namespace patchgate::checks::go
