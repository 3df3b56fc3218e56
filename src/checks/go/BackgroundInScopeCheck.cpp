#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo BackgroundInScopeCheck::info() {
  return lifecycle_rule_info("go-background-in-scope", Severity::kWarning, "cancellation", 3);
}

namespace {

// Is fn, or a function literal it is nested in, the body of a `go` statement?
bool runs_in_goroutine(const Function& fn) {
  for (const Function* f = &fn; f; f = f->enclosing)
    if (!lang::null(go_statement_of(*f))) return true;
  return false;
}

}  // namespace

void BackgroundInScopeCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& fn : context.package().functions()) {
    std::string ctx = context_in_scope(fn);
    if (ctx.empty()) continue;
    const SourceFile& file = *fn.file;
    bool in_goroutine = runs_in_goroutine(fn);
    for_each_node(fn.body, [&](TSNode node) {
      if (!is_package_call(file, node, "context", {"Background", "TODO"})) return true;
      std::string call = text_of(file, lang::field(node, "function")) + "()";
      // `go s.audit(context.Background(), e)`: handed to a goroutine as it starts.
      bool goroutine = in_goroutine || !lang::null(ancestor_of(node, fn.body, {"go_statement"}));
      Finding finding;
      finding.location = location_at(file, node);
      finding.enclosing_function = fn.display_name;
      finding.message = goroutine ? call + " inside a goroutine of a function that has " + ctx +
                                        ": the goroutine is cut off from the caller's cancellation and deadline, so it "
                                        "outlives the request and piles up under load"
                                  : call + " where " + ctx + " is in scope: this work ignores the caller's cancellation "
                                           "and deadline";
      finding.fix = "pass " + ctx + " (or context.WithoutCancel(" + ctx + ") where detaching is intended)";
      sink.report_at(std::move(finding), fn.display_name + "|" + call, goroutine ? Severity::kError : Severity::kWarning);
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
