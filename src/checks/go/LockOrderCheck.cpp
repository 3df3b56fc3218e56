#include "checks/go/LockOrderCheck.h"

#include <map>

#include "checks/go/lock_findings.h"

namespace patchgate::checks::go {

RuleInfo LockOrderCheck::info() { return lock_rule_info("go-lock-order", Severity::kError, true); }

LockOrderCheck::LockOrderCheck(const RuleOptions&) {}

namespace {

// One place where `second` is taken while `first` is held.
struct OrderSite {
  const AcquireEvent* event;
  const HeldLock* held;
};

Finding view_of(const OrderSite& here, const OrderSite& there) {
  const Acquisition& taken = here.event->acquisition;
  const std::string& first = here.held->lock_class;
  const std::string& second = taken.lock_class;
  Finding finding;
  finding.location = location_of(taken.site);
  finding.enclosing_function = taken.site.function;
  const Site& other = there.event->acquisition.site;
  finding.message = "lock order inversion: " + second + " is locked while " + first + " is held (in " +
                    here.event->function->display_name + "), but " + there.event->function->display_name + " locks " +
                    first + " while holding " + second + " (" + other.file + ":" + std::to_string(other.line) +
                    "); two goroutines taking them in opposite orders deadlock, each holding the lock the other waits for";
  finding.fix = "choose one order for " + first + " and " + second +
                " and take them in that order everywhere, or release one before taking the other";
  add_scope(finding, taken_at(*here.held), taken.calls.empty() ? taken.site : taken.calls.front());
  add_scope(finding, taken_at(*there.held), there.event->acquisition.calls.empty() ? other : there.event->acquisition.calls.front());
  add_held_related(finding, *here.held, first + " " + lock_verb(here.held->shared));
  add_call_related(finding, taken.calls, "with " + first + " held");
  finding.related.push_back({location_of(other), second + " is held here and " + first + " taken, in the opposite order"});
  add_held_related(finding, *there.held, "where " + there.held->lock_class + " was taken first (in " +
                                             there.event->function->display_name + ")");
  return finding;
}

}  // namespace

void LockOrderCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  // The first place (in package order) each ordered pair of lock classes occurs.
  std::map<std::pair<std::string, std::string>, OrderSite> first_site;
  for (const auto& event : context.locks().events()) {
    const std::string& second = event.acquisition.lock_class;
    if (second.empty()) continue;
    for (const auto& held : event.held) {
      // Two instances of one class (a.mu then b.mu) need an order between instances; not judged here.
      if (held.lock_class.empty() || held.lock_class == second) continue;
      first_site.emplace(std::make_pair(held.lock_class, second), OrderSite{&event, &held});
    }
  }
  for (const auto& [pair, site] : first_site) {
    if (pair.first > pair.second) continue;  // each unordered pair once
    auto inverse = first_site.find({pair.second, pair.first});
    if (inverse == first_site.end()) continue;
    sink.report_one_of({view_of(site, inverse->second), view_of(inverse->second, site)}, pair.first + "|" + pair.second);
  }
}

}  // namespace patchgate::checks::go
