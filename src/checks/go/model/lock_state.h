#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "checks/go/model/package.h"

namespace patchgate::checks::go {

// A lock named relative to the function that touches it: the receiver, a parameter, a package
// variable or a local, followed by a field path. `tb.mu` in a method of *TokenBucket is
// {kReceiver, ".mu"}; binding at a call site maps a callee's names into the caller's.
struct LockRef {
  enum class Root { kReceiver, kParam, kGlobal, kLocal };
  Root root = Root::kLocal;
  int param = -1;     // kParam: index in the parameter list
  std::string name;   // kGlobal / kLocal: the variable ("pkg.Var" for another package's variable)
  std::string path;   // ".mu", ".inner.mu", ".Mutex" (embedded), "[i]"
  std::string key() const;
};

// A place in the source, with the function it is in and the text of the lock expression.
struct Site {
  std::string file;
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;
  std::string function;  // display name of the enclosing function
  std::string text;      // the lock expression as written ("tb.mu") or the callee called
};

struct Acquisition {
  LockRef lock;              // in the namespace of the function being walked
  bool shared = false;       // RLock
  Site site;                 // the Lock/RLock call itself (possibly inside a callee)
  std::vector<Site> calls;   // call sites from the walked function down to the acquiring one
};

using HeldLock = Acquisition;

// One acquisition seen while walking a function, with the locks held on every path to it.
struct AcquireEvent {
  const Function* function = nullptr;
  Acquisition acquisition;
  std::vector<HeldLock> held;
};

// What calling a function does to its caller's lock state.
struct FunctionSummary {
  std::vector<Acquisition> acquires;  // locks taken that the function had not taken or released itself
  std::vector<HeldLock> held_at_exit; // taken and still held on every normal return
  std::vector<LockRef> released;      // released without being taken first (the caller's locks)
  bool partial = false;
};

struct LockAnalysisOptions {
  int max_call_depth = 8;
  int max_steps_per_function = 100000;
  int max_nesting = 400;
};

// Walks every function body of a package once, following same-package calls through memoised
// summaries (depth-capped, cycle-safe). Goroutine bodies and escaping closures start with no
// locks held; immediately invoked closures run with the caller's state; deferred unlocks run
// at every exit in LIFO order.
class LockAnalysis {
 public:
  LockAnalysis(const Package& package, LockAnalysisOptions options);

  const std::vector<AcquireEvent>& events() const { return events_; }
  // Functions whose walk hit a budget and were analysed only in part.
  const std::vector<const Function*>& partial() const { return partial_; }

  // Used by the walker.
  const FunctionSummary& summary_of(const Function* fn, int depth);
  const Package& package() const { return package_; }
  const LockAnalysisOptions& options() const { return options_; }
  void add_event(AcquireEvent event) { events_by_function_[event.function].push_back(std::move(event)); }

 private:
  const Package& package_;
  LockAnalysisOptions options_;
  std::map<const Function*, FunctionSummary> summaries_;
  std::set<const Function*> in_progress_;
  std::map<const Function*, std::vector<AcquireEvent>> events_by_function_;
  std::vector<AcquireEvent> events_;  // flattened in package function order once all walks are done
  std::vector<const Function*> partial_;
};

}  // namespace patchgate::checks::go
