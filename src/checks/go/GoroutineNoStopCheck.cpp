#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo GoroutineNoStopCheck::info() {
  return lifecycle_rule_info("go-goroutine-no-stop", Severity::kWarning, "sync-primitive", 3);
}

namespace {

// Can control leave the loop: a return, a goto, a break that targets it, a call that ends the
// goroutine? A break inside a nested for, switch or select leaves only that statement.
bool has_exit(const SourceFile& file, TSNode loop) {
  std::string label;
  if (TSNode parent = parent_of(loop); lang::is(parent, "labeled_statement"))
    label = text_of(file, lang::field(parent, "label"));
  bool exit = false;
  TSNode body = lang::field(loop, "body");
  for_each_node(body, [&](TSNode node) {
    if (exit) return false;
    if (lang::is(node, "return_statement") || lang::is(node, "goto_statement")) exit = true;
    if (lang::is(node, "break_statement")) {
      TSNode target = lang::named_children(node).empty() ? TSNode{} : lang::named_children(node).front();
      if (!lang::null(target)) {
        exit = text_of(file, target) == label;
      } else {
        TSNode inner = ancestor_of(node, loop, {"for_statement", "expression_switch_statement", "type_switch_statement",
                                                "select_statement"});
        exit = lang::null(inner);
      }
    }
    if (lang::is(node, "call_expression")) exit |= is_terminating_call(text_of(file, unparen(lang::field(node, "function"))));
    return true;
  });
  return exit;
}

}  // namespace

void GoroutineNoStopCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  for (const auto& fn : package.functions()) {
    if (!contains_type(fn, "go_statement")) continue;
    const SourceFile& file = *fn.file;
    // Goroutines of a program's main or init, or of an example, live as long as the program by design.
    const Function* outer = &fn;
    while (outer->enclosing) outer = outer->enclosing;
    if (outer->name == "main" || outer->name == "init" || outer->name.rfind("Example", 0) == 0 ||
        package_name(file) == "main")
      continue;
    for_each_of_type(fn.body, "go_statement", [&](TSNode go) {
      TSNode call = unparen(lang::named_child(go, 0));
      TSNode function = unparen(lang::field(call, "function"));
      // The goroutine's body: a literal, or a same-package function started by name.
      TSNode body{};
      const SourceFile* body_file = &file;
      std::string started;
      if (lang::is(function, "func_literal")) {
        body = lang::field(function, "body");
        started = "this goroutine";
      } else if (lang::is(function, "identifier") || lang::is(function, "selector_expression")) {
        const Function* callee = nullptr;
        if (lang::is(function, "identifier")) {
          callee = package.function_named(text_of(file, function));
        } else if (TSNode owner = unparen(lang::field(function, "operand")); lang::is(owner, "identifier")) {
          // `go s.loop()` on the receiver or a parameter of known type.
          auto type = param_type(fn, text_of(file, owner));
          if (type && type->package.empty())
            callee = package.find_method(*type, text_of(file, lang::field(function, "field")), nullptr);
        }
        if (callee) {
          body = callee->body;
          body_file = callee->file;
          started = "the goroutine running " + callee->display_name;
        }
      }
      if (lang::null(body)) return true;
      for_each_of_type(body, "for_statement", [&](TSNode loop) {
        if (!is_endless_loop(loop) || has_exit(*body_file, loop)) return true;
        Finding finding;
        finding.location = location_at(file, go);
        finding.enclosing_function = fn.display_name;
        finding.message = started + " loops forever (line " + std::to_string(lang::line_of(loop)) +
                          ") with no way out: no ctx.Done(), done channel or closed range can stop it, so it "
                          "outlives whatever started it";
        finding.fix = "select on ctx.Done() (or a done channel) in the loop and return, or range over a channel the owner closes";
        finding.related.push_back({location_at(*body_file, loop), "the loop that never ends"});
        sink.report(std::move(finding), fn.display_name + "|" + text_of(file, go));
        return false;
      });
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
