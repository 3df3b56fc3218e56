#include "checks/analysis.h"

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <map>
#include <set>
#include <utility>

#include "checks/check.h"
#include "checks/go/model/syntax.h"
#include "checks/go/partial.h"
#include "checks/registry.h"
#include "core/errors.h"
#include "core/heap.h"
#include "core/shard.h"
#include "core/glob.h"
#include "lang/go.h"
#include "lang/tree_arena.h"
#include "lang/tree_sitter.h"

namespace patchgate::checks {

RuleSelection parse_rule_selection(const std::string& text) {
  RuleSelection selection;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    bool negated = item[0] == '-';
    std::string id = negated ? item.substr(1) : item;
    if (!find_rule(id))
      throw UserError(kExitUsage, "--rules: unknown rule '" + id + "'", "`patchgate rules` lists the rule ids");
    (negated ? selection.without : selection.only).push_back(id);
  }
  return selection;
}

namespace {

struct ActiveRule {
  const RuleEntry* entry;
  Severity severity;
  std::unique_ptr<GoCheck> check;
  int max_call_depth = 0;  // for rules with that option: how deep the shared lock walk must go
  bool severity_configured = false;
};

std::vector<ActiveRule> active_rules(const Config& config, const RuleSelection& selection) {
  std::vector<ActiveRule> out;
  for (const auto& rule : all_rules()) {
    const std::string& id = rule.info.id;
    auto configured = config.rules.find(id);
    bool enabled = true;
    Severity severity = rule.info.severity;
    bool severity_configured = false;
    RuleOptions options;
    if (configured != config.rules.end()) {
      enabled = configured->second.enabled.value_or(true);
      severity = configured->second.severity.value_or(severity);
      severity_configured = configured->second.severity.has_value();
      options = RuleOptions(configured->second.options);
    }
    if (!selection.only.empty())
      enabled = std::find(selection.only.begin(), selection.only.end(), id) != selection.only.end();
    if (std::find(selection.without.begin(), selection.without.end(), id) != selection.without.end()) enabled = false;
    if (!enabled) continue;
    int depth = 0;
    for (const auto& option : rule.info.options)
      if (option.name == "max_call_depth") depth = options.get("max_call_depth", option.default_value);
    out.push_back({&rule, severity, rule.make(options), depth, severity_configured});
  }
  return out;
}

bool excluded(const Config& config, const std::string& path) {
  return std::any_of(config.exclude.begin(), config.exclude.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, path); });
}

// The package clause's name; the file's top-level nodes are read from its node list.
std::string package_clause(const lang::Tree& tree, const go::NodeList& list) {
  for (TSNode child : go::named_children_in(list, tree.root())) {
    if (!lang::is(child, "package_clause")) continue;
    for (TSNode name : go::named_children_in(list, child))
      if (lang::is(name, "package_identifier")) return std::string(tree.text(name));
  }
  return "";
}

std::string line_text(const std::string& source, int line) {
  size_t start = 0;
  for (int i = 1; i < line && start != std::string::npos; ++i) {
    start = source.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos || start > source.size()) return "";
  size_t end = source.find('\n', start);
  std::string text = source.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// Collects one package's findings: fills rule metadata, keeps only those in the diff's scope.
class ScopedSink final : public FindingSink {
 public:
  ScopedSink(const ActiveRule& rule, const std::map<std::string, const git::ChangedFile*>& changed,
             const std::map<std::string, const std::string*>& sources, bool whole_tree, std::vector<Finding>& out)
      : rule_(rule), changed_(changed), sources_(sources), whole_tree_(whole_tree), out_(out) {}

  void report_one_of(std::vector<Finding> views, const std::string& discriminator) override {
    for (auto& view : views)
      if (touches(view.location)) return report(std::move(view), discriminator);
    for (auto& view : views)
      if (in_scope(view)) return report(std::move(view), discriminator);
  }

  void report(Finding finding, const std::string& discriminator) override {
    report_at(std::move(finding), discriminator, rule_.severity);
  }

  void report_at(Finding finding, const std::string& discriminator, Severity severity) override {
    if (!in_scope(finding)) return;
    finding.rule = rule_.entry->info.id;
    finding.severity = rule_.severity_configured ? rule_.severity : severity;
    finding.category = rule_.entry->info.category;
    finding.checklist = rule_.entry->info.checklist;
    if (auto it = sources_.find(finding.location.file); it != sources_.end())
      finding.snippet = line_text(*it->second, finding.location.line);
    finding.fingerprint = compute_fingerprint(finding, finding.snippet, discriminator);
    out_.push_back(std::move(finding));
  }

 private:
  bool touches(const Location& location) const {
    auto it = changed_.find(location.file);
    if (it == changed_.end()) return false;
    if (whole_tree_) return true;
    return it->second->touched_lines.touches(location.line, std::max(location.line, location.end_line));
  }
  bool in_scope(const Finding& finding) const {
    if (touches(finding.location)) return true;
    if (std::any_of(finding.scope.begin(), finding.scope.end(), [&](const Location& l) { return touches(l); }))
      return true;
    return std::any_of(finding.related.begin(), finding.related.end(),
                       [&](const RelatedLocation& r) { return touches(r.location); });
  }

  const ActiveRule& rule_;
  const std::map<std::string, const git::ChangedFile*>& changed_;
  const std::map<std::string, const std::string*>& sources_;
  bool whole_tree_;
  std::vector<Finding>& out_;
};

constexpr uint64_t kParseTimeoutMicros = 10'000'000;

// The package clause read from the text, before any parse: comments and blank lines skipped;
// "" when the first other line is not `package <name>` (the parse will say what it is).
std::string clause_of(std::string_view source) {
  size_t at = 0;
  while (at < source.size()) {
    char c = source[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      ++at;
    } else if (source.compare(at, 2, "//") == 0) {
      at = source.find('\n', at);
    } else if (source.compare(at, 2, "/*") == 0) {
      at = source.find("*/", at + 2);
      if (at != std::string_view::npos) at += 2;
    } else {
      break;
    }
    if (at == std::string_view::npos) return "";
  }
  if (source.compare(at, 8, "package ") != 0 && source.compare(at, 8, "package\t") != 0) return "";
  at += 8;
  while (at < source.size() && (source[at] == ' ' || source[at] == '\t')) ++at;
  size_t end = at;
  while (end < source.size() && (std::isalnum(static_cast<unsigned char>(source[end])) || source[end] == '_')) ++end;
  return std::string(source.substr(at, end - at));
}

// Helper threads that join the calling thread in successive loops over indices (run), each
// with a parser of its own; joined however the scope that made them ends. A helper sets itself
// up (its heap, its tree arena, its parser) as soon as it starts, while the caller reads.
class Crew {
 public:
  using Body = std::function<void(size_t, lang::Parser&)>;
  // `arenas` receives one tree arena per helper: trees it parses live there.
  Crew(unsigned helpers, std::deque<lang::TreeArena>& arenas) {
    for (unsigned t = 0; t < helpers; ++t)
      threads_.emplace_back([this, &arena = arenas.emplace_back()] {
        advise_heap();
        lang::TreeArena::Use use(arena);
        lang::Parser own(lang::go_language());
        for (uint64_t seen = 0;;) {
          {
            std::unique_lock<std::mutex> hold(lock_);
            changed_.wait(hold, [&] { return stopping_ || round_ != seen; });
            if (stopping_) return;
            seen = round_;
          }
          work(own);
          std::lock_guard<std::mutex> hold(lock_);
          if (--busy_ == 0) changed_.notify_all();
        }
      });
  }
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;
  ~Crew() {
    {
      std::lock_guard<std::mutex> hold(lock_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  bool has_helpers() const { return !threads_.empty(); }

  // The same, as the model's ForEach (bodies that need no parser), with `parser` here.
  go::ForEach for_each(lang::Parser& parser) {
    return [this, &parser](size_t count, const std::function<void(size_t)>& body) {
      run(count, [&](size_t i, lang::Parser&) { body(i); }, parser);
    };
  }

  // body(i, a parser) for every i < count, here (with `parser`) and on the helpers; returns
  // when all are done, rethrowing the first exception a body threw.
  void run(size_t count, const Body& body, lang::Parser& parser) {
    {
      std::lock_guard<std::mutex> hold(lock_);
      body_ = &body;
      count_ = count;
      next_ = 0;
      busy_ = threads_.size();
      ++round_;
    }
    changed_.notify_all();
    work(parser);
    std::unique_lock<std::mutex> hold(lock_);
    changed_.wait(hold, [&] { return busy_ == 0; });
    body_ = nullptr;
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }

 private:
  void work(lang::Parser& parser) {
    for (size_t i = next_++; i < count_; i = next_++) {
      try {
        (*body_)(i, parser);
      } catch (...) {
        std::lock_guard<std::mutex> hold(lock_);
        if (!failure_) failure_ = std::current_exception();
        next_ = count_;
      }
    }
  }

  std::mutex lock_;
  std::condition_variable changed_;  // a new round or stopping (for helpers); a round done (for run)
  std::vector<std::thread> threads_;
  const Body* body_ = nullptr;
  size_t count_ = 0;
  std::atomic<size_t> next_{0};
  size_t busy_ = 0;  // helpers still in the round
  uint64_t round_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
};

// The Go files of one directory at one revision, parsed and grouped by package clause.
struct ParsedDir {
  std::map<std::string, std::vector<go::SourceFile>> by_package;
  std::vector<std::string> unreadable, timed_out, generated;
  std::set<std::string> untouched_packages;  // files of package clauses no changed file has, not parsed
  std::map<std::string, go::PartialPlan> plans;  // by package clause, when bodies were skipped
  bool clauses_differ = false;  // a file's clause as read from its text is not its parsed one
};

// `reuse`: trees already parsed from another revision: taken as they are when the text is the
// same, else the text is reparsed from them (only the part that differs is parsed again).
// `git_lock` guards the SourceTree: libgit2 handles are not shared across threads unguarded, so
// the package's blobs are read under it and parsed outside it.
// The files are planned and parsed here (with `parser`) and on the crew's helpers.
ParsedDir parse_dir(const git::SourceTree& tree, const std::string& dir, const Config& config, lang::Parser& parser,
                    std::mutex& git_lock, Crew& crew, const std::map<std::string, const lang::Tree*>& reuse = {},
                    const std::set<std::string>& skip = {},
                    const std::map<std::string, const git::ChangedFile*>* changed = nullptr, bool partial = false) {
  ParsedDir out;
  std::vector<std::pair<std::string, std::string>> contents;
  std::vector<lang::Tree> trees;
  std::vector<go::NodeList> node_lists;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> skipped_bodies;
  auto parse_one = [&](size_t i, lang::Parser& with) {
    auto& [path, content] = contents[i];
    auto same = reuse.find(path);
    if (!skipped_bodies[i].empty())
      trees[i] = with.parse_without(std::move(content), skipped_bodies[i], kParseTimeoutMicros);
    else if (same == reuse.end())
      trees[i] = with.parse(std::move(content), kParseTimeoutMicros);
    else if (same->second->source() == content)
      trees[i] = same->second->copy();
    else  // the same file at the other revision: only what the change touched is parsed again
      trees[i] = with.reparse(*same->second, std::move(content), kParseTimeoutMicros);
    if (trees[i]) go::flatten(trees[i].root(), node_lists[i]);  // while the thread is here; indexing needs it
  };
  {
    std::lock_guard<std::mutex> hold(git_lock);
    for (const auto& path : tree.list_dir(dir)) {
      if (!lang::is_go_file(path) || lang::is_go_testdata(path) || excluded(config, path) || skip.count(path)) continue;
      auto size = tree.size(path);
      if (!size || *size > config.max_file_bytes) continue;
      auto content = tree.read(path);
      if (!content) {
        out.unreadable.push_back(path);
        continue;
      }
      if (!config.analyse_generated && lang::is_go_generated(*content)) {
        out.generated.push_back(path);
        continue;
      }
      contents.emplace_back(path, std::move(*content));
    }
  }
  // A directory holds up to two packages (`http` and the external tests' `http_test`): parse
  // only those a changed file belongs to. A clause the text scan cannot read keeps every file.
  std::vector<std::string> clauses;  // of contents, read from the text
  if (changed) {
    std::set<std::string> touched;
    bool readable = true;
    for (const auto& [path, content] : contents) {
      clauses.push_back(clause_of(content));
      readable = readable && !clauses.back().empty();
      if (changed->count(path)) touched.insert(clauses.back());
    }
    if (readable) {
      std::vector<std::pair<std::string, std::string>> kept;
      std::vector<std::string> kept_clauses;
      for (size_t i = 0; i < contents.size(); ++i) {
        if (touched.count(clauses[i])) {
          kept.push_back(std::move(contents[i]));
          kept_clauses.push_back(std::move(clauses[i]));
        } else {
          out.untouched_packages.insert(contents[i].first);
        }
      }
      contents = std::move(kept);
      clauses = std::move(kept_clauses);
    }
  }
  // With a change to analyse, the bodies no rule can need for it are not parsed.
  skipped_bodies.resize(contents.size());
  if (changed && partial) {
    std::map<std::string, std::vector<size_t>> by_clause;
    for (size_t i = 0; i < contents.size(); ++i) by_clause[clauses[i]].push_back(i);
    for (const auto& [clause, members] : by_clause) {
      std::vector<go::PlanFile> files;
      for (size_t i : members) {
        auto it = changed->find(contents[i].first);
        files.push_back({contents[i].first, contents[i].second, it == changed->end() ? nullptr : &it->second->touched_lines});
      }
      go::PartialPlan plan(files, crew.for_each(parser));
      if (plan.whole()) continue;
      for (size_t k = 0; k < members.size(); ++k) skipped_bodies[members[k]] = plan.skipped(k);
      out.plans.emplace(clause, std::move(plan));
    }
  }
  trees.resize(contents.size());
  node_lists.resize(contents.size());
  // Largest first: one big file (server.go is a fifth of net/http) must not start last.
  std::vector<uint64_t> sizes;
  for (const auto& [path, content] : contents) sizes.push_back(content.size());
  const std::vector<size_t> order = largest_first(sizes);
  crew.run(order.size(), [&](size_t k, lang::Parser& with) { parse_one(order[k], with); }, parser);
  for (size_t i = 0; i < contents.size(); ++i) {
    lang::Tree& parsed = trees[i];
    const std::string& path = contents[i].first;
    if (!parsed) {
      out.timed_out.push_back(path);
      continue;
    }
    go::SourceFile file;
    file.path = path;
    file.syntax_errors = parsed.has_error();
    file.bodies_skipped = !skipped_bodies[i].empty();
    std::string name = package_clause(parsed, node_lists[i]);
    if (file.bodies_skipped && !out.plans.count(name)) out.clauses_differ = true;
    file.tree = std::move(parsed);
    file.nodes = std::move(node_lists[i]);
    out.by_package[name].push_back(std::move(file));
  }
  return out;
}

// What one package directory contributes to the report; merged in directory order, so the
// report does not depend on which thread finished first.
struct DirResult {
  std::vector<Finding> findings;
  std::vector<ErrorRecord> errors;
  std::vector<std::string> timed_out;           // changed files whose parse gave up
  std::vector<std::string> generated;           // changed files skipped as generated code
  std::vector<std::string> syntax_error_files;  // changed files with syntax errors
  std::vector<std::string> analysed;            // changed files a package analysis covered
  std::map<std::string, std::chrono::nanoseconds> rule_time;  // PATCHGATE_TIMINGS=1
  std::chrono::nanoseconds parse_time{0};
  // Bodies skipped: why the findings would not be the whole package's (the directory is then
  // analysed again, whole); and what was parsed, for PATCHGATE_TIMINGS.
  std::string whole_needed;
  std::string partial_note;
};

struct DirInputs {
  const git::ChangeSet& change;
  const Config& config;
  const std::map<std::string, const git::ChangedFile*>& changed_go;
  go::LockAnalysisOptions lock_options;
  std::mutex& git_lock;
  unsigned parse_threads;  // threads per directory's parse: more when there are fewer directories than jobs
};

// The lock-state rules read the package's shared lock analysis (and the old revision's), which
// GoPackageContext builds on first use on the thread that analyses the package; the others read
// only the package, which no longer changes once built.
bool reads_lock_analysis(const RuleEntry& rule) { return rule.info.category == "lock-state"; }

DirResult analyze_dir(const DirInputs& in, const std::string& dir, const std::vector<ActiveRule>& rules, bool partial) {
  // Every tree of the directory, and the parsers that make them, live in these arenas and go
  // with them at the end (declared first, so destroyed last).
  lang::TreeArena arena;
  std::deque<lang::TreeArena> helper_arenas;
  lang::TreeArena::Use use(arena);
  lang::Parser parser(lang::go_language());
  // The pre-commit case is one package: its files are planned, parsed and indexed on the
  // threads the pool would otherwise leave idle (each helper's trees live in its arena of
  // helper_arenas). They start before the blobs are read, so that a new thread's set-up (its
  // heap, its arena, its parser) overlaps the reading.
  Crew crew(in.parse_threads - 1, helper_arenas);
  const go::ForEach spread = crew.for_each(parser);
  DirResult result;
  const auto& change = in.change;
  const auto& changed_go = in.changed_go;
  // Every Go file of the package at the new revision: the call graph spans files.
  auto parse_started = std::chrono::steady_clock::now();
  ParsedDir parsed = parse_dir(*change.revision, dir, in.config, parser, in.git_lock, crew, {}, {},
                               change.whole_tree ? nullptr : &changed_go, partial);
  result.parse_time = std::chrono::steady_clock::now() - parse_started;
  if (parsed.clauses_differ) {
    result.whole_needed = dir + ": a file's package clause reads differently from its parse";
    return result;
  }
  // A file parsed without some bodies and with syntax errors: the whole file says where they
  // are (and whether the skipped text took part in them).
  for (const auto& [name, files] : parsed.by_package)
    for (const auto& file : files)
      if (file.bodies_skipped && file.syntax_errors) {
        result.whole_needed = file.path + " has syntax errors";
        return result;
      }
  for (const auto& [name, plan] : parsed.plans)
    result.partial_note += dir + " (" + name + "): " + std::to_string(plan.kept_bodies()) + " bodies parsed, " +
                           std::to_string(plan.skipped_bodies()) + " skipped; " + std::to_string(plan.skipped_literals()) +
                           " literals skipped\n";
  for (const auto& path : parsed.unreadable) result.errors.push_back({path, "cannot read the file at the new revision"});
  for (const auto& path : parsed.timed_out)
    if (changed_go.count(path)) result.timed_out.push_back(path);
  for (const auto& path : parsed.generated)
    if (changed_go.count(path)) result.generated.push_back(path);
  auto analysable = [&](const std::string& path) {
    return changed_go.count(path) &&
           std::find(result.timed_out.begin(), result.timed_out.end(), path) == result.timed_out.end();
  };
  for (const auto& [name, files] : parsed.by_package)
    for (const auto& file : files)
      if (file.syntax_errors && analysable(file.path)) result.syntax_error_files.push_back(file.path);

  // The files of each package clause in the directory (`http` and `http_test` share one): the
  // old revision of one package need not re-read and re-parse the others.
  std::map<std::string, std::set<std::string>> paths_of;
  for (const auto& [name, files] : parsed.by_package)
    for (const auto& file : files) paths_of[name].insert(file.path);

  for (auto& [name, files] : parsed.by_package) {
    bool touched = std::any_of(files.begin(), files.end(), [&](const go::SourceFile& f) { return analysable(f.path); });
    if (!touched) continue;
    go::Package package(dir, std::move(files), crew.has_helpers() ? &spread : nullptr);
    std::map<std::string, const std::string*> sources;
    for (const auto& f : package.files()) {
      sources[f.path] = &f.tree.source();
      if (analysable(f.path)) result.analysed.push_back(f.path);
    }
    GoPackageContext context(package, in.lock_options);
    context.set_change(&change);
    if (change.base) {
      std::set<std::string> other_packages = parsed.untouched_packages;
      for (const auto& [other, paths] : paths_of)
        if (other != name) other_packages.insert(paths.begin(), paths.end());
      // (On this thread, which owns the context: the crew is idle while the rules run.)
      context.set_base_loader([&in, &parser, &package, &crew, &spread, dir = dir, name = name,
                               other_packages = std::move(other_packages)]() -> std::unique_ptr<go::Package> {
        std::map<std::string, const lang::Tree*> unchanged;  // most files of the package
        for (const auto& f : package.files())
          if (!f.bodies_skipped) unchanged[f.path] = &f.tree;
        ParsedDir old = parse_dir(*in.change.base, dir, in.config, parser, in.git_lock, crew, unchanged, other_packages);
        auto it = old.by_package.find(name);
        if (it == old.by_package.end()) return nullptr;
        return std::make_unique<go::Package>(dir, std::move(it->second), crew.has_helpers() ? &spread : nullptr);
      });
      context.set_base_reader([&in](const std::string& path) {
        std::lock_guard<std::mutex> hold(in.git_lock);
        return in.change.base->read(path);
      });
    }
    go::SyntaxCache syntax_cache;  // every rule walks the same function bodies: replay arrays, not cursors
    syntax_cache.adopt(package);
    // Each rule's findings are kept apart and joined in rule order: the report is the same
    // whichever thread ran a rule, and whenever it finished.
    std::vector<std::vector<Finding>> found(rules.size());
    std::vector<std::chrono::nanoseconds> took(rules.size());
    auto run = [&](size_t r) {
      ScopedSink sink(rules[r], changed_go, sources, change.whole_tree, found[r]);
      auto started = std::chrono::steady_clock::now();
      rules[r].check->check_package(context, sink);
      took[r] = std::chrono::steady_clock::now() - started;
    };
    // With a thread to spare (one package, as in a pre-commit run), the rules that do not read
    // the lock analysis run on a second thread while this one builds it for the lock-state rules,
    // which stay here with the context's lazily built state (the analysis, the old revision).
    std::vector<size_t> here, beside;
    for (size_t r = 0; r < rules.size(); ++r)
      (in.parse_threads > 1 && !reads_lock_analysis(*rules[r].entry) ? beside : here).push_back(r);
    {
      std::exception_ptr failed;
      std::jthread helper;  // joined however this scope ends
      if (!beside.empty())
        helper = std::jthread([&] {
          advise_heap();
          try {
            go::SyntaxCache own_cache;
            own_cache.adopt(package);
            for (size_t r : beside) run(r);
          } catch (...) {
            failed = std::current_exception();
          }
        });
      for (size_t r : here) run(r);
      if (helper.joinable()) helper.join();
      if (failed) std::rethrow_exception(failed);
    }
    if (auto plan = parsed.plans.find(name); plan != parsed.plans.end()) {
      std::string why = go::partial_analysis_complete(plan->second, context.built_locks());
      if (!why.empty()) {
        result.whole_needed = dir + ": " + why;
        return result;
      }
    }
    for (size_t r = 0; r < rules.size(); ++r) {
      for (auto& finding : found[r]) result.findings.push_back(std::move(finding));
      result.rule_time[rules[r].entry->info.id] += took[r];
    }
    // A budget hit is reported once per function, whichever rule first built the analysis.
    const go::LockAnalysis* locks = context.built_locks();
    for (const go::Function* fn : locks ? locks->partial() : std::vector<const go::Function*>{})
      if (changed_go.count(fn->file->path))
        result.errors.push_back({fn->file->path, fn->display_name + " was analysed only in part (too large or too "
                                                                     "deeply nested); findings in it may be missing"});
  }
  return result;
}

}  // namespace

void analyze_change(const git::ChangeSet& change, const Config& config, const RuleSelection& selection,
                    Report& report, unsigned jobs, const Shard& shard) {
  report.change = change.description;
  auto rules = active_rules(config, selection);  // validated once here; each worker makes its own
  // One lock walk per package serves every rule: as deep as the deepest rule asks.
  go::LockAnalysisOptions lock_options;
  lock_options.max_call_depth = 0;
  for (const auto& rule : rules) lock_options.max_call_depth = std::max(lock_options.max_call_depth, rule.max_call_depth);
  if (lock_options.max_call_depth == 0) lock_options.max_call_depth = go::LockAnalysisOptions{}.max_call_depth;

  // Changed files: record each, and collect analysable Go files by directory.
  std::map<std::string, const git::ChangedFile*> changed_go;
  std::map<std::string, size_t> record_of;
  std::set<std::string> package_dirs;
  std::set<std::string> shard_dirs;
  if (shard.active()) {
    std::vector<std::pair<std::string, uint64_t>> weights;
    for (const auto& file : change.files) weights.emplace_back(git::parent_dir(file.path), file.size);
    shard_dirs = shard_items(std::move(weights), shard);
    report.shard = shard.str();
  }
  for (const auto& file : change.files) {
    if (shard.active() && !shard_dirs.count(git::parent_dir(file.path))) continue;  // another shard's
    FileRecord record;
    record.path = file.path;
    if (file.old_path != file.path) record.old_path = file.old_path;
    record.status = to_string(file.status);
    record.changed_lines = file.added_lines.count();
    bool go = lang::is_go_file(file.path);
    record.language = go ? "go" : "";
    if (excluded(config, file.path)) {
      report.skipped.push_back({file.path, "excluded by config"});
    } else if (!file.skip_reason.empty()) {
      if (file.skip_reason != "deleted") report.skipped.push_back({file.path, file.skip_reason});
    } else if (!go) {
      if (!change.whole_tree) report.skipped.push_back({file.path, "unsupported language"});
    } else if (lang::is_go_testdata(file.path)) {
      if (change.whole_tree) continue;
      report.skipped.push_back({file.path, "under testdata/, which the go tool ignores"});
    } else if (!change.whole_tree && file.touched_lines.empty()) {
      record.analysed = false;  // a pure rename: nothing new to report on
    } else {
      changed_go[file.path] = &file;
      package_dirs.insert(git::parent_dir(file.path));
    }
    if (change.whole_tree && !go) continue;  // --all lists the files it could analyse
    record_of[file.path] = report.files.size();
    report.files.push_back(std::move(record));
  }

  std::vector<std::string> dirs(package_dirs.begin(), package_dirs.end());
  std::vector<DirResult> results(dirs.size());
  // PATCHGATE_PARTIAL=0 parses every body: a check of the partial parse's findings, and a way
  // out should it ever be wrong.
  const char* partial_setting = std::getenv("PATCHGATE_PARTIAL");
  const bool partial = !change.whole_tree && !(partial_setting && std::string(partial_setting) == "0");
  std::mutex git_lock;
  // A fixed pool: each worker has its own parser and rule instances and takes the next package
  // directory; one package's trees are alive per worker at a time.
  unsigned threads = jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs;
  size_t workers = std::min<size_t>(threads, dirs.size());
  unsigned parse_threads = dirs.empty() ? 1 : std::max(1u, threads / static_cast<unsigned>(dirs.size()));
  DirInputs inputs{change, config, changed_go, lock_options, git_lock, parse_threads};
  // The workers take the directories largest first, so that no big package starts last while
  // the other workers have run out of work (results stay in directory order).
  std::map<std::string, uint64_t> bytes;
  for (const auto& [path, file] : changed_go) bytes[git::parent_dir(path)] += file->size;
  std::vector<uint64_t> weights;
  for (const auto& d : dirs) weights.push_back(bytes[d]);
  const std::vector<size_t> heaviest = largest_first(weights);
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto work = [&]() {
    try {
      auto own_rules = active_rules(config, selection);
      for (size_t k = next++; k < dirs.size(); k = next++) {
        const size_t i = heaviest[k];
        advise_heap();  // a new thread's heap, or a grown one
        results[i] = analyze_dir(inputs, dirs[i], own_rules, partial);
        if (!results[i].whole_needed.empty()) {
          std::string why = std::move(results[i].whole_needed) + "\n  (first " + results[i].partial_note + ")";
          results[i] = analyze_dir(inputs, dirs[i], own_rules, false);
          results[i].partial_note = "parsed whole after all: " + why + "\n" + results[i].partial_note;
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> hold(failure_lock);
      if (!failure) failure = std::current_exception();
      next = dirs.size();
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (size_t i = 0; i < workers; ++i) pool.emplace_back(work);
    for (auto& thread : pool) thread.join();
  }
  if (failure) std::rethrow_exception(failure);

  // PATCHGATE_TIMINGS=1: where the time went, per rule (the first user of the shared lock
  // analysis pays for building it), on stderr.
  if (const char* timings = std::getenv("PATCHGATE_TIMINGS"); timings && std::string(timings) == "1") {
    std::map<std::string, std::chrono::nanoseconds> total;
    std::chrono::nanoseconds parse{0};
    for (const auto& result : results) {
      parse += result.parse_time;
      for (const auto& [id, time] : result.rule_time) total[id] += time;
    }
    std::vector<std::pair<std::chrono::nanoseconds, std::string>> order;
    for (const auto& [id, time] : total) order.emplace_back(time, id);
    std::sort(order.rbegin(), order.rend());
    std::fprintf(stderr, "patchgate: timings (CPU-thread time, summed over workers)\n  %-32s %8.0f ms\n", "parse",
                 parse.count() / 1e6);
    for (const auto& [time, id] : order) std::fprintf(stderr, "  %-32s %8.0f ms\n", id.c_str(), time.count() / 1e6);
    for (const auto& result : results)
      if (!result.partial_note.empty()) std::fprintf(stderr, "  %s", result.partial_note.c_str());
  }

  std::set<std::string> syntax_error_files;
  for (auto& result : results) {
    for (auto& f : result.findings) report.findings.push_back(std::move(f));
    for (auto& e : result.errors) report.errors.push_back(std::move(e));
    for (const auto& path : result.timed_out) report.skipped.push_back({path, "parse timed out"});
    for (const auto& path : result.generated)
      report.skipped.push_back({path, "generated code (`// Code generated ... DO NOT EDIT.`); analyse_generated: true checks it"});
    syntax_error_files.insert(result.syntax_error_files.begin(), result.syntax_error_files.end());
    for (const auto& path : result.analysed)
      if (auto it = record_of.find(path); it != record_of.end()) report.files[it->second].analysed = true;
  }

  for (const auto& path : syntax_error_files) {
    if (auto it = record_of.find(path); it != record_of.end()) report.files[it->second].syntax_errors = true;
    report.errors.push_back({path, "syntax errors; analysed what parsed"});
  }
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  report.findings.erase(std::unique(report.findings.begin(), report.findings.end(),
                                    [](const Finding& a, const Finding& b) { return a.fingerprint == b.fingerprint; }),
                        report.findings.end());
}

}  // namespace patchgate::checks
