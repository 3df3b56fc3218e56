#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

#include <map>

namespace patchgate::checks::go {

RuleInfo CallWithoutContextCheck::info() {
  return lifecycle_rule_info("go-call-without-context", Severity::kWarning, "cancellation", 3);
}

namespace {

struct Variant {
  const char* package;
  const char* name;
  const char* instead;
};

const Variant* uncancellable(const std::string& package, const std::string& name) {
  static const Variant variants[] = {
      {"net/http", "Get", "http.NewRequestWithContext(ctx, ...) and a client's Do"},
      {"net/http", "Post", "http.NewRequestWithContext(ctx, ...) and a client's Do"},
      {"net/http", "PostForm", "http.NewRequestWithContext(ctx, ...) and a client's Do"},
      {"net/http", "Head", "http.NewRequestWithContext(ctx, ...) and a client's Do"},
      {"net/http", "NewRequest", "http.NewRequestWithContext(ctx, ...)"},
      {"os/exec", "Command", "exec.CommandContext(ctx, ...)"},
      {"net", "Dial", "a net.Dialer's DialContext(ctx, ...)"},
      {"net", "DialTimeout", "a net.Dialer's DialContext(ctx, ...)"},
      {"time", "Sleep", "a select on ctx.Done() and a timer"},
  };
  for (const auto& v : variants)
    if (package == v.package && name == v.name) return &v;
  return nullptr;
}

bool takes_context(const Function& fn) {
  for (const auto& p : fn.params)
    if (p.type.is("context", "Context")) return true;
  return false;
}

// `s.helper()` where s is a receiver or parameter of the function the call is in (or of a
// function it is written in, unless a literal between declares its own s): the same-package
// method its declared type has. Other selectors need the operand's type, which this rule does
// not work out.
const Function* receiver_method(const Package& package, const Function& fn, const SourceFile& file, TSNode selector) {
  TSNode operand = unparen(lang::field(selector, "operand"));
  if (!lang::is(operand, "identifier")) return nullptr;
  std::string method = text_of(file, lang::field(selector, "field"));
  if (!package.may_have_method(method)) return nullptr;
  auto type = param_type(fn, text_of(file, operand));
  return type && type->package.empty() ? package.find_method(*type, method, nullptr) : nullptr;
}

}  // namespace

void CallWithoutContextCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  // Same-package functions without a ctx parameter that make their own root context.
  std::map<const Function*, TSNode> makes_root;
  for (const auto& fn : package.functions()) {
    if (fn.name.empty() || takes_context(fn) || !imports_path(*fn.file, "context")) continue;
    if (!mentions(fn, "Background") && !mentions(fn, "TODO")) continue;
    for_each_node(fn.body, [&](TSNode node) {
      if (makes_root.count(&fn)) return false;
      if (is_package_call(*fn.file, node, "context", {"Background", "TODO"})) makes_root[&fn] = node;
      return true;
    });
  }
  for (const auto& fn : package.functions()) {
    std::string ctx = context_in_scope(fn);
    if (ctx.empty()) continue;
    const SourceFile& file = *fn.file;
    for_each_of_type(fn.body, "call_expression", [&](TSNode call) {
      TSNode function = unparen(lang::field(call, "function"));
      auto member = package_member(file, function);
      if (!member && (makes_root.empty() ||
                      (!lang::is(function, "identifier") && !lang::is(function, "selector_expression"))))
        return true;
      Finding finding;
      finding.location = location_at(file, call);
      finding.enclosing_function = fn.display_name;
      std::string callee = text_of(file, function);
      if (member) {
        const Variant* v = uncancellable(member->first, member->second);
        if (!v) return true;
        // `req, _ := http.NewRequest(...); req = req.WithContext(ctx)`: the older idiom, cancellable.
        if (member->second == "NewRequest" && text_of(file, fn.body).find(".WithContext(") != std::string::npos)
          return true;
        finding.message = callee + " cannot be cancelled: when " + ctx +
                          " is cancelled or times out, this call keeps waiting";
        finding.fix = "use " + std::string(v->instead);
        sink.report(std::move(finding), fn.display_name + "|" + callee);
        return true;
      }
      const Function* callee_fn = lang::is(function, "identifier") ? package.function_named(callee)
                                                                     : receiver_method(package, fn, file, function);
      auto root = callee_fn ? makes_root.find(callee_fn) : makes_root.end();
      if (root == makes_root.end()) return true;
      finding.message = callee + " takes no ctx and makes its own " + text_of(*callee_fn->file, lang::field(root->second, "function")) +
                        "(), so the work it does ignores " + ctx + "'s cancellation";
      finding.fix = "give " + callee + " a ctx parameter and pass " + ctx;
      finding.related.push_back({location_at(*callee_fn->file, root->second), "the root context is made here"});
      sink.report(std::move(finding), fn.display_name + "|" + callee);
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
