#include "checks/go/lifecycle_checks.h"
#include "checks/go/model/syntax.h"

namespace patchgate::checks::go {

RuleInfo RacySharedWriteCheck::info() {
  return lifecycle_rule_info("go-racy-shared-write", Severity::kError, "sync-primitive", 3);
}

namespace {

// Is `name` a map, from how the functions around the goroutine declare it?
bool is_map_local(const Function& fn, const std::string& name) {
  if (auto type = param_type(fn, name)) return type->name == "map";
  bool map = false;
  for (const Function* f = &fn; f && !map; f = f->enclosing) {
    const SourceFile& file = *f->file;
    for_each_node(f->body, [&](TSNode node) {
      if (lang::is(node, "var_spec")) {
        for (TSNode n : lang::children_by_field(node, "name"))
          if (text_of(file, n) == name) {
            TSNode type = lang::field(node, "type");
            TSNode value = lang::named_child(lang::field(node, "value"), 0);
            map |= lang::is(type, "map_type") || text_of(file, value).rfind("make(map[", 0) == 0 ||
                   lang::is(lang::field(unparen(value), "type"), "map_type");
          }
      } else if (lang::is(node, "short_var_declaration")) {
        TSNode left = lang::field(node, "left"), right = lang::field(node, "right");
        uint32_t count = lang::named_count(left);
        for (uint32_t i = 0; i < count && i < lang::named_count(right); ++i) {
          if (text_of(file, lang::named_child(left, i)) != name) continue;
          TSNode value = unparen(lang::named_child(right, i));
          map |= text_of(file, value).rfind("make(map[", 0) == 0 ||
                 (lang::is(value, "composite_literal") && lang::is(lang::field(value, "type"), "map_type"));
        }
      }
      return !map;
    });
  }
  return map;
}

// The map written by `target` (an index expression), if the type is known to be a map: a local
// or parameter, or a field of a receiver or parameter.
bool writes_map(const Package& package, const Function& fn, TSNode target) {
  TSNode operand = unparen(lang::field(target, "operand"));
  const SourceFile& file = *fn.file;
  if (lang::is(operand, "identifier")) return is_map_local(fn, text_of(file, operand));
  if (lang::is(operand, "selector_expression")) {
    TSNode owner = unparen(lang::field(operand, "operand"));
    if (!lang::is(owner, "identifier")) return false;
    auto owner_type = param_type(fn, text_of(file, owner));
    if (!owner_type) return false;
    auto f = package.find_field(*owner_type, text_of(file, lang::field(operand, "field")), nullptr);
    return f && f->type.name == "map";
  }
  return false;
}

// An Unlock on a path that then leaves (`mu.Unlock(); return`) releases only for that path.
bool leaves_after(const SourceFile& file, TSNode call) {
  TSNode statement = parent_of(call);
  for (TSNode next = ts_node_next_named_sibling(statement); !lang::null(next); next = ts_node_next_named_sibling(next))
    if (ends_path(file, next)) return true;
  return false;
}

// Is a lock held at `at` in the goroutine body: more Lock() calls than Unlock() calls before it
// in source order? A deferred Unlock, or one on a path that leaves, is not a release here.
bool lock_held_before(const SourceFile& file, TSNode body, TSNode at) {
  int held = 0;
  for_each_node(body, [&](TSNode node) {
    if (ts_node_start_byte(node) >= ts_node_start_byte(at)) return false;
    if (lang::is(node, "defer_statement")) return false;
    if (!lang::is(node, "call_expression")) return true;
    TSNode function = unparen(lang::field(node, "function"));
    if (!lang::is(function, "selector_expression")) return true;
    std::string method = text_of(file, lang::field(function, "field"));
    if (method == "Lock") ++held;
    if (method == "Unlock" && held > 0 && !leaves_after(file, node)) --held;
    return true;
  });
  return held > 0;
}

}  // namespace

void RacySharedWriteCheck::check_package(GoPackageContext& context, FindingSink& sink) {
  const Package& package = context.package();
  for (const auto& fn : package.functions()) {
    if (!fn.enclosing) continue;
    TSNode start = concurrent_start_of(fn);
    if (lang::null(start)) continue;
    const Function& outer = *fn.enclosing;
    TSNode loop = ancestor_of(start, outer.body, {"for_statement"});
    if (lang::null(loop)) continue;
    const SourceFile& file = *fn.file;
    // Goroutines that run one at a time, or that synchronise through atomics, are not judged.
    if (waits_each_iteration(file, loop, start) || uses_atomics(file, fn.body)) continue;
    // Names the goroutine has of its own, and names each iteration gets afresh.
    std::set<std::string> own = declared_names(fn);
    std::set<std::string> per_iteration = declared_in(file, loop);
    auto shared = [&](const std::string& name) {
      if (name == "_" || own.count(name) || per_iteration.count(name)) return false;
      for (const Function* f = &outer; f; f = f->enclosing) {
        if (f->receiver_name == name) return true;
        for (const auto& p : f->params)
          if (p.name == name) return true;
        if (declared_in(file, f->body).count(name)) return true;
      }
      return false;
    };
    auto report = [&](TSNode statement, TSNode target, const std::string& what) {
      if (lock_held_before(file, fn.body, statement)) return;
      Finding finding;
      finding.location = location_at(file, statement);
      finding.enclosing_function = outer.display_name;
      finding.message = "goroutines started in a loop all " + what + " with no lock held: concurrent writes race, " +
                        "and the race detector will flag it (or the runtime crash on the map)";
      finding.fix = "guard the write with a mutex, give each goroutine its own slot (results[i]) or send results on a channel";
      finding.related.push_back({location_at(file, start), "the goroutine, started once per iteration"});
      sink.report(std::move(finding), outer.display_name + "|" + text_of(file, target));
    };
    for_each_node(fn.body, [&](TSNode node) {
      if (lang::is(node, "inc_statement") || lang::is(node, "dec_statement")) {
        TSNode target = unparen(lang::named_child(node, 0));
        TSNode root = root_identifier(target);
        if (lang::null(root) || !shared(text_of(file, root))) return true;
        if (lang::is(target, "index_expression") && writes_map(package, fn, target))
          report(node, target, "write the map " + text_of(file, lang::field(target, "operand")));
        else if (!goes_through_index(target))
          report(node, target, "update " + text_of(file, target));
        return true;
      }
      if (!lang::is(node, "assignment_statement")) return true;
      TSNode left = lang::field(node, "left"), right = lang::field(node, "right");
      uint32_t count = lang::named_count(left);
      for (uint32_t i = 0; i < count; ++i) {
        TSNode target = unparen(lang::named_child(left, i));
        TSNode root = root_identifier(target);
        if (lang::null(root) || !shared(text_of(file, root))) continue;
        std::string name = text_of(file, target);
        if (lang::is(target, "index_expression")) {
          // A slice written at distinct indexes is the race-free idiom; a map is never safe.
          if (writes_map(package, fn, target))
            report(node, target, "write the map " + text_of(file, lang::field(target, "operand")));
          continue;
        }
        if (goes_through_index(target)) continue;  // results[i].err = err: each goroutine its own element
        TSNode value = unparen(lang::named_child(right, i));
        bool appends = lang::is(value, "call_expression") && text_of(file, lang::field(value, "function")) == "append";
        report(node, target, appends ? "append to " + name : "assign " + name);
      }
      return true;
    });
  }
}

}  // namespace patchgate::checks::go
