#pragma once

#include "checks/check.h"

// The goroutine, channel and cancellation rules (checklist items 1, 3 and 4). Each reads the
// package syntactically with the helpers of model/syntax.h; none needs the lock walk.
namespace patchgate::checks::go {

inline RuleInfo lifecycle_rule_info(const char* id, Severity severity, const char* category, int checklist) {
  RuleInfo info;
  info.id = id;
  info.language = "go";
  info.severity = severity;
  info.category = category;
  info.checklist = checklist;
  return info;
}

// go-background-in-scope: context.Background()/TODO() where a ctx is in scope (an error inside a goroutine).
class BackgroundInScopeCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit BackgroundInScopeCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-call-without-context: a call that cannot be cancelled (http.Get, exec.Command, time.Sleep, ...) where a ctx is in scope.
class CallWithoutContextCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit CallWithoutContextCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-channel-close-ownership: close(ch) by a receiver, on every loop iteration or goroutine, or followed by a send.
class ChannelCloseOwnershipCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit ChannelCloseOwnershipCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-cond-wait-no-loop: sync.Cond.Wait outside a loop that re-checks the condition.
class CondWaitNoLoopCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit CondWaitNoLoopCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-context-in-struct: a context.Context stored in a struct field.
class ContextInStructCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit ContextInStructCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-discarded-concurrent-error: an error of concurrent work dropped: `a, _ =` in a goroutine, an unchecked errgroup Wait.
class DiscardedConcurrentErrorCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit DiscardedConcurrentErrorCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-fatal-in-goroutine: t.Fatal/FailNow/Skip called from a goroutine the test started.
class FatalInGoroutineCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit FatalInGoroutineCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-goroutine-no-stop: a goroutine whose endless loop has no way out.
class GoroutineNoStopCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit GoroutineNoStopCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-goroutine-send-leak: a goroutine sending on an unbuffered channel whose receiver can return first.
class GoroutineSendLeakCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit GoroutineSendLeakCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-loop-ignores-context: an open-ended loop in ctx-aware code that waits and never looks at the context.
class LoopIgnoresContextCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LoopIgnoresContextCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-lost-cancel: the cancel func of context.WithCancel/Timeout/Deadline discarded, unused, or skipped by an early return.
class LostCancelCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit LostCancelCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-new-sync-primitive: the inventory: each concurrency primitive the patch introduces, with its checklist question (note).
class NewSyncPrimitiveCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit NewSyncPrimitiveCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-racy-shared-write: goroutines started in a loop writing an outer variable, map or slice without a lock.
class RacySharedWriteCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit RacySharedWriteCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-select-default: a select whose empty default drops a send, or spins an endless loop.
class SelectDefaultCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit SelectDefaultCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-unbounded-goroutines: `go` in a loop over unbounded input with nothing bounding the goroutines.
class UnboundedGoroutinesCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit UnboundedGoroutinesCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

// go-waitgroup-misuse: wg.Add inside the goroutine, Wait inside the adding loop, Done skipped by an early return.
class WaitGroupMisuseCheck final : public GoCheck {
 public:
  static RuleInfo info();
  explicit WaitGroupMisuseCheck(const RuleOptions&) {}
  void check_package(GoPackageContext& context, FindingSink& sink) override;
};

}  // namespace patchgate::checks::go
