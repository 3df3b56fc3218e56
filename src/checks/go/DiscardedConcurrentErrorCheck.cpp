#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <set>

namespace patchgate::checks::go {

RuleInfo DiscardedConcurrentErrorCheck::info() {
  return lifecycle_rule_info("go-discarded-concurrent-error", Severity::kWarning, "error-propagation", 4);
}

namespace {

bool runs_concurrently(const Function& fn) {
  if (!lang::null(go_statement_of(fn))) return true;
  // `g.Go(func() error { ... })`: an errgroup task.
  TSNode args = parent_of(fn.node);
  TSNode call = parent_of(args);
  if (!lang::is(args, "argument_list") || !lang::is(call, "call_expression")) return false;
  TSNode function = unparen(lang::field(call, "function"));
  return lang::is(function, "selector_expression") && fn.file->tree.text(lang::field(function, "field")) == "Go";
}

}  // namespace

void DiscardedConcurrentErrorCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  // errgroup groups: `g, ctx := errgroup.WithContext(...)`, `var g errgroup.Group`, fields of that type.
  std::set<std::string> groups = names_declared_as(package, "golang.org/x/sync/errgroup", "Group", {"WithContext"});
  for (const auto& fn : package.functions()) {
    const SourceFile& file = *fn.file;
    // Test goroutines drop errors of calls the test is not about; the test's assertions judge.
    bool concurrent = runs_concurrently(fn) && !is_test_file(file);
    if (!concurrent && (groups.empty() || !mentions(fn, "Wait"))) continue;
    for_each_node(fn.body, [&](TSNode node) {
      // An unchecked errgroup Wait: a bare statement, or assigned to _.
      if (lang::is(node, "call_expression")) {
        TSNode function = unparen(lang::field(node, "function"));
        if (lang::is(function, "selector_expression") && text_of(file, lang::field(function, "field")) == "Wait") {
          TSNode operand = unparen(lang::field(function, "operand"));
          TSNode name = lang::is(operand, "selector_expression") ? lang::field(operand, "field") : operand;
          TSNode parent = parent_of(node);
          bool bare = lang::is(parent, "expression_statement");
          bool blank = lang::is(parent, "expression_list") && lang::is(parent_of(parent), "assignment_statement") &&
                       text_of(file, lang::field(parent_of(parent), "left")) == "_";
          if (groups.count(text_of(file, name)) && (bare || blank)) {
            Finding finding;
            finding.location = location_at(file, node);
            finding.enclosing_function = fn.display_name;
            finding.message = "the error of " + text_of(file, function) +
                              "() is dropped: it is the first error of the group's goroutines, the reason to use "
                              "an errgroup";
            finding.fix = "if err := " + text_of(file, function) + "(); err != nil { return err }";
            sink.report(std::move(finding), fn.display_name + "|" + text_of(file, function));
          }
        }
        return true;
      }
      if (!concurrent) return true;
      // `a, _ = call()` in a goroutine: the last value, the error, is thrown away.
      if (!lang::is(node, "assignment_statement") && !lang::is(node, "short_var_declaration")) return true;
      TSNode left = lang::field(node, "left"), right = lang::field(node, "right");
      uint32_t count = lang::named_count(left);
      if (count == 0 || lang::named_count(right) != 1) return true;
      TSNode call = unparen(lang::named_child(right, 0));
      if (!lang::is(call, "call_expression") || text_of(file, lang::named_child(left, count - 1)) != "_") return true;
      // A same-package callee tells whether its last result is an error; others are assumed to.
      TSNode function = unparen(lang::field(call, "function"));
      if (lang::is(function, "identifier")) {
        const Function* callee = package.function_named(text_of(file, function));
        if (callee && (callee->results.empty() || callee->results.back().name != "error")) return true;
      }
      if (count < 2) return true;  // `_ = conn.Close()` is a deliberate, visible choice
      if (has_trailing_comment(file, node)) return true;  // `// errors are tracked via p.error`
      Finding finding;
      finding.location = location_at(file, node);
      finding.enclosing_function = fn.display_name;
      finding.message = "the error of " + text_of(file, function) +
                        " is discarded inside concurrent work: when it fails, nobody hears of it and the zero "
                        "value is used as if it were the result";
      finding.fix = "return the error to the group (errgroup's Go) or send it on a result channel the caller reads";
      sink.report(std::move(finding), fn.display_name + "|" + text_of(file, function));
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
