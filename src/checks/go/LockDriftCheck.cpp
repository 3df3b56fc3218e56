#include "checks/go/LockDriftCheck.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "checks/go/lock_findings.h"
#include "checks/go/model/syntax.h"
#include "lang/tree_sitter.h"

namespace patchgate::checks::go {

namespace {

// The phrase by which a text claims to change no behaviour, or "".
std::string behaviour_claim(std::string_view text) {
  std::string lower = lowercase(text);
  static const char* const phrases[] = {"no functional change", "no behavior change", "no behaviour change",
                                        "non-functional",       "behavior-preserving", "behaviour-preserving",
                                        "refactor",             "no logic change",     "pure move"};
  for (const char* phrase : phrases)
    if (lower.find(phrase) != std::string::npos) return phrase;
  // "NFC" as a word.
  for (size_t pos = lower.find("nfc"); pos != std::string::npos; pos = lower.find("nfc", pos + 1)) {
    bool start = pos == 0 || !std::isalnum(static_cast<unsigned char>(lower[pos - 1]));
    bool end = pos + 3 >= lower.size() || !std::isalnum(static_cast<unsigned char>(lower[pos + 3]));
    if (start && end) return "NFC";
  }
  return "";
}

// Which mutex, by the type that declares it: `p.a.mu` and `tb.mu` are both TokenBucket.mu.
std::string class_of(const Acquisition& lock) {
  if (!lock.type_class.empty()) return lock.type_class;
  return lock.lock_class.empty() ? lock.lock.key() : lock.lock_class;
}

std::string holding(const std::vector<HeldLock>& held) {
  std::vector<std::string> names;
  for (const auto& h : held) names.push_back(class_of(h));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Where an event of `function` happened: "" in its own body, "in a function literal, " in a
// goroutine, deferred or stored literal it contains (walked on its own, from no locks held);
// nullopt for an event of another function. Literals are not told apart by number: adding one
// above another would renumber it, and that is not a change in how anything locks.
std::optional<std::string> place_in(const Function& walked, const std::string& function) {
  if (walked.display_name == function) return "";
  const Function* outer = &walked;
  while (outer->enclosing) outer = outer->enclosing;
  if (outer != &walked && outer->display_name == function) return std::string("in a function literal, ");
  return std::nullopt;
}

// What a function does with locks, its literals included, as facts that compare across
// revisions regardless of line numbers, each with the place in the function that shows it.
std::map<std::string, Site> behaviour(const LockAnalysis& locks, const std::string& function) {
  std::map<std::string, Site> facts;
  for (const auto& event : locks.events()) {
    auto place = place_in(*event.function, function);
    if (!place) continue;
    const Acquisition& a = event.acquisition;
    std::string fact = *place + (a.shared ? "read-locks " : "locks ") + class_of(a);
    if (!event.held.empty()) fact += " while holding " + holding(event.held);
    facts.emplace(fact, a.calls.empty() ? a.site : a.calls.front());
  }
  for (const auto& event : locks.block_events()) {
    auto place = place_in(*event.function, function);
    if (!place) continue;
    std::string fact = *place + "blocks (" + event.op.what + ") while holding " + holding(event.held);
    facts.emplace(fact, event.op.calls.empty() ? event.op.site : event.op.calls.front());
  }
  return facts;
}

// The claim of the change: its commit messages, else the comments it adds to this package.
std::string change_claim(GoPackageContext& context) {
  std::string claim = behaviour_claim(context.change_message());
  if (!claim.empty()) return "the commit message says \"" + claim + "\"";
  for (const auto& file : context.package().files()) {
    const git::ChangedFile* changed = context.changed_file(file.path);
    if (!changed) continue;
    const std::string& source = file.tree.source();
    size_t start = 0;
    for (int line = 1; start < source.size(); ++line) {
      size_t end = source.find('\n', start);
      if (end == std::string::npos) end = source.size();
      if (changed->added_lines.contains(line)) {
        std::string_view text(source.data() + start, end - start);
        size_t comment = text.find("//");
        if (comment != std::string_view::npos) {
          claim = behaviour_claim(text.substr(comment));
          if (!claim.empty()) return "a comment it adds says \"" + claim + "\" (" + file.path + ":" + std::to_string(line) + ")";
        }
      }
      start = end + 1;
    }
  }
  return "";
}

}  // namespace

RuleInfo LockDriftCheck::info() {
  RuleInfo info = lock_rule_info("go-lock-drift", Severity::kNote, true);
  return info;
}

LockDriftCheck::LockDriftCheck(const RuleOptions&) {}

void LockDriftCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  if (context.whole_tree()) return;  // no old revision to drift from
  std::vector<const Function*> changed;
  for (const auto& fn : context.package().functions()) {
    if (fn.name.empty() || lang::null(fn.body)) continue;  // literals are judged with their function
    const git::ChangedFile* file = context.changed_file(fn.file->path);
    if (!file) continue;
    int first = lang::line_of(fn.node), last = static_cast<int>(ts_node_end_point(fn.node).row) + 1;
    if (file->touched_lines.touches(first, last)) changed.push_back(&fn);
  }
  // Functions the change adds have no old lock behaviour: when every changed one is new, the
  // old package is not parsed at all.
  if (changed.empty() || !context.base_may_declare(changed)) return;
  std::set<std::string> names;
  for (const Function* fn : changed) names.insert(fn->display_name);
  // Only the changed functions (and their callees) are walked at the old revision, with the
  // function literals they contain.
  auto wanted = [&](const Function& fn) {
    const Function* outer = &fn;
    while (outer->enclosing) outer = outer->enclosing;
    return names.count(outer->display_name) > 0;
  };
  const LockAnalysis* old_locks = context.base_locks(wanted);
  if (!old_locks) return;
  std::map<std::string, const Function*> old_functions;
  for (const auto& fn : old_locks->package().functions())
    if (!fn.name.empty()) old_functions.emplace(fn.display_name, &fn);

  std::string claim;
  bool claim_read = false;
  for (const Function* fn : changed) {
    if (!old_functions.count(fn->display_name)) continue;  // new: nothing to drift from
    auto now = behaviour(context.locks(), fn->display_name);
    auto before = behaviour(*old_locks, fn->display_name);
    std::vector<std::pair<std::string, Site>> gained;
    std::vector<std::string> lost;
    for (const auto& [fact, site] : now)
      if (!before.count(fact)) gained.emplace_back(fact, site);
    for (const auto& [fact, site] : before)
      if (!now.count(fact)) lost.push_back(fact);
    if (gained.empty() && lost.empty()) continue;
    if (!claim_read) {
      claim = change_claim(context);
      claim_read = true;
    }

    Finding finding;
    finding.enclosing_function = fn->display_name;
    if (!gained.empty()) {
      finding.location = location_of(gained.front().second);
    } else {
      Site name;
      name.file = fn->file->path;
      name.line = lang::line_of(fn->node);
      name.column = lang::column_of(fn->node);
      name.end_line = name.line;
      finding.location = location_of(name);
    }
    // The function is in the change even where its first line is not.
    finding.scope.push_back(Location{fn->file->path, lang::line_of(fn->node), 1,
                                     static_cast<int>(ts_node_end_point(fn->node).row) + 1, 1});
    std::string what;
    for (const auto& [fact, site] : gained) what += (what.empty() ? "now " : "; now ") + fact;
    for (const auto& fact : lost) what += (what.empty() ? "no longer " : "; no longer ") + fact;
    finding.message = fn->display_name + " changes how it locks: " + what;
    if (!claim.empty())
      finding.message += ". The change claims to preserve behaviour (" + claim + "), but its lock behaviour is not preserved";
    finding.fix = claim.empty() ? "check that the new lock behaviour is intended, and say so in the commit message"
                                : "restore the old lock behaviour, or drop the claim and review the change as a behaviour change";
    for (size_t i = 1; i < gained.size() && i < 4; ++i)
      finding.related.push_back({location_of(gained[i].second), "now " + gained[i].first});
    sink.report_at(std::move(finding), fn->display_name, claim.empty() ? Severity::kNote : Severity::kError);
  }
}

}  // namespace patchgate::checks::go
