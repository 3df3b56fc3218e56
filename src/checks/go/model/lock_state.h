#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
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
  std::string lock_class;    // package-wide name of the mutex field ("Store.mu", "var regMu"), "" for locals
  std::string type_class;    // lock_class without the owner's field ("Conn.in.Mutex" -> "halfConn.Mutex")
  bool shared = false;       // RLock
  Site site;                 // the Lock/RLock call itself (possibly inside a callee)
  std::vector<Site> calls;   // call sites from the walked function down to the acquiring one
  bool from_caller = false;  // held on entry because the function says its caller holds it
};

using HeldLock = Acquisition;

// One acquisition seen while walking a function, with the locks held on every path to it.
struct AcquireEvent {
  const Function* function = nullptr;
  Acquisition acquisition;
  std::vector<HeldLock> held;
};

// An operation that may block the goroutine indefinitely or for long (channel operations,
// select without default, WaitGroup.Wait, sleeps, network/disk/database/exec calls, calls
// that pass a ctx, same-package calls whose summary may block).
struct BlockingOp {
  Site site;                // the operation itself (possibly inside a callee)
  std::string what;         // "time.Sleep", "channel receive", "http.Get", ...
  std::vector<Site> calls;  // call sites from the walked function down to the operation
};

// One blocking operation seen while walking a function, with the locks held on every path to it.
struct BlockEvent {
  const Function* function = nullptr;
  BlockingOp op;
  std::vector<HeldLock> held;
};

// A misuse of lock operations found on one path of one function.
struct LockMisuse {
  enum class Kind {
    kDoubleUnlock,      // Unlock of a lock this path already unlocked
    kModeMismatch,      // Lock released with RUnlock, or RLock with Unlock
    kDeferLock,         // defer mu.Lock()
    kDeferInLoop,       // defer mu.Unlock() in a loop body: runs at return, not per iteration
    kMissingUnlock,     // a return leaves held a lock that the function's other returns release
    kRequirementUnmet,  // a call to a function that requires a lock the caller does not hold
    kGuardedAccess,     // a field declared guarded by a lock accessed without it
    kCallbackUnderLock, // a function value or interface method called while holding a lock
    kExcludedHeld,      // a call to a function that must not be called with a lock held, with it held
    kMaybeUnlocked,     // an unconditional Unlock of a lock that only some paths to it took
  };
  Kind kind;
  const Function* function = nullptr;
  Site site;             // the operation, or the return statement
  HeldLock lock;         // the lock concerned (for kMissingUnlock and kModeMismatch: where it was taken)
  std::vector<Site> other;  // e.g. the earlier unlock, the return that does release
  bool write = false;       // kGuardedAccess: the access writes the field
};

// A read or write of a field of one of the package's structs, with the lock classes held.
struct FieldAccess {
  const Function* function = nullptr;
  std::string field;                      // "TokenBucket.tokens"
  TSNode selector{};                      // `x.tokens` in function's file (located only when a finding cites it)
  std::vector<std::string> held_classes;  // classes of the locks held on every path to it
};

// A caller's lock that a function releases, and how many calls down the Unlock is (0: in the
// function itself).
struct ReleasedLock {
  LockRef lock;
  int calls = 0;
};

// What calling a function does to its caller's lock state. A summary is the function's own,
// whoever calls it first: it follows calls max_call_depth levels down from the function, and a
// caller keeps of it only what stays within max_call_depth levels of the caller.
struct FunctionSummary {
  std::vector<Acquisition> acquires;  // locks taken that the function had not taken or released itself
  std::vector<HeldLock> held_at_exit; // taken and still held on every normal return
  std::vector<ReleasedLock> released; // released without being taken first (the caller's locks)
  std::optional<BlockingOp> blocks;   // the first operation by which a call may block
  bool partial = false;
};

struct LockAnalysisOptions {
  int max_call_depth = 8;
  int max_steps_per_function = 100000;
  int max_nesting = 400;
};

// Walks every function body of a package once, following same-package calls through memoised
// summaries (each the function's own, whoever calls it first; cycle-safe). Goroutine bodies and
// escaping closures start with no locks held; immediately invoked closures run with the
// caller's state; deferred unlocks run at every exit in LIFO order.
class LockAnalysis {
 public:
  LockAnalysis(const Package& package, LockAnalysisOptions options);
  // Walks only the functions `root` accepts (and what they call): for comparing a few
  // functions with their old revision without walking the whole old package.
  LockAnalysis(const Package& package, LockAnalysisOptions options, const std::function<bool(const Function&)>& root);

  const std::vector<AcquireEvent>& events() const { return events_; }
  // Blocking operations reached while at least one lock was held.
  const std::vector<BlockEvent>& block_events() const { return block_events_; }
  const std::vector<LockMisuse>& misuses() const { return misuses_; }
  const std::vector<FieldAccess>& field_accesses() const { return field_accesses_; }
  // Functions whose walk hit a budget and were analysed only in part.
  const std::vector<const Function*>& partial() const { return partial_; }
  // Whether a walk met a call to a function still being walked (or the nesting cap): the
  // summaries in that cycle then depend on which of its functions was walked first.
  bool met_recursion() const { return met_recursion_; }

  // Used by the walker.
  const FunctionSummary& summary_of(const Function* fn);
  const Package& package() const { return package_; }
  const LockAnalysisOptions& options() const { return options_; }
  // Functions annotated +checklocksignore contribute summaries but no findings.
  void add_event(AcquireEvent event) {
    if (!event.function->ignores_locks) events_by_function_[event.function].push_back(std::move(event));
  }
  void add_block_event(BlockEvent event) {
    if (!event.function->ignores_locks) blocks_by_function_[event.function].push_back(std::move(event));
  }
  void add_misuse(LockMisuse misuse) {
    if (!misuse.function->ignores_locks) misuses_by_function_[misuse.function].push_back(std::move(misuse));
  }
  void add_field_access(FieldAccess access) {
    if (!access.function->ignores_locks) field_accesses_.push_back(std::move(access));
  }

 private:
  const Package& package_;
  LockAnalysisOptions options_;
  void forget_walk(const Function* fn);

  bool met_recursion_ = false;
  std::map<const Function*, FunctionSummary> summaries_;
  // The functions being walked, outermost first; lowest_cut: the lowest level a recursive call
  // in the walk (or in a provisional callee's) went back to; below its own level, the summary
  // is provisional.
  struct Walking {
    const Function* fn;
    size_t lowest_cut;
    uint64_t serial;  // which walk of fn: a level is reused by the next walk once this one ends
  };
  std::vector<Walking> walking_;
  uint64_t walks_ = 0;
  // Provisional summaries, valid while the walk at level `cut` (serial cut_serial) goes on.
  struct Provisional {
    const FunctionSummary* summary;
    size_t cut;
    uint64_t cut_serial;
  };
  std::map<const Function*, Provisional> provisional_;
  std::deque<FunctionSummary> provisional_summaries_;  // stable addresses for provisional_
  std::map<const Function*, std::vector<AcquireEvent>> events_by_function_;
  std::map<const Function*, std::vector<BlockEvent>> blocks_by_function_;
  std::vector<AcquireEvent> events_;  // flattened in package function order once all walks are done
  std::vector<BlockEvent> block_events_;
  std::map<const Function*, std::vector<LockMisuse>> misuses_by_function_;
  std::vector<LockMisuse> misuses_;
  std::vector<FieldAccess> field_accesses_;
  std::vector<const Function*> partial_;
};

}  // namespace patchgate::checks::go
