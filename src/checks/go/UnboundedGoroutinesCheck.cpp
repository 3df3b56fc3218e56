#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo UnboundedGoroutinesCheck::info() {
  return lifecycle_rule_info("go-unbounded-goroutines", Severity::kError, "sync-primitive", 3);
}

namespace {

// How a loop keeps going: "" for loops that end with their input's size or a count.
std::string unbounded_kind(const Package& package, const SourceFile& file, const Function& fn, TSNode loop) {
  bool has_clause = false;
  for (TSNode child : lang::named_children(loop)) {
    if (lang::is(child, "block") || lang::is(child, "comment")) continue;
    has_clause = true;
    if (lang::is(child, "for_clause")) {
      if (lang::null(lang::field(child, "condition"))) return "an endless loop";
      return "";  // counted
    }
    if (lang::is(child, "range_clause")) {
      TSNode right = unparen(lang::field(child, "right"));
      // A channel: a parameter or local of channel type, or a receive-only result.
      if (lang::is(right, "identifier")) {
        std::string name = text_of(file, right);
        if (auto type = param_type(fn, name); type && type->name == "chan" && type->package.empty())
          return "a loop over the channel " + name;
        bool made_here = false;
        for_each_node(fn.body, [&](TSNode node) {
          if (lang::is(node, "short_var_declaration") && text_of(file, lang::field(node, "left")) == name &&
              text_of(file, lang::field(node, "right")).rfind("make(chan", 0) == 0)
            made_here = true;
          return !made_here;
        });
        if (made_here) return "a loop over the channel " + name;
      }
      // A channel field of the receiver or of a parameter (`range w.jobs`).
      if (lang::is(right, "selector_expression")) {
        TSNode owner = unparen(lang::field(right, "operand"));
        auto owner_type = param_type(fn, text_of(file, owner));
        auto f = owner_type ? package.find_field(*owner_type, text_of(file, lang::field(right, "field")), nullptr)
                            : std::nullopt;
        if (f && f->type.name == "chan" && f->type.package.empty()) return "a loop over the channel " + text_of(file, right);
      }
      return "";
    }
    // `for cond {}`: runs while input keeps coming (scanner.Scan(), it.Next()) or a flag holds.
    if (lang::is(child, "call_expression")) return "a loop that runs while " + text_of(file, child) + " is true";
    return "";
  }
  return has_clause ? "" : "an endless loop";
}

// Anything in the loop body before the go statement that limits how many run at once.
bool bounded(const SourceFile& file, TSNode loop, TSNode go) {
  bool found = false;
  for_each_node(lang::field(loop, "body"), [&](TSNode node) {
    if (found) return false;
    if (ts_node_start_byte(node) >= ts_node_start_byte(go) && ts_node_end_byte(node) <= ts_node_end_byte(go)) return false;
    if (lang::is(node, "send_statement")) found = true;                                        // sem <- struct{}{}
    // `<-tokens` as a statement takes a slot; `msg := <-in` is the input itself.
    if (lang::is(node, "unary_expression") && text_of(file, lang::field(node, "operator")) == "<-" &&
        lang::is(parent_of(node), "expression_statement"))
      found = true;
    if (lang::is(node, "call_expression")) {
      TSNode function = unparen(lang::field(node, "function"));
      if (lang::is(function, "selector_expression")) {
        std::string name = text_of(file, lang::field(function, "field"));
        if (name == "Acquire" || name == "Wait" || name == "TryAcquire" || name == "Accept" || name == "AcceptTCP" ||
            name == "AcceptUnix")
          found = true;
      }
    }
    return true;
  });
  return found;
}

}  // namespace

void UnboundedGoroutinesCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& fn : context.package().functions()) {
    if (!contains_type(fn, "go_statement")) continue;
    const SourceFile& file = *fn.file;
    for_each_of_type(fn.body, "go_statement", [&](TSNode go) {
      TSNode loop = ancestor_of(go, fn.body, {"for_statement"});
      if (lang::null(loop)) return true;
      std::string kind = unbounded_kind(context.package(), file, fn, loop);
      if (kind.empty() || bounded(file, loop, go)) return true;
      Finding finding;
      finding.location = location_at(file, go);
      finding.enclosing_function = fn.display_name;
      finding.message = "a goroutine per iteration of " + kind + ", with nothing bounding how many run at once: "
                        "under load they pile up until memory runs out";
      finding.fix = "hand the work to a fixed pool of workers over a channel, or take a semaphore slot before go";
      finding.related.push_back({location_at(file, loop), "the loop"});
      sink.report(std::move(finding), fn.display_name + "|" + text_of(file, go));
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
