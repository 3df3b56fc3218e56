#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <vector>

namespace patchgate::checks::go {

RuleInfo LostCancelCheck::info() { return lifecycle_rule_info("go-lost-cancel", Severity::kError, "cancellation", 3); }

void LostCancelCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& fn : context.package().functions()) {
    const SourceFile& file = *fn.file;
    // Every context.With* call names the package and the constructor.
    if (!imports_path(file, "context") || !mentions(fn, "With")) continue;
    for_each_node(fn.body, [&](TSNode call) {
      if (!is_package_call(file, call, "context",
                           {"WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause",
                            "WithDeadlineCause"}))
        return true;
      // `ctx, cancel := context.WithTimeout(...)` / `ctx, cancel = ...`
      TSNode list = parent_of(call);
      TSNode statement = parent_of(list);
      if (!lang::is(statement, "short_var_declaration") && !lang::is(statement, "assignment_statement")) return true;
      TSNode left = lang::field(statement, "left");
      if (lang::named_count(left) != 2) return true;
      TSNode cancel_node = lang::named_child(left, 1);
      if (!lang::is(cancel_node, "identifier")) return true;  // stored in a field: someone else's to call
      std::string cancel = text_of(file, cancel_node);
      std::string made = text_of(file, lang::field(call, "function"));
      // A named result (`func f() (ctx context.Context, cancel func())`): handed to the caller.
      if (cancel != "_" && lang::is(lang::field(fn.node, "result"), "parameter_list")) {
        bool named_result = false;
        for_each_node(lang::field(fn.node, "result"), [&](TSNode n) {
          named_result |= lang::is(n, "identifier") && text_of(file, n) == cancel;
          return !named_result;
        });
        if (named_result) return true;
      }
      Finding finding;
      finding.enclosing_function = fn.display_name;
      finding.fix = "defer " + (cancel == "_" ? std::string("cancel") : cancel) + "() right after " + made;
      if (cancel == "_") {
        finding.location = location_at(file, cancel_node);
        finding.message = "the cancel func of " + made + " is discarded: the context (and its timer) stays alive "
                          "until its parent is cancelled";
        finding.fix = "keep it and defer cancel() right after " + made;
        sink.report(std::move(finding), fn.display_name + "|" + made + "|discarded");
        return true;
      }
      // The first use of cancel after the call, in this function or a closure of it.
      uint32_t after = ts_node_end_byte(statement);
      TSNode first_use{};
      for_each_node(
          fn.body,
          [&](TSNode node) {
            if (lang::is(node, "identifier") && ts_node_start_byte(node) >= after && text_of(file, node) == cancel &&
                (lang::null(first_use) || ts_node_start_byte(node) < ts_node_start_byte(first_use)))
              first_use = node;
            return true;
          },
          true);
      if (lang::null(first_use)) {
        finding.location = location_at(file, cancel_node);
        finding.message = cancel + ", the cancel func of " + made +
                          ", is never called: the context (and its timer) stays alive until its parent is cancelled";
        sink.report(std::move(finding), fn.display_name + "|" + made + "|unused");
        return true;
      }
      // A return between the call and the first use leaves without cancelling.
      TSNode early{};
      for_each_node(fn.body, [&](TSNode node) {
        if (lang::is(node, "return_statement") && ts_node_start_byte(node) >= after &&
            ts_node_end_byte(node) <= ts_node_start_byte(first_use) && lang::null(early))  // not `return ctx, cancel`
          early = node;
        return lang::null(early);
      });
      // When every use is a plain `cancel()` statement (no defer, not passed on or stored), each
      // later return must follow one in a block that holds the return: a cancel on one branch
      // does not cover the others.
      if (lang::null(early)) {
        std::vector<TSNode> calls;
        bool other_use = false;
        for_each_node(
            fn.body,
            [&](TSNode node) {
              if (!lang::is(node, "identifier") || ts_node_start_byte(node) < after || text_of(file, node) != cancel)
                return true;
              TSNode use_call = parent_of(node);
              if (lang::is(use_call, "call_expression") && lang::is(parent_of(use_call), "expression_statement") &&
                  lang::null(ancestor_of(node, fn.body, {"func_literal"})))
                calls.push_back(parent_of(use_call));
              else
                other_use = true;
              return true;
            },
            true);
        if (!other_use)
          for_each_node(fn.body, [&](TSNode node) {
            if (!lang::null(early)) return false;
            if (!lang::is(node, "return_statement") || ts_node_start_byte(node) < after) return true;
            bool covered = false;
            for (TSNode c : calls)
              if (ts_node_start_byte(c) < ts_node_start_byte(node)) {
                TSNode block = parent_of(c);
                covered |= ts_node_start_byte(block) <= ts_node_start_byte(node) &&
                           ts_node_end_byte(node) <= ts_node_end_byte(block);
              }
            if (!covered) early = node;
            return true;
          });
      }
      if (lang::null(early)) return true;
      finding.location = location_at(file, early);
      finding.message = "this return leaves without calling " + cancel + " (the cancel func of " + made +
                        ", line " + std::to_string(lang::line_of(call)) + "): the context and its timer leak";
      finding.related.push_back({location_at(file, call), "the context is made here"});
      sink.report(std::move(finding), fn.display_name + "|" + made + "|early");
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
