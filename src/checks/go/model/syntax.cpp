#include "checks/go/model/syntax.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace patchgate::checks::go {

using lang::field;
using lang::is;

namespace {

thread_local SyntaxCache* active_cache = nullptr;

// The walk itself: `visit` sees root, then every named node below it in pre-order, except
// function literals (and what is below them) unless into_literals.
template <typename Visit>
void walk(TSNode root, Visit&& visit, bool into_literals) {
  // A cursor walk: lang::named_child(i) restarts from the first child each time, which made
  // wide nodes quadratic.
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  bool descend = visit(root);
  for (;;) {
    if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
    } else {
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          ts_tree_cursor_delete(&cursor);
          return;
        }
      }
    }
    TSNode node = ts_tree_cursor_current_node(&cursor);
    if (!ts_node_is_named(node) || (!into_literals && is(node, "func_literal"))) {
      descend = false;
      continue;
    }
    descend = visit(node);
  }
}

}  // namespace

SyntaxCache::SyntaxCache() : previous_(active_cache) { active_cache = this; }
SyntaxCache::~SyntaxCache() { active_cache = previous_; }

void flatten(TSNode root, NodeList& out) {
  size_t expected = (ts_node_end_byte(root) - ts_node_start_byte(root)) / 8;  // Go: a named node per ~9 bytes
  out.nodes.reserve(out.nodes.size() + expected);
  out.end.reserve(out.end.size() + expected);
  out.literal.reserve(out.literal.size() + expected);
  out.symbol.reserve(out.symbol.size() + expected);
  out.parent.reserve(out.parent.size() + expected);
  const TSSymbol literal = lang::symbol_for(ts_tree_language(root.tree), "func_literal");
  // `open` holds the named nodes entered so far, one per level of the cursor (only named nodes
  // are entered); the innermost is the parent of the next node added.
  std::vector<uint32_t> open;
  auto add = [&](TSNode node) {
    out.parent.push_back(open.empty() ? NodeList::kNoParent : open.back());
    out.nodes.push_back(node);
    out.end.push_back(0);
    TSSymbol symbol = ts_node_symbol(node);
    out.literal.push_back(symbol == literal);
    out.symbol.push_back(symbol);
    return static_cast<uint32_t>(out.nodes.size() - 1);
  };
  // Iterative, so a deeply nested expression cannot exhaust the stack.
  open.push_back(add(root));
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  bool more = ts_tree_cursor_goto_first_child(&cursor);
  while (more) {
    TSNode node = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_named(node)) {
      uint32_t index = add(node);
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        open.push_back(index);
        continue;
      }
      out.end[index] = static_cast<uint32_t>(out.nodes.size());
    }
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        more = false;
        break;
      }
      out.end[open.back()] = static_cast<uint32_t>(out.nodes.size());
      open.pop_back();
      if (open.empty()) {
        more = false;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cursor);
  for (uint32_t index : open) out.end[index] = static_cast<uint32_t>(out.nodes.size());
}

std::optional<uint32_t> find_in(const NodeList& list, TSNode node) {
  // Pre-order sorts by start byte; the few nodes sharing node's start byte are told apart by identity.
  const std::vector<TSNode>& nodes = list.nodes;
  const uint32_t start = lang::start_byte(node);
  auto before = [start](const TSNode& n) { return lang::start_byte(n) < start; };
  // Walks ask for nodes near the one they asked for last: the search gallops out from the last
  // answer on this thread to bound the binary search (any hint gives the same answer).
  thread_local const NodeList* last_list = nullptr;
  thread_local size_t last = 0;
  const size_t n = nodes.size();
  size_t lo = 0, hi = n;  // the first node that does not start before `start` is in [lo, hi]
  if (last_list == &list && last < n) {
    size_t step = 1;
    if (before(nodes[last])) {  // it is after last: probe last+1, +2, +4, ... until one is not before
      const size_t base = last + 1;
      while (base + step - 1 < n && before(nodes[base + step - 1])) step *= 2;
      lo = base + step / 2;  // the probe before the last one was before
      hi = std::min(n, base + step - 1);
    } else {  // it is at or before last: probe last-1, -2, -4, ... until one is before
      while (step <= last && !before(nodes[last - step])) step *= 2;
      lo = step <= last ? last - step + 1 : 0;
      hi = last - step / 2;  // the probe before the last one was not before
    }
  }
  auto at = std::partition_point(nodes.begin() + static_cast<std::ptrdiff_t>(lo),
                                 nodes.begin() + static_cast<std::ptrdiff_t>(hi), before);
  for (; at != nodes.end() && lang::start_byte(*at) == start; ++at) {
    if (at->id == node.id && at->tree == node.tree) {
      last_list = &list;
      last = static_cast<size_t>(at - nodes.begin());
      return static_cast<uint32_t>(last);
    }
  }
  return std::nullopt;
}

TSNode noted(const NodeList& list, uint32_t i) {
  lang::note_type(list.nodes[i], lang::symbol_type(ts_tree_language(list.nodes[i].tree), list.symbol[i]));
  return list.nodes[i];
}

std::vector<TSNode> named_children_in(const NodeList& list, TSNode node) {
  if (lang::null(node)) return {};
  auto index = find_in(list, node);
  if (!index) return lang::named_children(node);
  std::vector<TSNode> out;
  for (uint32_t i = *index + 1; i < list.end[*index]; i = list.end[i]) out.push_back(list.nodes[i]);
  return out;
}

TSNode parent_of(TSNode node) {
  if (lang::null(node)) return node;
  if (const NodeList* list = active_cache ? active_cache->list_of(node.tree) : nullptr)
    if (auto index = find_in(*list, node); index && list->parent[*index] != NodeList::kNoParent)
      return list->nodes[list->parent[*index]];
  return ts_node_parent(node);
}

const NodeList* SyntaxCache::list_of(const TSTree* tree) const {
  auto adopted = lists_.find(tree);
  return adopted == lists_.end() ? nullptr : adopted->second;
}

void SyntaxCache::adopt(const Package& package) {
  for (const auto& file : package.files()) lists_[file.tree.root().tree] = &file.nodes;
}

const SyntaxCache::Flat* SyntaxCache::flat(TSNode root) {
  auto found = flats_.find({root.id, root.tree});
  if (found != flats_.end()) return &found->second;
  if (auto adopted = lists_.find(root.tree); adopted != lists_.end())
    if (auto index = find_in(*adopted->second, root))  // any node of an adopted file is in its list
      return &(flats_[{root.id, root.tree}] = Flat{adopted->second, *index});
  if (nodes_ >= kMaxNodes) return nullptr;
  NodeList& list = own_.emplace_back();
  flatten(root, list);
  nodes_ += list.nodes.size();
  return &(flats_[{root.id, root.tree}] = Flat{&list, 0});
}

namespace {

// The pre-order walk from root, replayed from the live SyntaxCache's list when it has root (else
// the tree is walked); visit is called on the nodes of symbol `only` (every node without it),
// and the others are stepped through as if visit had said true.
void replay(TSNode root, const std::function<bool(TSNode)>& visit, bool into_literals, std::optional<TSSymbol> only) {
  if (lang::null(root)) return;
  const SyntaxCache::Flat* cached = active_cache ? active_cache->flat(root) : nullptr;
  if (!cached) {
    if (!only) return walk(root, visit, into_literals);
    return walk(root, [&](TSNode node) { return ts_node_symbol(node) != *only || visit(node); }, into_literals);
  }
  const NodeList& list = *cached->list;
  const uint32_t first = cached->root;
  const uint32_t stop = list.end[first];
  uint32_t i = first;
  while (i < stop) {
    if (i > first && !into_literals && list.literal[i]) {
      i = list.end[i];
      continue;
    }
    i = (only && list.symbol[i] != *only) || visit(noted(list, i)) ? i + 1 : list.end[i];
  }
}

}  // namespace

void for_each_node(TSNode root, const std::function<bool(TSNode)>& visit, bool into_literals) {
  replay(root, visit, into_literals, std::nullopt);
}

void for_each_of_type(TSNode root, const char* type, const std::function<bool(TSNode)>& visit, bool into_literals) {
  if (lang::null(root)) return;
  replay(root, visit, into_literals, lang::symbol_for(ts_tree_language(root.tree), type));
}

bool contains_type(const Function& fn, const char* type) {
  if (fn.node_types.empty()) return true;  // not indexed: it may
  TSSymbol symbol = lang::symbol_for(ts_tree_language(fn.node.tree), type);
  return symbol / 64 < fn.node_types.size() && (fn.node_types[symbol / 64] >> (symbol % 64) & 1);
}

bool mentions(const Function& fn, std::string_view word) {
  return fn.file->tree.text(fn.body).find(word) != std::string_view::npos;
}

bool imports_path(const SourceFile& file, std::string_view path) {
  for (const auto& [alias, imported] : file.imports)
    if (imported == path) return true;
  return false;
}

std::optional<std::pair<std::string, std::string>> package_member(const SourceFile& file, TSNode expr) {
  expr = unparen(expr);
  if (!is(expr, "selector_expression")) return std::nullopt;
  TSNode operand = unparen(field(expr, "operand"));
  if (!is(operand, "identifier")) return std::nullopt;
  auto it = file.imports.find(std::string(file.tree.text(operand)));
  if (it == file.imports.end()) return std::nullopt;
  return std::make_pair(it->second, std::string(file.tree.text(field(expr, "field"))));
}

bool is_package_call(const SourceFile& file, TSNode call, const char* path, std::initializer_list<const char*> names) {
  if (!is(call, "call_expression")) return false;
  auto member = package_member(file, field(call, "function"));
  if (!member || member->first != path) return false;
  for (const char* name : names)
    if (member->second == name) return true;
  return false;
}

std::string text_of(const SourceFile& file, TSNode node) { return std::string(file.tree.text(node)); }

Location location_at(const SourceFile& file, TSNode node) {
  return Location{file.path, lang::line_of(node), lang::column_of(node), static_cast<int>(ts_node_end_point(node).row) + 1,
                  static_cast<int>(ts_node_end_point(node).column) + 1};
}

std::string context_in_scope(const Function& fn) {
  for (const Function* f = &fn; f; f = f->enclosing) {
    for (const auto& p : f->params)
      if (p.type.is("context", "Context") && !p.name.empty() && p.name != "_") return p.name;
    for (const auto& p : f->params)
      if (p.type.is("net/http", "Request") && p.type.pointer && !p.name.empty() && p.name != "_")
        return p.name + ".Context()";
  }
  return "";
}

TSNode ancestor_of(TSNode node, TSNode stop, std::initializer_list<const char*> types) {
  for (TSNode n = parent_of(node); !lang::null(n) && !ts_node_eq(n, stop); n = parent_of(n))
    for (const char* type : types)
      if (is(n, type)) return n;
  return TSNode{};
}

TSNode go_statement_of(const Function& fn) {
  if (!is(fn.node, "func_literal")) return TSNode{};
  TSNode call = parent_of(fn.node);
  while (is(call, "parenthesized_expression")) call = parent_of(call);
  if (!is(call, "call_expression")) return TSNode{};
  TSNode statement = parent_of(call);
  return is(statement, "go_statement") ? statement : TSNode{};
}

std::set<std::string> declared_in(const SourceFile& file, TSNode root) {
  std::set<std::string> names;
  auto add_left = [&](TSNode left) {
    if (lang::null(left)) return;
    if (is(left, "identifier")) {
      names.insert(text_of(file, left));
      return;
    }
    uint32_t count = lang::named_count(left);
    for (uint32_t i = 0; i < count; ++i)
      if (TSNode n = lang::named_child(left, i); is(n, "identifier")) names.insert(text_of(file, n));
  };
  for_each_node(root, [&](TSNode node) {
    if (is(node, "short_var_declaration")) add_left(field(node, "left"));
    if (is(node, "range_clause") && !lang::null(field(node, "left"))) {
      // `for k, v := range` declares; `for k, v = range` assigns: the operator tells.
      TSNode left = field(node, "left");
      TSNode op = ts_node_next_sibling(left);
      if (!lang::null(op) && file.tree.text(op) == ":=") add_left(left);
    }
    if (is(node, "var_spec") || is(node, "const_spec"))
      for (TSNode n : lang::children_by_field(node, "name")) names.insert(text_of(file, n));
    return true;
  });
  return names;
}

std::set<std::string> declared_names(const Function& fn) {
  std::set<std::string> names = declared_in(*fn.file, fn.body);
  for (const auto& p : fn.params) names.insert(p.name);
  return names;
}

TSNode concurrent_start_of(const Function& fn) {
  if (TSNode go = go_statement_of(fn); !lang::null(go)) return go;
  if (!is(fn.node, "func_literal")) return TSNode{};
  TSNode args = parent_of(fn.node);
  if (!is(args, "argument_list")) return TSNode{};
  TSNode call = parent_of(args);
  TSNode function = unparen(field(call, "function"));
  if (is(function, "selector_expression") && fn.file->tree.text(field(function, "field")) == "Go") return call;
  return TSNode{};
}

bool is_unbuffered_make(const SourceFile& file, TSNode value) {
  auto buffered = buffered_make(file, value);
  return buffered && !*buffered;
}

static std::optional<std::string> make_capacity(const SourceFile& file, TSNode value) {
  value = unparen(value);
  if (!is(value, "call_expression") || text_of(file, field(value, "function")) != "make") return std::nullopt;
  TSNode args = field(value, "arguments");
  uint32_t count = lang::named_count(args);
  if (count == 0 || !is(lang::named_child(args, 0), "channel_type")) return std::nullopt;
  return count == 1 ? std::string("0") : text_of(file, lang::named_child(args, 1));
}

std::optional<bool> buffered_make(const SourceFile& file, TSNode value) {
  auto capacity = make_capacity(file, value);
  if (!capacity) return std::nullopt;
  return *capacity != "0";
}

std::optional<std::string> channel_capacity(const Package& package, const Function& fn, TSNode channel) {
  const SourceFile& file = *fn.file;
  channel = unparen(channel);
  std::optional<std::string> found;
  // `name := make(chan T)` / `name = make(...)` / `var name = make(...)` in fn or a function it is nested in.
  auto match_assignment = [&](const SourceFile& in, TSNode node, const std::string& target, bool field_name) {
    bool spec = is(node, "var_spec");
    TSNode left = field(node, spec ? "name" : "left");
    TSNode right = field(node, spec ? "value" : "right");
    if (lang::null(left) || lang::null(right) || lang::named_count(right) != 1) return;
    TSNode l = spec ? left : unparen(lang::named_child(left, 0));
    if (field_name && is(l, "selector_expression")) l = field(l, "field");
    if (text_of(in, l) != target) return;
    if (auto c = make_capacity(in, lang::named_child(right, 0))) found = c;
  };
  if (is(channel, "identifier")) {
    std::string name = text_of(file, channel);
    for (const Function* f = &fn; f && !found; f = f->enclosing)
      for_each_node(f->body, [&](TSNode node) {
        if (is(node, "short_var_declaration") || is(node, "assignment_statement") || is(node, "var_spec"))
          match_assignment(*f->file, node, name, false);
        return !found;
      });
    return found;
  }
  if (!is(channel, "selector_expression")) return std::nullopt;
  // A field: `x.name = make(...)` or `name: make(...)` in a composite literal, anywhere in the package.
  std::string name = text_of(file, field(channel, "field"));
  for (const auto& f : package.files()) {
    for_each_node(
        f.tree.root(),
        [&](TSNode node) {
          if (is(node, "assignment_statement")) match_assignment(f, node, name, true);
          if (is(node, "keyed_element") && text_of(f, field(node, "key")) == name)
            if (auto c = make_capacity(f, lang::named_child(field(node, "value"), 0))) found = c;
          return !found;
        },
        true);
    if (found) break;
  }
  return found;
}

TSNode root_identifier(TSNode expr) {
  for (;;) {
    expr = unparen(expr);
    if (is(expr, "selector_expression") || is(expr, "index_expression") || is(expr, "unary_expression")) {
      expr = field(expr, "operand");
    } else {
      return is(expr, "identifier") ? expr : TSNode{};
    }
  }
}

bool goes_through_index(TSNode expr) {
  for (expr = unparen(expr); is(expr, "selector_expression") || is(expr, "index_expression") ||
                             is(expr, "unary_expression");
       expr = unparen(field(expr, "operand")))
    if (is(expr, "index_expression")) return true;
  return false;
}

bool ends_path(const SourceFile& file, TSNode statement) {
  if (is(statement, "return_statement") || is(statement, "break_statement") || is(statement, "continue_statement") ||
      is(statement, "goto_statement"))
    return true;
  if (is(statement, "expression_statement")) {
    TSNode call = unparen(lang::named_child(statement, 0));
    return is(call, "call_expression") && is_terminating_call(text_of(file, unparen(field(call, "function"))));
  }
  return false;
}

bool waits_each_iteration(const SourceFile& file, TSNode loop, TSNode start) {
  bool waits = false;
  for_each_node(field(loop, "body"), [&](TSNode node) {
    if (waits || is(node, "go_statement")) return false;
    if (ts_node_end_byte(node) <= ts_node_end_byte(start)) return ts_node_start_byte(node) < ts_node_end_byte(start);
    if (is_receive(node)) waits = true;
    if (is(node, "call_expression")) {
      TSNode function = unparen(field(node, "function"));
      waits |= is(function, "selector_expression") && text_of(file, field(function, "field")) == "Wait";
    }
    return true;
  });
  return waits;
}

bool uses_atomics(const SourceFile& file, TSNode body) {
  auto dot = file.imports.find(".");
  bool dot_imported = dot != file.imports.end() && dot->second == "sync/atomic";
  bool uses = false;
  for_each_node(body, [&](TSNode node) {
    if (!is(node, "call_expression")) return !uses;
    TSNode function = unparen(field(node, "function"));
    if (auto member = package_member(file, function); member && member->first == "sync/atomic") uses = true;
    // `import . "sync/atomic"`: StoreInt32(&x, 1).
    if (dot_imported && is(function, "identifier"))
      for (std::string_view prefix : {"Store", "Load", "Add", "Swap", "CompareAndSwap"})
        uses |= file.tree.text(function).substr(0, prefix.size()) == prefix;
    return !uses;
  });
  return uses;
}

bool is_endless_loop(TSNode loop) {
  for (TSNode child : lang::named_children(loop)) {
    if (is(child, "block") || is(child, "comment")) continue;
    if (is(child, "for_clause")) return lang::null(field(child, "condition"));
    return false;
  }
  return true;
}

bool is_receive(TSNode node) {
  return is(node, "unary_expression") && ts_node_type(ts_node_child(node, 0)) == std::string_view("<-");
}

std::set<std::string> names_declared_as(const Package& package, const char* path, const char* type,
                                        std::initializer_list<const char*> ctors) {
  std::set<std::string> names;
  for (const auto& file : package.files()) {
    // A file that does not import path cannot name its type, and one that never spells the
    // type's or a constructor's name cannot either.
    if (!imports_path(file, path)) continue;
    std::string_view source = file.tree.source();
    bool spelled = source.find(type) != std::string_view::npos;
    for (const char* ctor : ctors) spelled = spelled || source.find(ctor) != std::string_view::npos;
    if (!spelled) continue;
    // `path.type{}`, `&path.type{}`, `new(path.type)`, or one of the constructors.
    auto makes = [&](TSNode value) {
      value = unparen(value);
      if (is(value, "unary_expression")) value = unparen(field(value, "operand"));
      if (is(value, "composite_literal")) return package.type_of_node(field(value, "type"), file).is(path, type);
      if (!is(value, "call_expression")) return false;
      TSNode args = field(value, "arguments");
      if (text_of(file, field(value, "function")) == "new" && lang::named_count(args) == 1)
        return package.type_of_node(lang::named_child(args, 0), file).is(path, type);
      auto member = package_member(file, field(value, "function"));
      if (!member || member->first != path) return false;
      for (const char* ctor : ctors)
        if (member->second == ctor) return true;
      return false;
    };
    // Every named node of the file, function literals' included: from the file's list, by
    // symbol (a type name compared per node was a fiftieth of a whole-tree run).
    const TSLanguage* language = ts_tree_language(file.tree.root().tree);
    const TSSymbol typed[] = {lang::symbol_for(language, "field_declaration"), lang::symbol_for(language, "var_spec"),
                              lang::symbol_for(language, "parameter_declaration")};
    const TSSymbol assigned[] = {lang::symbol_for(language, "short_var_declaration"),
                                 lang::symbol_for(language, "assignment_statement")};
    const NodeList& list = file.nodes;
    for (size_t i = 0; i < list.nodes.size(); ++i) {
      const TSSymbol symbol = list.symbol[i];
      if (std::find(std::begin(typed), std::end(typed), symbol) != std::end(typed)) {
        TSNode node = list.nodes[i];
        if (package.type_of_node(field(node, "type"), file).is(path, type))
          for (TSNode n : lang::children_by_field(node, "name")) names.insert(text_of(file, n));
      } else if (std::find(std::begin(assigned), std::end(assigned), symbol) != std::end(assigned)) {
        TSNode node = list.nodes[i];
        TSNode right = field(node, "right");
        if (lang::named_count(right) != 1 || !makes(lang::named_child(right, 0))) continue;
        // The first target: `g, ctx := errgroup.WithContext(...)` names the group.
        TSNode target = unparen(lang::named_child(field(node, "left"), 0));
        if (is(target, "selector_expression")) target = field(target, "field");
        names.insert(text_of(file, target));
      }
    }
  }
  return names;
}

std::optional<TypeRef> param_type(const Function& fn, const std::string& name) {
  for (const Function* f = &fn; f; f = f->enclosing) {
    if (!f->receiver_name.empty() && f->receiver_name == name) return TypeRef::named("", f->receiver_type, true);
    for (const auto& p : f->params)
      if (p.name == name) return p.type;
  }
  return std::nullopt;
}

bool is_terminating_call(std::string_view callee) {
  static const char* const exact[] = {"panic",     "os.Exit",   "runtime.Goexit", "log.Fatal", "log.Fatalf",
                                      "log.Fatalln", "log.Panic", "log.Panicf",     "log.Panicln", "t.Skip",
                                      "t.Skipf",   "b.Skip",    "b.Skipf"};
  for (const char* name : exact)
    if (callee == name) return true;
  for (std::string_view suffix : {".Fatal", ".Fatalf", ".Fatalln", ".FailNow", ".SkipNow"})
    if (callee.size() > suffix.size() && callee.substr(callee.size() - suffix.size()) == suffix) return true;
  return false;
}

bool unwinds(std::string_view callee) {
  return callee == "panic" || callee == "log.Panic" || callee == "log.Panicf" || callee == "log.Panicln";
}

std::string lowercase(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string package_name(const SourceFile& file) {
  // The clause comes first, after comments: stop there rather than list every declaration.
  TSNode root = file.tree.root();
  for (uint32_t i = 0, count = lang::named_count(root); i < count; ++i) {
    TSNode child = ts_node_named_child(root, i);
    if (is(child, "package_clause"))
      for (TSNode name : lang::named_children(child))
        if (is(name, "package_identifier")) return text_of(file, name);
    if (!is(child, "comment")) break;
  }
  return "";
}

bool is_test_file(const SourceFile& file) {
  const std::string suffix = "_test.go";
  return file.path.size() >= suffix.size() && file.path.compare(file.path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_trailing_comment(const SourceFile& file, TSNode node) {
  const std::string& source = file.tree.source();
  size_t end = ts_node_end_byte(node);
  size_t line_end = source.find('\n', end);
  std::string_view rest(source.data() + end, (line_end == std::string::npos ? source.size() : line_end) - end);
  return rest.find("//") != std::string_view::npos;
}

}  // namespace patchgate::checks::go
