#include "checks/go/UnlockNotHeldCheck.h"

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo UnlockNotHeldCheck::info() { return lock_rule_info("go-unlock-not-held", Severity::kError, false); }

UnlockNotHeldCheck::UnlockNotHeldCheck(const RuleOptions&) {}

void UnlockNotHeldCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& m : context.locks().misuses()) {
    const std::string& lock = m.lock.site.text;
    Finding finding;
    finding.enclosing_function = m.function->display_name;
    if (m.kind == LockMisuse::Kind::kDoubleUnlock) {
      finding.location = location_of(m.site);
      const Site& second = m.other.front();
      bool deferred = second.text == "defer";
      finding.message = deferred ? lock + " is unlocked here and again by the deferred unlock at line " +
                                       std::to_string(second.line) +
                                       " when the function returns: unlocking an unlocked mutex is a fatal error"
                                 : lock + " is unlocked again, already unlocked at line " + std::to_string(second.line) +
                                       " on this path: unlocking an unlocked mutex is a fatal error";
      finding.fix = deferred ? "drop the explicit unlock (the defer does it), or drop the defer and unlock on every path"
                             : "remove one of the unlocks";
      add_scope(finding, second, m.site);
      finding.related.push_back({location_of(second), deferred ? "the deferred unlock" : "first unlocked here"});
    } else if (m.kind == LockMisuse::Kind::kModeMismatch) {
      finding.location = location_of(m.site);
      bool read_held = m.lock.shared;
      finding.message = read_held ? lock + " is read-locked but released with Unlock: use RUnlock (Unlock of a read "
                                           "lock is a fatal error)"
                                  : lock + " is locked but released with RUnlock: use Unlock (RUnlock without a read "
                                           "lock is a fatal error)";
      finding.fix = read_held ? "pair RLock with RUnlock" : "pair Lock with Unlock";
      finding.related.push_back({location_of(m.lock.site), std::string(read_held ? "read-locked" : "locked") + " here"});
    } else if (m.kind == LockMisuse::Kind::kMaybeUnlocked) {
      finding.location = location_of(m.site);
      finding.message = m.site.text + " is unlocked on every path, but only some paths locked it (at line " +
                        std::to_string(m.lock.site.line) + "): on the others this unlocks an unlocked mutex, a fatal "
                        "error";
      finding.fix = "unlock under the same condition that locked, or lock on every path";
      add_scope(finding, m.lock.site, m.site);
      finding.related.push_back({location_of(m.lock.site), std::string(m.lock.shared ? "read-locked" : "locked") +
                                                               " here, on some paths only"});
    } else {
      continue;
    }
    sink.report(std::move(finding), m.function->display_name + "|" + m.lock.lock.key());
  }
}

}  // namespace patchgate::checks::go
