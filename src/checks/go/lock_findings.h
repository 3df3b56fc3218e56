#pragma once

#include <functional>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/go/model/lock_state.h"
#include "core/finding.h"

namespace patchgate::checks::go {

// What every lock-state rule declares: checklist item 3, category lock-state, and (for rules
// that follow calls) the max_call_depth option, which sizes the package's shared lock walk.
RuleInfo lock_rule_info(const char* id, Severity severity, bool follows_calls);

// Helpers the lock-state rules share to turn walker sites into findings.
Location location_of(const Site& site);
// "Caller -> helper -> inner" for a call path starting at caller.
std::string call_chain(const std::string& caller, const std::vector<Site>& calls);
// One related location per call on the path: "A calls B here with m.mu held".
void add_call_related(Finding& finding, const std::vector<Site>& calls, const std::string& why);
// Where a held lock was taken: the Lock itself, or the call that took it and the Lock inside.
void add_held_related(Finding& finding, const HeldLock& held, const std::string& verb);
std::string lock_verb(bool shared);
// Adds the lines from `from` to `to` (same file) to the finding's scope.
void add_scope(Finding& finding, const Site& from, const Site& to);
// Where a held lock was taken in the walked function: the Lock, or the call that took it.
const Site& taken_at(const HeldLock& held);  // "locked" / "read-locked"

// Calls visit once per (inner acquisition site, walked function) where the acquisition takes a
// lock already held on every path to it and `wanted(held, inner)` agrees.
void for_each_reacquisition(const LockAnalysis& locks,
                            const std::function<bool(const HeldLock& held, const Acquisition& inner)>& wanted,
                            const std::function<void(const AcquireEvent& event, const HeldLock& held)>& visit);

}  // namespace patchgate::checks::go
