#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <vector>

namespace patchgate::checks::go {

RuleInfo SelectDefaultCheck::info() {
  return lifecycle_rule_info("go-select-default", Severity::kWarning, "sync-primitive", 3);
}

namespace {

// The statements of a case, comments left out.
std::vector<TSNode> statements_of(TSNode clause) {
  std::vector<TSNode> statements;
  for (TSNode child : lang::named_children(clause))
    if (!lang::is(child, "comment") && !ts_node_eq(child, lang::field(clause, "communication"))) statements.push_back(child);
  return statements;
}

// A default that does nothing anyone can see: empty, or only a bare return, continue or break.
// For a spin, only what keeps the loop going counts: empty, continue, or an unlabelled break
// (which leaves the select, not the loop); a return or `break label` ends the loop.
bool silent_default(TSNode default_case, bool for_spin) {
  for (TSNode statement : statements_of(default_case)) {
    if (lang::is(statement, "continue_statement")) continue;
    if (lang::is(statement, "break_statement") && (!for_spin || lang::named_count(statement) == 0)) continue;
    if (!for_spin && lang::is(statement, "return_statement") && lang::named_count(statement) == 0) continue;
    return false;
  }
  return true;
}

// A value that only signals (`struct{}{}`, a bool, nil): a dropped signal is coalesced with the one
// already pending, which is the point of a non-blocking notify.
bool signal_value(const SourceFile& file, TSNode value) {
  value = unparen(value);
  std::string text = text_of(file, value);
  return text == "struct{}{}" || text == "true" || text == "false" || text == "nil" ||
         lang::is(value, "int_literal") || lang::is(value, "interpreted_string_literal");
}

}  // namespace

void SelectDefaultCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  for (const auto& fn : package.functions()) {
    if (!contains_type(fn, "select_statement")) continue;
    const SourceFile& file = *fn.file;
    for_each_of_type(fn.body, "select_statement", [&](TSNode select) {
      TSNode default_case{};
      std::vector<TSNode> sends;
      size_t cases = 0;
      for (TSNode clause : lang::named_children(select)) {
        if (lang::is(clause, "default_case")) default_case = clause;
        if (lang::is(clause, "communication_case")) {
          ++cases;
          if (TSNode comm = lang::field(clause, "communication"); lang::is(comm, "send_statement")) sends.push_back(comm);
        }
      }
      if (lang::null(default_case) || !silent_default(default_case, false)) return true;
      auto report = [&](TSNode at, const std::string& message, const std::string& fix, const std::string& kind) {
        Finding finding;
        finding.location = location_at(file, at);
        finding.enclosing_function = fn.display_name;
        finding.message = message;
        finding.fix = fix;
        finding.related.push_back({location_at(file, default_case), "the default"});
        sink.report(std::move(finding), fn.display_name + "|" + kind + "|" + text_of(file, at));
      };
      // `for { select { ...; default: } }` and nothing else in the loop: it spins a core.
      TSNode block = parent_of(select);
      TSNode loop = parent_of(block);
      if (lang::is(block, "block") && lang::is(loop, "for_statement") && is_endless_loop(loop) &&
          statements_of(block).size() == 1 && silent_default(default_case, true)) {
        report(select, "this loop's only statement is a select with an empty default: when no case is ready it spins, "
                       "burning a whole core while it waits",
               "drop the default so the select blocks until a case is ready (add a ctx.Done() or ticker case to wake it)",
               "spin");
        return true;
      }
      // A non-blocking send of data that the default throws away without a trace.
      if (sends.size() != cases) return true;  // a receive case: the select is polling, not dropping
      for (TSNode send : sends) {
        TSNode channel = lang::field(send, "channel");
        // Where the make is not found the capacity, and so the intent, is unknown.
        auto capacity = channel_capacity(package, fn, channel);
        if (!capacity) continue;
        std::string name = text_of(file, channel);
        if (*capacity == "0") {
          report(send, "a send on the unbuffered channel " + name + " with an empty default: unless a receiver is "
                       "waiting at that instant the value is dropped, with no error, log or count",
                 "block on the send (with a ctx.Done() case), buffer the channel, or count and log what is dropped",
                 "drop");
        } else if (*capacity != "1" && !signal_value(file, lang::field(send, "value"))) {
          // A one-slot channel with a non-blocking send is a mailbox: the first (or pending) value wins.
          report(send, "when " + name + " is full the default drops " + text_of(file, lang::field(send, "value")) +
                           " silently: no error, log or count says data was lost",
                 "block on the send with a ctx.Done() case for backpressure, or count and log what is dropped",
                 "drop");
        }
      }
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
