#include "checks/go/LockAcrossBlockingCheck.h"

#include <set>

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo LockAcrossBlockingCheck::info() { return lock_rule_info("go-lock-across-blocking", Severity::kWarning, true); }

LockAcrossBlockingCheck::LockAcrossBlockingCheck(const RuleOptions&) {}

void LockAcrossBlockingCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  std::set<std::pair<const Function*, std::string>> reported;  // one finding per function and lock
  for (const auto& event : context.locks().block_events()) {
    const BlockingOp& op = event.op;
    for (const auto& held : event.held) {
      if (held.from_caller) continue;  // the caller holds it; reported at the caller's call
      if (!reported.emplace(event.function, held.lock.key()).second) continue;
      const std::string& lock = held.site.text;
      const Site& here = op.calls.empty() ? op.site : op.calls.front();
      std::string what = op.calls.empty() ? op.what
                                          : "the call to " + op.calls.front().text + ", which may block (" + op.what +
                                                " at " + op.site.file + ":" + std::to_string(op.site.line) + ")";
      Finding finding;
      finding.location = location_of(here);
      finding.enclosing_function = event.function->display_name;
      if (held.shared) {
        finding.message = lock + " is read-locked across " + what +
                          ": while it waits, a writer queued in Lock makes every new RLock wait too, so all readers "
                          "stall until it finishes";
        finding.fix = "copy what the slow work needs under the read lock, unlock, then do the work";
      } else {
        finding.message = lock + " is held across " + what + ": every goroutine that needs " + lock +
                          " waits as long as this does";
        finding.fix = "unlock before the blocking operation, or move it outside the critical section";
      }
      add_scope(finding, taken_at(held), here);
      add_held_related(finding, held, lock_verb(held.shared));
      add_call_related(finding, op.calls, "with " + lock + " held");
      if (!op.calls.empty()) finding.related.push_back({location_of(op.site), "may block here: " + op.what});
      sink.report(std::move(finding), held.lock.key() + "|" + op.what);
    }
  }
}

}  // namespace patchgate::checks::go
