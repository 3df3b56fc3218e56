#pragma once

// Which function bodies of a package an analysis of a change must parse. Parsing is most of a
// pre-commit run, and a change usually reaches few of a package's functions: the others'
// bodies are skipped (lang::Parser::parse_without), while every signature, type, variable and
// import is parsed as before, so the package's indexes are the whole package's.
//
// The plan reads tokens (lang/go_scan.h), not trees, and names, not types, so it errs towards
// parsing more. It keeps:
//   - the bodies of declarations the change touches, and of every method of a type the change
//     declares or gives a touched method (go-context-in-struct reads them all, in order);
//   - the bodies those call, transitively: a token naming a function, or a method of any type;
//   - the bodies that feed package-wide indexes by name (sync.Cond and NewCond, WaitGroup,
//     errgroup's Group and WithContext; channel makes when a kept body has a select).
// A skipped body's function also loses the comments above it (its doc), and an untouched
// variable's composite literals lose their insides (a test's table of cases: `[]T{}` still
// types the variable), unless the declaration names what the change touches, a carrier of it,
// or a name of sync, context, channels or the indexes above.
// It gives up (parse the package whole) when an untouched body may refer to what the change
// touched: it names a touched function, variable or constant, or a "carrier" of a touched
// type (the type itself, or a function, method's type, variable or type whose declaration
// mentions a carrier) — the only ways a body can call a method or read a field of that type.
// Such a body's findings can cite the change (a caller now double-locking), so it would have
// to be walked, and its callers in turn.
//
// What only the analysis can tell is checked after it: go::partial_analysis_complete.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/go/model/package.h"
#include "core/git/change_set.h"

namespace patchgate::checks::go {

class LockAnalysis;

struct PlanFile {
  std::string_view path;
  std::string_view source;
  const git::LineSet* touched = nullptr;  // nullptr: the change leaves the file alone
};

class PartialPlan {
 public:
  // A plan for one package's files. whole() when any file does not scan. Each file is
  // scanned by for_each's body (the rest of the plan needs them all, on this thread).
  explicit PartialPlan(const std::vector<PlanFile>& files, const ForEach& for_each = serial);
  static void serial(size_t count, const std::function<void(size_t)>& body) {
    for (size_t i = 0; i < count; ++i) body(i);
  }
  ~PartialPlan();
  PartialPlan(PartialPlan&&) noexcept;
  PartialPlan& operator=(PartialPlan&&) noexcept;

  bool whole() const { return whole_; }
  // Why the package is parsed whole ("" when it is not).
  const std::string& reason() const { return reason_; }
  // The bodies to skip in files[i], sorted; empty when whole().
  const std::vector<std::pair<uint32_t, uint32_t>>& skipped(size_t file) const;
  size_t kept_bodies() const { return kept_; }
  size_t skipped_bodies() const { return skipped_count_; }
  size_t skipped_literals() const { return skipped_literals_; }
  // True when a skipped body mentions a carrier of `type` (a package type's name): a skipped
  // body may then read that type's fields.
  bool skipped_may_use_type(std::string_view type) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
  bool whole_ = false;
  std::string reason_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> skipped_;
  size_t kept_ = 0;
  size_t skipped_count_ = 0;
  size_t skipped_literals_ = 0;
};

// After the analysis of a partially parsed package: "" when its findings are the whole
// package's, else why not (the package is then analysed again, whole). The lock analysis of
// the kept bodies must have met no recursion, taken no lock while holding another (go-lock-order
// needs every other function's order of those locks), and read no field of a type a skipped body
// may use (go-undocumented-lock-state counts every function's accesses).
std::string partial_analysis_complete(const PartialPlan& plan, const LockAnalysis* locks);

}  // namespace patchgate::checks::go
