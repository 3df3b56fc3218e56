#include "checks/go/UndocumentedLockStateCheck.h"

#include <algorithm>
#include <map>
#include <set>

#include "checks/go/lock_findings.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo UndocumentedLockStateCheck::info() {
  RuleInfo info = lock_rule_info("go-undocumented-lock-state", Severity::kWarning, true);
  info.checklist = 2;
  return info;
}

UndocumentedLockStateCheck::UndocumentedLockStateCheck(const RuleOptions&) {}

namespace {

bool has_locked_suffix(const std::string& name) {
  return name.size() > 6 && name.compare(name.size() - 6, 6, "Locked") == 0;
}

}  // namespace

void UndocumentedLockStateCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const LockAnalysis& locks = context.locks();
  // For each field: the lock classes held at every access made under some lock, and how many
  // such accesses there are, by how many functions.
  struct Protection {
    std::vector<std::string> classes;  // intersection over locked accesses
    std::set<const Function*> functions;
    const FieldAccess* example = nullptr;
    bool any = false;
    std::set<const Function*> unlocked;  // functions touching it with no lock held
  };
  std::map<std::string, Protection> protection;
  for (const auto& access : locks.field_accesses()) {
    if (access.held_classes.empty()) {
      protection[access.field].unlocked.insert(access.function);
      continue;
    }
    Protection& p = protection[access.field];
    std::vector<std::string> held = access.held_classes;
    std::sort(held.begin(), held.end());
    if (!p.any) {
      p.classes = held;
      p.example = &access;
      p.any = true;
    } else {
      std::vector<std::string> both;
      std::set_intersection(p.classes.begin(), p.classes.end(), held.begin(), held.end(), std::back_inserter(both));
      p.classes = both;
    }
    p.functions.insert(access.function);
  }
  // Functions that take a lock class themselves.
  std::set<std::pair<const Function*, std::string>> takes;
  for (const auto& event : locks.events())
    if (event.acquisition.calls.empty()) takes.emplace(event.function, event.acquisition.lock_class);

  struct Helper {
    const FieldAccess* first = nullptr;
    std::set<std::string> fields;
    std::string lock_class;
    const FieldAccess* example = nullptr;
  };
  std::map<const Function*, Helper> helpers;
  for (const auto& access : locks.field_accesses()) {
    const Function* fn = access.function;
    if (!access.held_classes.empty() || fn->receiver_type.empty() || !fn->requires_held.empty() ||
        has_locked_suffix(fn->name) || fn->enclosing)
      continue;
    auto it = protection.find(access.field);
    if (it == protection.end() || it->second.classes.size() != 1) continue;
    const Protection& p = it->second;
    // Protected by one lock, in at least two other functions.
    std::set<const Function*> others = p.functions;
    others.erase(fn);
    // Every other function touches it only under the lock; this helper is the odd one out.
    bool unlocked_elsewhere = std::any_of(p.unlocked.begin(), p.unlocked.end(), [&](const Function* f) { return f != fn; });
    if (others.size() < 2 || unlocked_elsewhere || takes.count({fn, p.classes.front()})) continue;
    Helper& h = helpers[fn];
    if (!h.first) {
      h.first = &access;
      h.lock_class = p.classes.front();
      h.example = p.example;
    }
    if (p.classes.front() == h.lock_class) h.fields.insert(access.field.substr(access.field.find('.') + 1));
  }

  for (const auto& [fn, h] : helpers) {
    std::string fields;
    for (const auto& f : h.fields) fields += (fields.empty() ? "" : ", ") + f;
    std::string field_member = h.lock_class.substr(h.lock_class.find('.') + 1);
    std::string requirement = fn->receiver_name.empty() ? h.lock_class : fn->receiver_name + "." + field_member;
    Finding finding;
    TSNode name = lang::field(fn->node, "name");
    finding.location = Location{fn->file->path, lang::line_of(name), lang::column_of(name), lang::line_of(name),
                                static_cast<int>(ts_node_end_point(name).column) + 1};
    finding.enclosing_function = fn->display_name;
    finding.message = fn->display_name + " touches " + fields + ", which the rest of the package touches only while "
                      "holding " + h.lock_class + ", but it neither takes the lock nor says its caller must hold it";
    finding.fix = "document the lock state: `// REQUIRES: " + requirement + " held` (or name it " + fn->name +
                  "Locked), or take the lock in " + fn->name;
    auto where = [](const FieldAccess& access) { return location_at(*access.function->file, access.selector); };
    finding.related.push_back({where(*h.first), "touched here without " + h.lock_class});
    finding.related.push_back({where(*h.example), "touched under " + h.lock_class + " here (in " +
                                                      h.example->function->display_name + ")"});
    Site start;
    start.file = fn->file->path;
    start.line = lang::line_of(fn->node);
    Site end = start;
    end.line = static_cast<int>(ts_node_end_point(fn->node).row) + 1;
    add_scope(finding, start, end);  // a new or changed helper
    sink.report(std::move(finding), fn->display_name);
  }
}

}  // namespace patchgate::checks::go
