#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <set>

namespace patchgate::checks::go {

RuleInfo CondWaitNoLoopCheck::info() {
  return lifecycle_rule_info("go-cond-wait-no-loop", Severity::kError, "sync-primitive", 3);
}

namespace {

// A bare name used as a cond: false when fn (or a function around it) declares it as a
// parameter of another type or assigns it from something other than sync.NewCond.
bool local_cond(const Function& fn, const std::string& name) {
  if (auto type = param_type(fn, name)) return type->is("sync", "Cond");
  for (const Function* f = &fn; f; f = f->enclosing) {
    bool other = false;
    for_each_node(f->body, [&](TSNode node) {
      if (lang::is(node, "short_var_declaration") && lang::named_count(lang::field(node, "left")) == 1 &&
          text_of(*f->file, lang::field(node, "left")) == name &&
          text_of(*f->file, lang::field(node, "right")).find("NewCond") == std::string::npos)
        other = true;
      return !other;
    });
    if (other) return false;
  }
  return true;
}

// `x.f` where x is a parameter or receiver whose struct type the package declares with a field
// f that is not a sync.Cond: another type's field of a Cond's name (a WaitGroup, say).
bool other_field(const Package& package, const Function& fn, const SourceFile& file, TSNode selector) {
  TSNode owner = unparen(lang::field(selector, "operand"));
  if (!lang::is(owner, "identifier")) return false;
  auto type = param_type(fn, text_of(file, owner));
  if (!type) return false;
  auto field = package.find_field(*type, text_of(file, lang::field(selector, "field")), nullptr);
  return field && !field->type.is("sync", "Cond");
}

}  // namespace

void CondWaitNoLoopCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  // Names that denote a sync.Cond: fields, variables, parameters, and NewCond results.
  std::set<std::string> conds = names_declared_as(package, "sync", "Cond", {"NewCond"});
  if (conds.empty()) return;
  for (const auto& fn : package.functions()) {
    const SourceFile& file = *fn.file;
    if (!mentions(fn, "Wait")) continue;
    for_each_of_type(fn.body, "call_expression", [&](TSNode call) {
      TSNode function = unparen(lang::field(call, "function"));
      if (!lang::is(function, "selector_expression") || text_of(file, lang::field(function, "field")) != "Wait")
        return true;
      TSNode operand = unparen(lang::field(function, "operand"));
      TSNode name = lang::is(operand, "selector_expression") ? lang::field(operand, "field") : operand;
      if (!conds.count(text_of(file, name))) return true;
      if (lang::is(operand, "identifier") && !local_cond(fn, text_of(file, operand))) return true;
      if (lang::is(operand, "selector_expression") && other_field(package, fn, file, operand)) return true;
      if (!lang::null(ancestor_of(call, fn.body, {"for_statement"}))) return true;
      Finding finding;
      finding.location = location_at(file, call);
      finding.enclosing_function = fn.display_name;
      finding.message = text_of(file, function) + "() is not in a loop: Wait can return while the condition is still "
                        "false (a Broadcast wakes every waiter, and another may take the state first)";
      finding.fix = "wait in a loop that re-checks the condition: for !ready { " + text_of(file, function) + "() }";
      sink.report(std::move(finding), fn.display_name + "|" + text_of(file, function));
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
