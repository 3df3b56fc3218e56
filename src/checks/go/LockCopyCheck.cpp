#include "checks/go/LockCopyCheck.h"

#include <algorithm>
#include <set>

#include "checks/go/lock_findings.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo LockCopyCheck::info() {
  RuleInfo info;
  info.id = "go-lock-copy";
  info.language = "go";
  info.severity = Severity::kError;
  info.category = "sync-primitive";
  info.checklist = 3;
  return info;
}

LockCopyCheck::LockCopyCheck(const RuleOptions&) {}

namespace {

bool is_sync_value(const TypeRef& type) {
  static const char* const names[] = {"Mutex", "RWMutex", "WaitGroup", "Once", "Cond"};
  if (type.pointer || type.package != "sync") return false;
  for (const char* name : names)
    if (type.name == name) return true;
  return false;
}

// The path to the first sync value held (not pointed to) by a value of `type`, e.g. "mu" or
// "stats.mu"; empty when there is none.
std::string held_lock_path(const Package& package, const TypeRef& type, std::set<std::string>& seen, int depth = 0) {
  if (type.pointer || depth > 6) return "";
  if (is_sync_value(type)) return "sync." + type.name;
  const TypeDecl* decl = package.resolve_decl(type);
  if (!decl || !decl->is_struct || !seen.insert(decl->name).second) return "";
  for (const auto& f : decl->fields) {
    if (f.type.pointer) continue;
    if (is_sync_value(f.type)) return f.name;
    std::string inner = held_lock_path(package, f.type, seen, depth + 1);
    if (!inner.empty()) return f.name + "." + inner;
  }
  return "";
}

std::string held_lock_path(const Package& package, const TypeRef& type) {
  std::set<std::string> seen;
  return held_lock_path(package, type, seen);
}

Location location_of_node(const SourceFile& file, TSNode node) {
  return Location{file.path, lang::line_of(node), lang::column_of(node), static_cast<int>(ts_node_end_point(node).row) + 1,
                  static_cast<int>(ts_node_end_point(node).column) + 1};
}

}  // namespace

void LockCopyCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  // Every sync value is spelled `sync.X` in a file that imports sync.
  if (std::none_of(package.files().begin(), package.files().end(),
                   [](const SourceFile& file) { return imports_path(file, "sync"); }))
    return;
  // Declarations and function literals alike: a literal's parameters and derefs copy as theirs do.
  for (const auto& fn : package.functions()) {
    const SourceFile& file = *fn.file;
    auto report = [&](TSNode at, const std::string& message, const std::string& fix, const std::string& key) {
      Finding finding;
      finding.location = location_of_node(file, at);
      finding.enclosing_function = fn.display_name;
      finding.message = message;
      finding.fix = fix;
      sink.report(std::move(finding), fn.display_name + "|" + key);
    };

    if (lang::is(fn.node, "method_declaration")) {
      TSNode receiver = lang::field(fn.node, "receiver");
      for (TSNode decl : lang::named_children(receiver)) {
        if (!lang::is(decl, "parameter_declaration")) continue;
        TypeRef type = package.type_of_node(lang::field(decl, "type"), file);
        std::string path = held_lock_path(package, type);
        if (path.empty()) continue;
        report(decl,
               fn.display_name + " has a value receiver: every call copies the " + type.name + " and its " + path +
                   ", so the method locks (or waits on) a copy that no other goroutine sees",
               "use a pointer receiver: func (" + fn.receiver_name + " *" + type.name + ") " + fn.name + "(...)",
               "receiver");
      }
    }
    for (TSNode decl : lang::named_children(lang::field(fn.node, "parameters"))) {
      if (!lang::is(decl, "parameter_declaration")) continue;
      TypeRef type = package.type_of_node(lang::field(decl, "type"), file);
      std::string path = held_lock_path(package, type);
      if (path.empty()) continue;
      std::string name = lang::children_by_field(decl, "name").empty()
                             ? std::string("a parameter")
                             : "parameter " + std::string(file.tree.text(lang::children_by_field(decl, "name")[0]));
      std::string type_name = (type.package.empty() ? "" : type.package + ".") + type.name;
      report(decl,
             name + " of " + fn.display_name + " takes a " + type_name + " by value, copying its " + path +
                 ": the callee's lock is not the caller's",
             "pass *" + type_name, "param|" + std::string(file.tree.text(decl)));
    }

    // `v := *p` (and `v = *p`) where *p holds a lock: the copy gets its own, unshared lock.
    if (lang::null(fn.body)) continue;
    // Only a pointer parameter or receiver (of fn or a function around it) can be dereferenced
    // that way: those whose pointee holds a lock, in the order they are looked up. With none, the
    // body is not walked.
    struct LockPointer {
      std::string name, type_name, path;
    };
    std::vector<LockPointer> pointers;
    std::set<std::string> declared;  // an inner literal's parameter hides an outer one of its name
    for (const Function* f = &fn; f; f = f->enclosing) {
      for (const auto& p : f->params) {
        if (p.name.empty() || p.name == "_" || !declared.insert(p.name).second || !p.type.pointer) continue;
        TypeRef pointee = p.type;
        pointee.pointer = false;
        if (std::string path = held_lock_path(package, pointee); !path.empty())
          pointers.push_back({p.name, pointee.name, path});
      }
      if (f->receiver_name.empty() || !declared.insert(f->receiver_name).second) continue;
      if (std::string path = held_lock_path(package, TypeRef::named("", f->receiver_type, false)); !path.empty())
        pointers.push_back({f->receiver_name, f->receiver_type, path});
    }
    if (pointers.empty()) continue;
    // The body's nodes (literals are functions of their own), replayed from the file's node list.
    for_each_node(fn.body, [&](TSNode node) {
      if (lang::is(node, "short_var_declaration") || lang::is(node, "assignment_statement")) {
        TSNode right = lang::field(node, "right");
        for (TSNode value : lang::named_children(right)) {
          value = unparen(value);
          if (!lang::is(value, "unary_expression") || file.tree.text(lang::field(value, "operator")) != "*") continue;
          TSNode operand = unparen(lang::field(value, "operand"));
          if (!lang::is(operand, "identifier")) continue;
          std::string name(file.tree.text(operand));
          for (const auto& pointer : pointers)
            if (pointer.name == name)
              report(value,
                     "*" + name + " copies a " + pointer.type_name + " with its " + pointer.path +
                         ": the copy's lock is separate from the original's, so it protects nothing",
                     "keep the pointer, or copy only the fields you need under the lock", "deref|" + name);
        }
      }
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
