#include "checks/go/DoubleLockCheck.h"

#include <set>
#include <tuple>

namespace patchgate::checks::go {

RuleInfo DoubleLockCheck::info() {
  RuleInfo info;
  info.id = "go-double-lock";
  info.language = "go";
  info.severity = Severity::kError;
  info.category = "lock-state";
  info.checklist = 3;
  info.options = {{"max_call_depth", 8, 1, 32, "how many levels of same-package calls to follow from a locked region"}};
  return info;
}

DoubleLockCheck::DoubleLockCheck(const RuleOptions& options) {
  analysis_options_.max_call_depth = options.get("max_call_depth", 8);
}

namespace {

Location location_of(const Site& site) {
  return Location{site.file, site.line, site.column, site.end_line, site.end_column};
}

// Why the second acquisition blocks, by lock mode.
std::string mechanism(bool held_shared, bool acquiring_shared) {
  if (held_shared && !acquiring_shared)
    return "Lock waits for every reader to leave, including this goroutine's own read lock, so it blocks forever "
           "(an RWMutex read lock cannot be upgraded)";
  if (!held_shared && acquiring_shared)
    return "RLock waits for the writer to leave, and the writer is this goroutine, so it blocks forever";
  return "sync.Mutex is not reentrant, so this blocks forever";
}

std::string verb(bool shared) { return shared ? "read-locked" : "locked"; }

}  // namespace

void DoubleLockCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const LockAnalysis& locks = context.locks(analysis_options_);
  std::set<std::tuple<std::string, int, int, const Function*>> seen;
  for (const auto& event : locks.events()) {
    const Acquisition& inner = event.acquisition;
    for (const auto& held : event.held) {
      if (held.lock.key() != inner.lock.key()) continue;
      if (held.shared && inner.shared) continue;  // RLock while read-locked: go-recursive-rlock's story
      if (!seen.emplace(inner.site.file, inner.site.line, inner.site.column, event.function).second) continue;

      Finding finding;
      finding.location = location_of(inner.site);
      finding.enclosing_function = inner.site.function;
      const std::string& lock = inner.site.text;
      const std::string caller = event.function->display_name;
      if (inner.calls.empty()) {
        finding.message = lock + " is " + verb(inner.shared) + " again while this function already holds it (" +
                          verb(held.shared) + " at line " + std::to_string(held.site.line) + "); " +
                          mechanism(held.shared, inner.shared);
        finding.fix = "unlock before locking again, or take the lock once for the whole region";
      } else {
        std::string chain = caller;
        for (const auto& call : inner.calls) chain += " -> " + call.text;
        finding.message = lock + " is " + verb(inner.shared) + " in " + inner.site.function +
                          " while its caller " + caller + " already holds it (" + chain + "); " +
                          mechanism(held.shared, inner.shared);
        finding.fix = "make " + inner.site.function + " expect the lock held (drop its Lock/Unlock and "
                      "document `REQUIRES: " + lock + " held`), or call it only after unlocking";
      }
      std::string first = "first " + verb(held.shared) + " here";
      if (!held.calls.empty()) first += " (in " + held.site.function + ")";
      if (held.site.function != event.function->display_name && held.calls.empty()) first += " in " + held.site.function;
      finding.related.push_back({location_of(held.calls.empty() ? held.site : held.calls.front()),
                                 held.calls.empty() ? first : first + ", through this call"});
      if (!held.calls.empty()) finding.related.push_back({location_of(held.site), "where the call takes the lock"});
      for (const auto& call : inner.calls)
        finding.related.push_back({location_of(call), call.function + " calls " + call.text +
                                                          " here with the lock held"});
      sink.report(std::move(finding), caller + "|" + inner.lock.key());
    }
  }
}

}  // namespace patchgate::checks::go
