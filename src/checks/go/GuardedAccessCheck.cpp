#include "checks/go/GuardedAccessCheck.h"

#include <set>
#include <tuple>

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo GuardedAccessCheck::info() {
  RuleInfo info = lock_rule_info("go-guarded-access", Severity::kError, true);
  info.checklist = 2;
  return info;
}

GuardedAccessCheck::GuardedAccessCheck(const RuleOptions&) {}

void GuardedAccessCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  std::set<std::tuple<const Function*, std::string, bool>> seen;  // first access per function, field, kind
  for (const auto& m : context.locks().misuses()) {
    if (m.kind != LockMisuse::Kind::kGuardedAccess) continue;
    if (!seen.emplace(m.function, m.site.text, m.write).second) continue;
    const Site& declared = m.other.front();
    const std::string& guard = m.lock.site.text;
    Finding finding;
    finding.location = location_of(m.site);
    finding.enclosing_function = m.function->display_name;
    std::string how = m.write ? "written" : "read";
    finding.message = m.lock.shared
                          ? m.site.text + " is written while " + guard + " is only read-locked (" + declared.file + ":" +
                                std::to_string(declared.line) + " says " + guard + " guards it): readers race with this write"
                          : m.site.text + " is " + how + " without holding " + guard + ", which guards it (" +
                                declared.file + ":" + std::to_string(declared.line) + "): this races with goroutines that hold it";
    finding.fix = m.lock.shared ? "take the write lock for the update"
                                : "lock " + guard + " around the access, or declare the function's requirement "
                                  "(`// REQUIRES: " + guard + " held`) if its callers hold it";
    finding.related.push_back({location_of(declared), "declared guarded by " + declared.text + " here"});
    sink.report(std::move(finding), m.function->display_name + "|" + m.site.text + (m.write ? "|w" : "|r"));
  }
}

}  // namespace patchgate::checks::go
