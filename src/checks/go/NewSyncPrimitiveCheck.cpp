#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo NewSyncPrimitiveCheck::info() {
  return lifecycle_rule_info("go-new-sync-primitive", Severity::kNote, "sync-primitive", 1);
}

namespace {

// The checklist question a declared type raises, or nullptr.
const char* question_for_type(const TypeRef& type) {
  if (type.package == "sync") {
    if (type.name == "Mutex" || type.name == "RWMutex") return "which fields does it guard, and is that written next to them?";
    if (type.name == "WaitGroup") return "who waits for it, and does every goroutine call Done on every path?";
    if (type.name == "Cond") return "which lock does it use, and does every Wait sit in a loop?";
    if (type.name == "Once") return "what happens when the function it runs fails?";
    if (type.name == "Pool") return "are values reset before reuse, and never used after Put?";
    if (type.name == "Map") return "is a plain map with a mutex simpler here?";
  }
  if (type.package == "sync/atomic") return "what ordering do the readers rely on, and is every access atomic?";
  if (type.package == "golang.org/x/sync/errgroup" && type.name == "Group")
    return "who checks Wait's error, and is the group's context used by every task?";
  if (type.package == "time" && (type.name == "Ticker" || type.name == "Timer")) return "who stops it?";
  return nullptr;
}

}  // namespace

void NewSyncPrimitiveCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  if (context.whole_tree()) return;  // everything is "new" in a whole-tree run
  const Package& package = context.package();
  for (const auto& file : package.files()) {
    if (!context.changed_file(file.path)) continue;
    auto note = [&](TSNode node, const std::string& what, const std::string& question) {
      Finding finding;
      finding.location = location_at(file, node);
      finding.message = what + ": " + question;
      finding.fix = "answer the question in a comment next to it";
      sink.report(std::move(finding), what);
    };
    for_each_node(
        file.tree.root(),
        [&](TSNode node) {
          if (lang::is(node, "go_statement")) {
            note(node, "new goroutine", "what bounds how many run, and what stops each one?");
          } else if (lang::is(node, "call_expression")) {
            TSNode function = unparen(lang::field(node, "function"));
            TSNode args = lang::field(node, "arguments");
            if (text_of(file, function) == "make" && lang::named_count(args) > 0 &&
                lang::is(lang::named_child(args, 0), "channel_type")) {
              note(node, "new channel", "who closes it, who owns the sends, and what if the receiver stops receiving?");
            } else if (auto member = package_member(file, function)) {
              const auto& [path, name] = *member;
              if (path == "sync/atomic") note(node, "new atomic operation " + text_of(file, function), "what ordering do the readers rely on, and is every access atomic?");
              if (path == "time" && (name == "NewTicker" || name == "NewTimer" || name == "AfterFunc" || name == "Tick"))
                note(node, "new " + text_of(file, function), name == "Tick" ? "time.Tick's ticker is never stopped; is that intended?" : "who stops it?");
              if (path == "sync" && name == "NewCond") note(node, "new sync.Cond", "which lock does it use, and does every Wait sit in a loop?");
              if (path == "golang.org/x/sync/errgroup" && name == "WithContext")
                note(node, "new errgroup", "who checks Wait's error, and is the group's context used by every task?");
            }
          } else if (lang::is(node, "field_declaration") || lang::is(node, "var_spec")) {
            TypeRef type = package.type_of_node(lang::field(node, "type"), file);
            if (const char* question = question_for_type(type)) {
              std::string name = type.package.substr(type.package.rfind('/') + 1) + "." + type.name;
              auto names = lang::children_by_field(node, "name");
              std::string declared = names.empty() ? "embedded " + name : text_of(file, names.front()) + " " + name;
              note(node, "new " + declared, question);
            }
          }
          return true;
        },
        true);
  }
}

}  // namespace patchgate::checks::go
