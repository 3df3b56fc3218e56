#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <vector>

namespace patchgate::checks::go {

RuleInfo GoroutineSendLeakCheck::info() {
  return lifecycle_rule_info("go-goroutine-send-leak", Severity::kError, "sync-primitive", 3);
}

namespace {

bool is_receive_of(const SourceFile& file, TSNode node, const std::string& channel) {
  if (!lang::is(node, "unary_expression") || text_of(file, lang::field(node, "operator")) != "<-") return false;
  TSNode operand = unparen(lang::field(node, "operand"));
  return lang::is(operand, "identifier") && text_of(file, operand) == channel;
}

}  // namespace

void GoroutineSendLeakCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& fn : context.package().functions()) {
    // A goroutine that sends on an unbuffered channel made here: `make(chan T)` and `go`.
    if (!contains_type(fn, "go_statement") || !contains_type(fn, "channel_type")) continue;
    const SourceFile& file = *fn.file;
    // Unbuffered channels made here.
    std::vector<std::pair<std::string, TSNode>> channels;
    for_each_of_type(fn.body, "short_var_declaration", [&](TSNode node) {
      TSNode left = lang::field(node, "left"), right = lang::field(node, "right");
      if (lang::named_count(left) == 1 && lang::named_count(right) == 1 &&
          is_unbuffered_make(file, lang::named_child(right, 0)))
        channels.emplace_back(text_of(file, lang::named_child(left, 0)), node);
      return true;
    });
    for (const auto& made : channels) {
      // Named copies, not structured bindings: clang 14 cannot capture those in the lambdas below.
      const std::string& channel = made.first;
      TSNode declaration = made.second;
      // Uses of the channel in this function itself (not in its goroutines): receives, and any
      // other use, which lets it escape to someone who may receive.
      std::vector<TSNode> receives;
      bool escapes = false;
      std::vector<TSNode> go_statements;
      for_each_node(fn.body, [&](TSNode node) {
        if (lang::is(node, "go_statement")) {
          go_statements.push_back(node);
          return true;
        }
        if (is_receive_of(file, node, channel)) {
          receives.push_back(node);
          return false;
        }
        if (lang::is(node, "range_clause") && text_of(file, unparen(lang::field(node, "right"))) == channel) {
          receives.push_back(node);
          return false;
        }
        if (lang::is(node, "identifier") && text_of(file, node) == channel &&
            !ts_node_eq(parent_of(parent_of(node)), declaration)) {
          TSNode parent = parent_of(node);
          bool closing = lang::is(parent, "argument_list") &&
                         text_of(file, lang::field(parent_of(parent), "function")) == "close";
          if (!closing) escapes = true;
        }
        return true;
      });
      if (escapes) continue;
      for (TSNode go : go_statements) {
        TSNode literal = unparen(lang::field(unparen(lang::named_child(go, 0)), "function"));
        if (!lang::is(literal, "func_literal")) continue;
        // A send on the channel in the goroutine, not guarded by a select with another way out.
        TSNode send{};
        for_each_node(lang::field(literal, "body"), [&](TSNode node) {
          if (!lang::null(send)) return false;
          if (lang::is(node, "send_statement")) {
            TSNode target = unparen(lang::field(node, "channel"));
            TSNode select = ancestor_of(node, literal, {"select_statement"});
            if (lang::is(target, "identifier") && text_of(file, target) == channel && lang::null(select))
              send = node;
          }
          return true;
        });
        if (lang::null(send)) continue;
        // How the receiver can go away first.
        std::string why;
        TSNode where{};
        uint32_t go_end = ts_node_end_byte(go);
        TSNode first_receive{};
        for (TSNode r : receives)
          if (ts_node_start_byte(r) > go_end && (lang::null(first_receive) || ts_node_start_byte(r) < ts_node_start_byte(first_receive)))
            first_receive = r;
        if (lang::null(first_receive)) {
          if (!receives.empty()) continue;  // received before the go statement (in a loop): not judged
          why = "nothing receives from " + channel + " after the goroutine starts";
          where = go;
        } else if (TSNode select = ancestor_of(first_receive, fn.body, {"select_statement"}); !lang::null(select)) {
          int cases = 0;
          for (TSNode clause : lang::named_children(select)) cases += lang::is(clause, "communication_case") ? 1 : 0;
          bool has_default = false;
          for (TSNode clause : lang::named_children(select)) has_default |= lang::is(clause, "default_case");
          if (cases < 2 && !has_default) continue;
          // Drained later on the other path (`case <-tick.C: kill(); <-done`).
          bool drained_later = false;
          for (TSNode r : receives)
            drained_later |= ts_node_start_byte(r) >= ts_node_end_byte(first_receive) &&
                             !ts_node_eq(ancestor_of(r, fn.body, {"select_statement"}), select);
          if (drained_later) continue;
          // The other cases only fail the test or crash: the leak is on a path that already failed.
          bool failing_only = true;
          for (TSNode clause : lang::named_children(select)) {
            if (!lang::is(clause, "communication_case") && !lang::is(clause, "default_case")) continue;
            bool ours = false;
            for_each_node(clause, [&](TSNode n) {
              if (ts_node_eq(n, first_receive)) ours = true;
              return !ours;
            });
            if (ours) continue;
            bool fails = false;
            for_each_node(clause, [&](TSNode n) {
              if (lang::is(n, "call_expression"))
                fails |= is_terminating_call(text_of(file, unparen(lang::field(n, "function"))));
              return !fails;
            });
            failing_only &= fails;
          }
          if (failing_only) continue;
          why = "the select at line " + std::to_string(lang::line_of(select)) +
                " can take another case and move on without receiving";
          where = select;
        } else {
          for_each_node(fn.body, [&](TSNode node) {
            if (!lang::null(where)) return false;
            if (lang::is(node, "return_statement") && ts_node_start_byte(node) > go_end &&
                ts_node_end_byte(node) <= ts_node_start_byte(first_receive))  // not `return <-ch`
              where = node;
            return true;
          });
          if (lang::null(where)) continue;
          why = "the return at line " + std::to_string(lang::line_of(where)) + " leaves before receiving";
        }
        Finding finding;
        finding.location = location_at(file, send);
        finding.enclosing_function = fn.display_name;
        finding.message = "this goroutine sends on the unbuffered channel " + channel + ", but " + why +
                          ": the send then blocks forever and the goroutine leaks, once per call of " + fn.display_name;
        finding.fix = "make the channel buffered (make(chan T, 1)) so the one send always completes, or select on ctx.Done() in the sender";
        finding.related.push_back({location_at(file, where), "the receiver can leave here"});
        finding.related.push_back({location_at(file, declaration), channel + " is made here"});
        sink.report(std::move(finding), fn.display_name + "|" + channel);
      }
    }
  }
}

}  // namespace patchgate::checks::go
