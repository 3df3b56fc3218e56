#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo ContextInStructCheck::info() {
  return lifecycle_rule_info("go-context-in-struct", Severity::kWarning, "cancellation", 3);
}

namespace {

// A method of struct_name that starts a goroutine, or loops while reading the field: returns
// that go statement or the read in the loop, else null.
TSNode long_lived_use(const Package& package, const std::string& struct_name, const std::string& field_name) {
  for (const auto& fn : package.functions()) {
    if (fn.receiver_type != struct_name) continue;
    TSNode found{};
    for_each_node(
        fn.body,
        [&](TSNode node) {
          if (!lang::null(found)) return false;
          if (lang::is(node, "go_statement")) found = node;
          if (lang::is(node, "for_statement"))
            for_each_node(lang::field(node, "body"), [&](TSNode inner) {
              if (lang::is(inner, "selector_expression") && text_of(*fn.file, lang::field(inner, "field")) == field_name)
                found = inner;
              return lang::null(found);
            }, true);
          return true;
        },
        true);
    if (!lang::null(found)) return found;
  }
  return TSNode{};
}

}  // namespace

void ContextInStructCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  for (const auto& file : context.package().files()) {
    if (!imports_path(file, "context")) continue;  // no context.Context field can be declared here
    for_each_of_type(
        file.tree.root(), "field_declaration",
        [&](TSNode node) {
          TSNode type = lang::field(node, "type");
          auto member = lang::is(type, "qualified_type")
                            ? std::optional<std::string>(text_of(file, lang::field(type, "package")))
                            : std::nullopt;
          if (!member || file.imports.count(*member) == 0 || file.imports.at(*member) != "context" ||
              text_of(file, lang::field(type, "name")) != "Context")
            return false;
          TSNode owner = parent_of(parent_of(node));  // field_declaration_list -> struct_type
          TSNode spec = parent_of(owner);
          std::string struct_name = lang::is(spec, "type_spec") ? text_of(file, lang::field(spec, "name")) : "a struct";
          auto names = lang::children_by_field(node, "name");
          std::string field_name = names.empty() ? "Context" : text_of(file, names.front());
          // A per-operation state (a handshake, a request) may carry its call's context; a value
          // that starts goroutines or loops over work through the stored ctx outlives that call.
          TSNode use = long_lived_use(context.package(), struct_name, field_name);
          if (lang::null(use)) return false;
          Finding finding;
          finding.location = location_at(file, node);
          finding.enclosing_function = struct_name;
          finding.message = struct_name + "." + field_name +
                            " stores a context.Context: work done later through it runs under the context of "
                            "whoever built the value (often a request that has ended), not its caller's";
          finding.fix = "pass ctx as the first parameter of the methods that need it";
          // The use counts as part of the change too: a new loop over an old field is in scope.
          const Function* user = nullptr;
          for (const auto& f : context.package().functions())
            if (f.body.tree == use.tree && ts_node_start_byte(f.body) <= ts_node_start_byte(use) &&
                ts_node_end_byte(use) <= ts_node_end_byte(f.body) &&
                f.receiver_type == struct_name)
              user = &f;
          if (user) {
            Location at = location_at(*user->file, use);
            at.end_line = at.line;  // the line of the read or the go statement, not the whole body
            finding.related.push_back({at, "the stored context outlives its call here"});
          }
          sink.report(std::move(finding), struct_name + "." + field_name);
          return false;
        },
        true);
  }
}

}  // namespace patchgate::checks::go
