#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <map>
#include <vector>

namespace patchgate::checks::go {

RuleInfo ChannelCloseOwnershipCheck::info() {
  return lifecycle_rule_info("go-channel-close-ownership", Severity::kError, "sync-primitive", 3);
}

namespace {

// `close(x)`: the channel expression, or null.
TSNode closed_channel(const SourceFile& file, TSNode call) {
  if (!lang::is(call, "call_expression") || text_of(file, lang::field(call, "function")) != "close") return TSNode{};
  TSNode args = lang::field(call, "arguments");
  return lang::named_count(args) == 1 ? unparen(lang::named_child(args, 0)) : TSNode{};
}

// A close that runs at most once per goroutine or iteration only if nothing decides around it:
// inside an if, switch or select case it is guarded ("the last one closes", a closed flag).
bool conditional(TSNode node, TSNode stop) {
  return !lang::null(ancestor_of(node, stop, {"if_statement", "expression_case", "type_case", "communication_case",
                                                   "default_case"}));
}

// After `close(ch)`, on the same path, a send `ch <- v`: the statements following the close
// in its block, then those following each enclosing statement, up to the function body. A
// loop is not crossed (its next iteration is a different path), nor a block that ends first.
TSNode send_after_close(const SourceFile& file, TSNode statement, TSNode body, const std::string& channel) {
  for (TSNode current = statement; !lang::null(current) && !ts_node_eq(current, body);) {
    TSNode block = parent_of(current);
    for (TSNode next = ts_node_next_named_sibling(current); !lang::null(next); next = ts_node_next_named_sibling(next)) {
      TSNode send{};
      for_each_node(next, [&](TSNode node) {
        if (!lang::null(send)) return false;
        if (lang::is(node, "send_statement") && text_of(file, unparen(lang::field(node, "channel"))) == channel) send = node;
        return true;
      });
      if (!lang::null(send)) return send;
      if (ends_path(file, next)) return TSNode{};
    }
    // Climb to the statement holding this block; stop at loops and at anything that is not a block.
    TSNode holder = parent_of(block);
    while (!lang::null(holder) && !ts_node_eq(holder, body) &&
           (lang::is(holder, "block") || lang::is(holder, "if_statement") || lang::is(holder, "expression_case") ||
            lang::is(holder, "default_case") || lang::is(holder, "communication_case") || lang::is(holder, "type_case")))
      holder = parent_of(holder);
    if (lang::null(holder) || ts_node_eq(holder, body)) return TSNode{};
    if (!lang::is(holder, "expression_switch_statement") && !lang::is(holder, "type_switch_statement") &&
        !lang::is(holder, "select_statement"))
      return TSNode{};
    current = holder;
  }
  return TSNode{};
}

// Is fn a consumer of `channel`: does it receive from it in a loop (a range over it, or a
// receive inside a for) and never send on it?
bool receives_only(const SourceFile& file, TSNode body, const std::string& channel) {
  bool receives = false, sends = false;
  for_each_node(body, [&](TSNode node) {
    if (is_receive(node) && text_of(file, unparen(lang::field(node, "operand"))) == channel &&
        !lang::null(ancestor_of(node, body, {"for_statement"})))
      receives = true;
    if (lang::is(node, "range_clause") && text_of(file, unparen(lang::field(node, "right"))) == channel) receives = true;
    if (lang::is(node, "send_statement") && text_of(file, unparen(lang::field(node, "channel"))) == channel) sends = true;
    return true;
  }, true);
  return receives && !sends;
}

// `select { case <-ch: default: close(ch) }`: the close-if-not-closed idiom checks first.
bool checked_close(const SourceFile& file, TSNode call, TSNode body, const std::string& channel) {
  TSNode select = ancestor_of(call, body, {"select_statement"});
  if (lang::null(select)) return false;
  bool checks = false;
  for_each_node(select, [&](TSNode node) {
    if (is_receive(node) && text_of(file, unparen(lang::field(node, "operand"))) == channel) checks = true;
    return !checks;
  });
  return checks;
}

// Is `name` made in fn (or the functions it is nested in)?
bool made_here(const Function& fn, const std::string& name) {
  bool made = false;
  for (const Function* f = &fn; f && !made; f = f->enclosing)
    for_each_node(f->body, [&](TSNode node) {
      if (lang::is(node, "short_var_declaration") || lang::is(node, "assignment_statement")) {
        TSNode left = lang::field(node, "left"), right = lang::field(node, "right");
        for (uint32_t i = 0; i < lang::named_count(left) && i < lang::named_count(right); ++i)
          if (text_of(*f->file, lang::named_child(left, i)) == name &&
              buffered_make(*f->file, lang::named_child(right, i)))
            made = true;
      }
      return !made;
    });
  return made;
}

}  // namespace

void ChannelCloseOwnershipCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  // Closes by goroutine literals of one function, by channel: several owners of one close.
  std::map<std::pair<const Function*, std::string>, std::vector<std::pair<const Function*, TSNode>>> goroutine_closes;
  for (const auto& fn : package.functions()) {
    const SourceFile& file = *fn.file;
    if (!mentions(fn, "close")) continue;
    for_each_node(fn.body, [&](TSNode call) {
      TSNode channel = closed_channel(file, call);
      if (lang::null(channel)) return true;
      std::string name = text_of(file, channel);
      TSNode root = root_identifier(channel);
      std::string root_name = text_of(file, root);
      TSNode statement = parent_of(call);
      bool deferred = lang::is(statement, "defer_statement");
      auto report = [&](const std::string& message, const std::string& fix, const std::string& kind,
                        std::vector<RelatedLocation> related) {
        Finding finding;
        finding.location = location_at(file, call);
        finding.enclosing_function = fn.display_name;
        finding.message = message;
        finding.fix = fix;
        finding.related = std::move(related);
        sink.report(std::move(finding), fn.display_name + "|" + kind + "|" + name);
      };
      // A send on the same path after the close panics.
      if (TSNode send = deferred ? TSNode{} : send_after_close(file, statement, fn.body, name); !lang::null(send)) {
        report("close(" + name + ") and then a send on " + name + " on the same path: send on a closed channel panics",
               "close the channel only after the last send, in the one goroutine that sends",
               "send", {{location_at(file, send), "the send after the close"}});
        return true;
      }
      // The receiving side closing: the sender's next send panics.
      if (receives_only(file, fn.body, name) && !checked_close(file, call, fn.body, name) && !made_here(fn, name)) {
        report(fn.display_name + " only receives from " + name + " but closes it: the sender does not know, and its next "
               "send panics; the channel's owner (its sender) should close it",
               "let the goroutine that sends on the channel close it when it is done, and signal the sender to stop "
               "with a separate done channel or ctx",
               "receiver", {});
        return true;
      }
      // The rest is about closing one channel many times; `xs[i].done` is one channel per element.
      if (lang::null(root) || goes_through_index(channel)) return true;
      // In a loop, each iteration closes again, unless the close ends the loop or something decides around it.
      TSNode loop = ancestor_of(call, fn.body, {"for_statement"});
      if (!lang::null(loop) && !deferred && !conditional(call, loop) && !declared_in(file, loop).count(root_name)) {
        // Leaving after the close, or renewing the channel (`ch = make(chan T)`), closes each channel once.
        bool leaves = false;
        for (TSNode next = ts_node_next_named_sibling(statement); !lang::null(next); next = ts_node_next_named_sibling(next)) {
          leaves |= ends_path(file, next);
          if (lang::is(next, "assignment_statement") &&
              text_of(file, unparen(lang::named_child(lang::field(next, "left"), 0))) == name)
            leaves = true;
        }
        if (!leaves) {
          report("close(" + name + ") runs on every iteration of the loop: the second close panics",
                 "close the channel once, after the loop, or guard it with sync.Once", "loop",
                 {{location_at(file, loop), "the loop"}});
          return true;
        }
      }
      // In goroutines: once per goroutine started in a loop, or from several goroutines.
      TSNode start = concurrent_start_of(fn);
      if (!lang::null(start) && fn.enclosing && !conditional(call, fn.body) && !declared_names(fn).count(root_name) &&
          !conditional(start, fn.enclosing->body)) {
        // (A goroutine started under an if or case may be the only one that runs.)
        const Function& outer = *fn.enclosing;
        TSNode outer_loop = ancestor_of(start, outer.body, {"for_statement"});
        if (!lang::null(outer_loop) && !declared_in(file, outer_loop).count(root_name) &&
            !waits_each_iteration(file, outer_loop, start)) {
          report("every goroutine started in this loop closes " + name + ": the second close panics",
                 "close the channel once after all of them finish (wg.Wait() then close), or guard it with sync.Once",
                 "goroutines", {{location_at(file, start), "the goroutine, started once per iteration"}});
          return true;
        }
        if (lang::null(outer_loop)) goroutine_closes[{&outer, name}].push_back({&fn, call});
      }
      return true;
    });
  }
  for (const auto& [key, closes] : goroutine_closes) {
    if (closes.size() < 2) continue;
    const Function& second = *closes[1].first;
    const SourceFile& file = *second.file;
    Finding finding;
    finding.location = location_at(file, closes[1].second);
    finding.enclosing_function = key.first->display_name;
    finding.message = std::to_string(closes.size()) + " goroutines started by " + key.first->display_name +
                      " each close " + key.second + ": whichever closes second panics";
    finding.fix = "give the channel one owner that closes it, or guard the close with sync.Once";
    for (size_t i = 0; i < closes.size(); ++i)
      if (i != 1) finding.related.push_back({location_at(*closes[i].first->file, closes[i].second), "another close"});
    sink.report(std::move(finding), key.first->display_name + "|several|" + key.second);
  }
}

}  // namespace patchgate::checks::go
