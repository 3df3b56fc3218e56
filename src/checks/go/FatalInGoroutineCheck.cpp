#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo FatalInGoroutineCheck::info() {
  return lifecycle_rule_info("go-fatal-in-goroutine", Severity::kError, "sync-primitive", 3);
}

namespace {

// The *testing.T/B/F or testing.TB that name refers to in fn or the functions it is nested in.
bool is_testing_value(const Function& fn, const std::string& name) {
  auto type = param_type(fn, name);
  return type && type->package == "testing" &&
         (type->name == "T" || type->name == "B" || type->name == "F" || type->name == "TB");
}

}  // namespace

void FatalInGoroutineCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  static const char* const stops[] = {"Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"};
  for (const auto& fn : context.package().functions()) {
    if (lang::null(go_statement_of(fn))) continue;
    const SourceFile& file = *fn.file;
    // The goroutine's body, closures called inside it included (they run on the goroutine).
    for_each_node(
        fn.body,
        [&](TSNode node) {
          if (lang::is(node, "func_literal") && !lang::null(parent_of(node)) &&
              lang::is(parent_of(parent_of(node)), "go_statement"))
            return false;  // a goroutine of its own, judged separately
          if (lang::is(node, "func_literal") && lang::is(parent_of(node), "argument_list")) {
            // `t.Run(name, func(t *testing.T) {...})`: a subtest has its own goroutine and its own t.
            TSNode callee = unparen(lang::field(parent_of(parent_of(node)), "function"));
            if (lang::is(callee, "selector_expression") && text_of(file, lang::field(callee, "field")) == "Run")
              return false;
          }
          if (!lang::is(node, "call_expression")) return true;
          TSNode function = unparen(lang::field(node, "function"));
          if (!lang::is(function, "selector_expression")) return true;
          TSNode operand = unparen(lang::field(function, "operand"));
          std::string method = text_of(file, lang::field(function, "field"));
          bool stop = false;
          for (const char* s : stops) stop |= method == s;
          if (!stop || !lang::is(operand, "identifier") || !is_testing_value(fn, text_of(file, operand))) return true;
          std::string call = text_of(file, function);
          Finding finding;
          finding.location = location_at(file, node);
          finding.enclosing_function = fn.display_name;
          finding.message = call + " in a goroutine: it ends only this goroutine (runtime.Goexit), not the test, "
                                   "which carries on or hangs waiting for it, and the failure can be lost";
          finding.fix = "report with " + text_of(file, operand) +
                        ".Error/Errorf and return, or send the error to the test goroutine";
          sink.report(std::move(finding), fn.display_name + "|" + call);
          return true;
        },
        true);
  }
}

}  // namespace patchgate::checks::go
