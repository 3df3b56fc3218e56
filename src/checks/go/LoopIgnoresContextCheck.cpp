#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <set>

namespace patchgate::checks::go {

RuleInfo LoopIgnoresContextCheck::info() {
  return lifecycle_rule_info("go-loop-ignores-context", Severity::kWarning, "cancellation", 3);
}

namespace {

// `for {}`, `for cond {}`, `for ;; i++ {}`: loops that run until something inside ends them.
// A range or a counted loop ends by itself.
bool is_open_ended(TSNode loop) {
  if (is_endless_loop(loop)) return true;
  for (TSNode child : lang::named_children(loop))
    if (!lang::is(child, "block") && !lang::is(child, "comment"))
      return !lang::is(child, "for_clause") && !lang::is(child, "range_clause");  // `for cond {}`
  return false;
}

bool mentions(const SourceFile& file, TSNode root, const std::set<std::string>& names) {
  bool found = false;
  for_each_node(
      root,
      [&](TSNode node) {
        if (found) return false;
        if (lang::is(node, "identifier") && names.count(text_of(file, node))) found = true;
        return true;
      },
      true);
  return found;
}

// The names through which fn can see its context: the parameter (or `r` of an *http.Request),
// and locals derived from it (`ctx, cancel := context.WithTimeout(ctx, d)`, `c := r.Context()`).
std::set<std::string> context_names(const Function& fn, const std::string& in_scope) {
  std::set<std::string> names{in_scope.substr(0, in_scope.find('.'))};
  for (const Function* f = &fn; f; f = f->enclosing) {
    const SourceFile& file = *f->file;
    for_each_node(f->body, [&](TSNode node) {
      if (!lang::is(node, "short_var_declaration") && !lang::is(node, "assignment_statement")) return true;
      TSNode right = lang::field(node, "right");
      if (!mentions(file, right, names)) return true;
      TSNode target = unparen(lang::named_child(lang::field(node, "left"), 0));
      if (lang::is(target, "identifier")) names.insert(text_of(file, target));
      return true;
    });
  }
  return names;
}

// `v, ok := <-ch` / `v, ok = <-ch`
bool comma_ok(TSNode receive) {
  TSNode list = parent_of(receive);
  TSNode statement = parent_of(list);
  if (!lang::is(list, "expression_list") ||
      !(lang::is(statement, "short_var_declaration") || lang::is(statement, "assignment_statement")))
    return false;
  return lang::named_count(lang::field(statement, "left")) == 2;
}

// The first operation in the loop that waits (a receive or send outside a select with a default,
// a select without a default, time.Sleep), not looking into goroutines it starts. Cond.Wait is
// left out: it cannot watch a context, and the idiom is a flag the ctx watcher sets.
TSNode first_blocking(const SourceFile& file, TSNode body) {
  TSNode found{};
  for_each_node(body, [&](TSNode node) {
    if (!lang::null(found)) return false;
    if (lang::is(node, "go_statement")) return false;
    if (lang::is(node, "select_statement")) {
      bool has_default = false;
      for (TSNode clause : lang::named_children(node)) has_default |= lang::is(clause, "default_case");
      if (!has_default) found = node;
      // With a default, its cases do not wait; their bodies may.
      if (has_default)
        for (TSNode clause : lang::named_children(node))
          for (TSNode statement : lang::named_children(clause))
            if (!ts_node_eq(statement, lang::field(clause, "communication")) && lang::null(found))
              found = first_blocking(file, statement);
      return false;
    }
    // `v, ok := <-in` with the ok checked ends when the producer closes, like a range over in.
    if (is_receive(node) && !comma_ok(node)) found = node;
    if (lang::is(node, "send_statement")) found = node;
    if (is_package_call(file, node, "time", {"Sleep"})) found = node;
    return true;
  });
  return found;
}

}  // namespace

void LoopIgnoresContextCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& fn : context.package().functions()) {
    std::string in_scope = context_in_scope(fn);
    if (in_scope.empty()) continue;
    const SourceFile& file = *fn.file;
    std::set<std::string> names;  // computed on the first open-ended loop
    for_each_node(fn.body, [&](TSNode loop) {
      if (!lang::is(loop, "for_statement") || !is_open_ended(loop)) return true;
      if (names.empty()) names = context_names(fn, in_scope);
      TSNode body = lang::field(loop, "body");
      if (mentions(file, loop, names)) return true;
      TSNode blocking = first_blocking(file, body);
      if (lang::null(blocking)) return true;
      Finding finding;
      finding.location = location_at(file, loop);
      finding.enclosing_function = fn.display_name;
      std::string wait = lang::is(blocking, "select_statement") ? "a select with no ctx.Done() case" : text_of(file, blocking);
      if (wait.size() > 60) wait = wait.substr(0, 57) + "...";
      finding.message = "this loop waits (" + wait + ", line " +
                        std::to_string(lang::line_of(blocking)) + ") but never checks " + in_scope +
                        ": once the context is cancelled it keeps waiting and working for nobody";
      finding.fix = "select on " + in_scope + ".Done() beside the wait and return " + in_scope +
                    ".Err(), or pass the context to what blocks";
      finding.related.push_back({location_at(file, blocking), "the wait that ignores the context"});
      sink.report(std::move(finding), fn.display_name + "|" + text_of(file, blocking));
      return false;
    });
  }
}

}  // namespace patchgate::checks::go
