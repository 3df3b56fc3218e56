#include "checks/go/LockRequirementCheck.h"

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo LockRequirementCheck::info() {
  RuleInfo info = lock_rule_info("go-lock-requirement", Severity::kError, true);
  info.checklist = 2;  // helpers called in the right lock state
  return info;
}

LockRequirementCheck::LockRequirementCheck(const RuleOptions&) {}

void LockRequirementCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& m : context.locks().misuses()) {
    if (m.kind == LockMisuse::Kind::kExcludedHeld) {
      report_exclusion(m, sink);
      continue;
    }
    if (m.kind != LockMisuse::Kind::kRequirementUnmet) continue;
    const Site& declared = m.other.front();
    const std::string& callee = m.site.text;
    Finding finding;
    finding.location = location_of(m.site);
    finding.enclosing_function = m.function->display_name;
    bool suffix = declared.text.size() > 7 && declared.text.compare(declared.text.size() - 7, 7, "'s lock") == 0;
    finding.message = suffix ? callee + " expects its receiver's lock held (its name ends in Locked), but " +
                                   m.function->display_name + " calls it without holding it: its reads and writes race"
                             : callee + " requires " + declared.text + " held (" + declared.file + ":" +
                                   std::to_string(declared.line) + "), but " + m.function->display_name +
                                   " calls it without holding it: its reads and writes race";
    finding.fix = "take the lock around the call, or call the locking variant of " + callee;
    finding.related.push_back({location_of(declared), "the lock requirement is declared here"});
    sink.report(std::move(finding), m.function->display_name + "|" + callee + "|" + m.lock.lock.key());
  }
}

void LockRequirementCheck::report_exclusion(const LockMisuse& m, FindingSink& sink) {
  const Site& declared = m.other.front();
  const std::string& callee = m.site.text;
  Finding finding;
  finding.location = location_of(m.site);
  finding.enclosing_function = m.function->display_name;
  finding.message = callee + " must be called without " + declared.text + " held (+checklocksexclude, " +
                    declared.file + ":" + std::to_string(declared.line) + "), but " + m.function->display_name +
                    " holds " + m.lock.site.text + " here: if it takes the lock itself, this deadlocks";
  finding.fix = "release the lock before the call, or call a variant that expects it held";
  finding.related.push_back({location_of(m.lock.site), "the lock is taken here"});
  finding.related.push_back({location_of(declared), "the exclusion is declared here"});
  sink.report(std::move(finding), m.function->display_name + "|" + callee + "|exclude|" + m.lock.lock.key());
}

}  // namespace patchgate::checks::go
