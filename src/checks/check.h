#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/go/model/lock_state.h"
#include "checks/go/model/package.h"
#include "core/finding.h"
#include "core/git/change_set.h"

namespace patchgate::checks {

// An option a rule reads once, in its constructor, with a typed default.
struct OptionSpec {
  std::string name;
  int default_value = 0;
  int min = 0, max = 0;
  std::string description;
};

struct RuleInfo {
  std::string id;        // kebab case, e.g. "go-double-lock"
  std::string language;  // "go"
  Severity severity = Severity::kError;
  std::string category;  // lock-state, sync-primitive, cancellation, error-propagation
  int checklist = 0;     // 1-5
  std::vector<OptionSpec> options;
};

// The configured values of one rule's options (already validated against its OptionSpecs).
class RuleOptions {
 public:
  RuleOptions() = default;
  explicit RuleOptions(nlohmann::json values) : values_(std::move(values)) {}
  int get(const std::string& name, int fallback) const;

 private:
  nlohmann::json values_ = nlohmann::json::object();
};

// A finding as a check reports it. The framework fills in the rule id, severity, category,
// checklist item and fingerprint; `discriminator` tells apart findings on the same line.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void report(Finding finding, const std::string& discriminator) = 0;
  // For rules whose severity depends on the case (go-lock-drift is an error when the change
  // says it changes no behaviour): `severity` applies unless the config sets the rule's own.
  virtual void report_at(Finding finding, const std::string& discriminator, Severity severity) = 0;
  // One problem seen from several places (each side of a lock-order inversion): keeps the first
  // view whose primary location is in the diff's scope, else the first whose related ones are.
  virtual void report_one_of(std::vector<Finding> views, const std::string& discriminator) = 0;
};

// Everything a Go check may look at for one package; shared analyses are computed on first use.
class GoPackageContext {
 public:
  // `options` are the lock analysis settings shared by every rule (the deepest call depth any
  // active rule asks for), so one walk per package serves them all.
  // The thread that makes the context is the only one that may build its shared analyses:
  // locks(), base_package() and base_locks() throw std::logic_error on any other (rules run on
  // a second thread only if they read none of them; see analysis.cpp).
  GoPackageContext(const go::Package& package, go::LockAnalysisOptions options)
      : package_(package), options_(options), owner_(std::this_thread::get_id()) {}
  const go::Package& package() const { return package_; }
  const go::LockAnalysis& locks();
  // The lock analysis if a check asked for it, else nullptr.
  const go::LockAnalysis* built_locks() const { return locks_.get(); }

  // The change being checked: its files (for changed lines) and its commit messages.
  void set_change(const git::ChangeSet* change) { change_ = change; }
  const git::ChangedFile* changed_file(const std::string& path) const;
  const std::string& change_message() const;
  // A whole-tree run (--all): no diff, every file counts as changed.
  bool whole_tree() const { return change_ && change_->whole_tree; }

  // The same package at the change's old revision, parsed on first use; nullptr when there is
  // none (a new package, a whole-tree run).
  void set_base_loader(std::function<std::unique_ptr<go::Package>()> loader) { base_loader_ = std::move(loader); }
  // Reads one file's text at the old revision (nullopt if it has none there).
  void set_base_reader(std::function<std::optional<std::string>(const std::string&)> reader) {
    base_reader_ = std::move(reader);
  }
  // Could any of these functions of the new revision be declared at the old one? False only when
  // no file the change leaves alone declares one and no old text of a file the change touches
  // spells its name: then there is nothing to compare with, and the old package need not be parsed.
  bool base_may_declare(const std::vector<const go::Function*>& functions) const;
  const go::Package* base_package();
  // The old package's lock analysis, walking only the functions `root` accepts (first call wins).
  const go::LockAnalysis* base_locks(const std::function<bool(const go::Function&)>& root);

 private:
  const go::Package& package_;
  go::LockAnalysisOptions options_;
  std::unique_ptr<go::LockAnalysis> locks_;
  const git::ChangeSet* change_ = nullptr;
  std::function<std::unique_ptr<go::Package>()> base_loader_;
  std::function<std::optional<std::string>(const std::string&)> base_reader_;
  bool base_loaded_ = false;
  std::unique_ptr<go::Package> base_;
  std::unique_ptr<go::LockAnalysis> base_locks_;
  std::thread::id owner_;
  void check_owner(const char* what) const;
};

class GoCheck {
 public:
  virtual ~GoCheck() = default;
  virtual void check_package(GoPackageContext& context, FindingSink& sink) = 0;
};

struct RuleEntry {
  RuleInfo info;
  std::function<std::unique_ptr<GoCheck>(const RuleOptions&)> make;
};

}  // namespace patchgate::checks
