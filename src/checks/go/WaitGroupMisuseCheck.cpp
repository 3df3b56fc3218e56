#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <set>

namespace patchgate::checks::go {

RuleInfo WaitGroupMisuseCheck::info() {
  return lifecycle_rule_info("go-waitgroup-misuse", Severity::kError, "sync-primitive", 3);
}

namespace {

// `wg.Add(...)`-shaped calls: the WaitGroup expression, or null.
TSNode waitgroup_call(const SourceFile& file, TSNode node, const char* method, const std::set<std::string>& groups) {
  if (!lang::is(node, "call_expression")) return TSNode{};
  TSNode function = unparen(lang::field(node, "function"));
  if (!lang::is(function, "selector_expression") || text_of(file, lang::field(function, "field")) != method)
    return TSNode{};
  TSNode operand = unparen(lang::field(function, "operand"));
  TSNode name = lang::is(operand, "selector_expression") ? lang::field(operand, "field") : operand;
  return groups.count(text_of(file, name)) ? operand : TSNode{};
}

}  // namespace

void WaitGroupMisuseCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  // Names declared as sync.WaitGroup (fields, variables, parameters, &sync.WaitGroup{}, new(...)).
  std::set<std::string> groups = names_declared_as(package, "sync", "WaitGroup");
  if (groups.empty()) return;

  for (const auto& fn : package.functions()) {
    const SourceFile& file = *fn.file;
    if (!mentions(fn, "Add") && !mentions(fn, "Done") && !mentions(fn, "Wait")) continue;
    TSNode go = go_statement_of(fn);
    if (!lang::null(go)) {
      std::set<std::string> own = declared_names(fn);
      // Add inside the goroutine it counts.
      for_each_node(fn.body, [&](TSNode node) {
        TSNode wg = waitgroup_call(file, node, "Add", groups);
        if (lang::null(wg)) return true;
        TSNode root = wg;
        while (lang::is(root, "selector_expression")) root = unparen(lang::field(root, "operand"));
        if (lang::is(root, "identifier") && own.count(text_of(file, root))) return true;  // the goroutine's own group
        Finding finding;
        finding.location = location_at(file, node);
        finding.enclosing_function = fn.display_name;
        finding.message = text_of(file, wg) + ".Add inside the goroutine it counts: " + text_of(file, wg) +
                          ".Wait can run before this Add and return while the goroutine is still working";
        finding.fix = "call " + text_of(file, wg) + ".Add(1) before the go statement";
        sink.report(std::move(finding), fn.display_name + "|add|" + text_of(file, wg));
        return true;
      });
      // Done not deferred, with a return before it.
      TSNode done{};
      bool deferred = false;
      for_each_node(fn.body, [&](TSNode node) {
        if (TSNode wg = waitgroup_call(file, node, "Done", groups); !lang::null(wg)) {
          if (lang::is(parent_of(node), "defer_statement")) deferred = true;
          if (lang::null(done)) done = node;
        }
        return true;
      });
      if (!lang::null(done) && !deferred) {
        TSNode early{};
        for_each_node(fn.body, [&](TSNode node) {
          if (lang::null(early) && lang::is(node, "return_statement") && ts_node_start_byte(node) < ts_node_start_byte(done))
            early = node;
          return lang::null(early);
        });
        if (!lang::null(early)) {
          std::string call = text_of(file, lang::field(done, "function"));
          Finding finding;
          finding.location = location_at(file, early);
          finding.enclosing_function = fn.display_name;
          finding.message = "this return skips " + call + "() (line " + std::to_string(lang::line_of(done)) +
                            "): the WaitGroup never reaches zero and its Wait blocks forever";
          finding.fix = "defer " + call + "() as the goroutine's first statement";
          finding.related.push_back({location_at(file, done), "Done is called only here"});
          sink.report(std::move(finding), fn.display_name + "|done|" + call);
        }
      }
    }
    // Wait inside the loop that adds.
    for_each_node(fn.body, [&](TSNode node) {
      TSNode wg = waitgroup_call(file, node, "Wait", groups);
      if (lang::null(wg)) return true;
      TSNode loop = ancestor_of(node, fn.body, {"for_statement"});
      if (lang::null(loop)) return true;
      // A conditional Wait (`if sequential { wg.Wait() }`) is a choice, and a group declared
      // inside the loop is a fresh one per iteration: both wait per iteration on purpose.
      if (!lang::null(ancestor_of(node, loop, {"if_statement", "expression_switch_statement", "select_statement"})))
        return true;
      std::string group = text_of(file, wg);
      bool fresh = false;
      for_each_node(lang::field(loop, "body"), [&](TSNode inner) {
        if ((lang::is(inner, "var_spec") || lang::is(inner, "short_var_declaration")) &&
            text_of(file, lang::is(inner, "var_spec") ? lang::field(inner, "name") : lang::field(inner, "left")) == group)
          fresh = true;
        return !fresh;
      });
      if (fresh) return true;
      bool adds = false;
      for_each_node(lang::field(loop, "body"), [&](TSNode inner) {
        // Batches (Add in an inner loop, Wait once per batch) are fine: the same innermost loop only.
        TSNode added = waitgroup_call(file, inner, "Add", groups);
        if (!lang::null(added) && text_of(file, added) == text_of(file, wg) &&
            ts_node_eq(ancestor_of(inner, fn.body, {"for_statement"}), loop))
          adds = true;
        return !adds;
      });
      if (!adds) return true;
      Finding finding;
      finding.location = location_at(file, node);
      finding.enclosing_function = fn.display_name;
      finding.message = text_of(file, wg) + ".Wait inside the loop that calls " + text_of(file, wg) +
                        ".Add: each iteration waits for its own goroutine, so nothing runs in parallel, and a Done "
                        "that depends on a later iteration deadlocks";
      finding.fix = "move " + text_of(file, wg) + ".Wait() after the loop";
      finding.related.push_back({location_at(file, loop), "the loop"});
      sink.report(std::move(finding), fn.display_name + "|wait|" + text_of(file, wg));
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
