#include "checks/go/lock_findings.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace patchgate::checks::go {

RuleInfo lock_rule_info(const char* id, Severity severity, bool follows_calls) {
  RuleInfo info;
  info.id = id;
  info.language = "go";
  info.severity = severity;
  info.category = "lock-state";
  info.checklist = 3;
  if (follows_calls)
    info.options = {{"max_call_depth", 8, 1, 32, "how many levels of same-package calls to follow from a locked region"}};
  return info;
}

Location location_of(const Site& site) {
  return Location{site.file, site.line, site.column, site.end_line, site.end_column};
}

std::string call_chain(const std::string& caller, const std::vector<Site>& calls) {
  std::string chain = caller;
  for (const auto& call : calls) chain += " -> " + call.text;
  return chain;
}

void add_call_related(Finding& finding, const std::vector<Site>& calls, const std::string& why) {
  for (const auto& call : calls)
    finding.related.push_back({location_of(call), call.function + " calls " + call.text + " here " + why});
}

void add_held_related(Finding& finding, const HeldLock& held, const std::string& verb) {
  if (held.calls.empty()) {
    finding.related.push_back({location_of(held.site), verb + " here"});
    return;
  }
  finding.related.push_back({location_of(held.calls.front()), verb + " here, through this call"});
  finding.related.push_back({location_of(held.site), "where the call takes the lock (in " + held.site.function + ")"});
}

std::string lock_verb(bool shared) { return shared ? "read-locked" : "locked"; }

void add_scope(Finding& finding, const Site& from, const Site& to) {
  if (from.file != to.file) return;
  Location region;
  region.file = from.file;
  region.line = std::min(from.line, to.line);
  region.end_line = std::max(from.line, to.line);
  region.column = 1;
  finding.scope.push_back(region);
}

const Site& taken_at(const HeldLock& held) { return held.calls.empty() ? held.site : held.calls.front(); }

void for_each_reacquisition(const LockAnalysis& locks,
                            const std::function<bool(const HeldLock& held, const Acquisition& inner)>& wanted,
                            const std::function<void(const AcquireEvent& event, const HeldLock& held)>& visit) {
  std::set<std::tuple<std::string, int, int, const Function*>> seen;
  for (const auto& event : locks.events()) {
    const Acquisition& inner = event.acquisition;
    for (const auto& held : event.held) {
      if (held.lock.key() != inner.lock.key() || !wanted(held, inner)) continue;
      if (!seen.emplace(inner.site.file, inner.site.line, inner.site.column, event.function).second) continue;
      visit(event, held);
    }
  }
}

}  // namespace patchgate::checks::go
