#include "checks/go/model/package.h"

#include "checks/go/model/syntax.h"
#include "core/shard.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

namespace patchgate::checks::go {

using lang::children_by_field;
using lang::field;
using lang::is;
using lang::named_children;

TSNode unparen(TSNode node) {
  while (is(node, "parenthesized_expression") || is(node, "parenthesized_type")) {
    if (ts_node_named_child_count(node) == 0) break;
    node = ts_node_named_child(node, 0);
  }
  return node;
}

bool is_sync_lock_type(const TypeRef& type) {
  return type.package == "sync" && (type.name == "Mutex" || type.name == "RWMutex" || type.name == "Locker");
}

bool is_rwmutex_type(const TypeRef& type) { return type.package == "sync" && type.name == "RWMutex"; }

namespace {

std::string unquote(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '`')) return std::string(text.substr(1, text.size() - 2));
  return std::string(text);
}

// The name a package is referred to by when imported without an alias: the last path element,
// skipping a major-version suffix ("gopkg.in/yaml.v3" -> "yaml", "x/v2" -> "x").
std::string default_import_name(const std::string& path) {
  std::string last = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  if (last.size() >= 2 && last[0] == 'v' && last.find_first_not_of("0123456789", 1) == std::string::npos &&
      path.rfind('/') != std::string::npos) {
    std::string rest = path.substr(0, path.rfind('/'));
    last = rest.substr(rest.rfind('/') == std::string::npos ? 0 : rest.rfind('/') + 1);
  }
  if (auto dot = last.find(".v"); dot != std::string::npos) last = last.substr(0, dot);
  for (char& c : last)
    if (c == '-') c = '_';
  return last;
}

void index_imports(SourceFile& file) {
  for (TSNode decl : named_children_in(file.nodes, file.tree.root())) {
    if (!is(decl, "import_declaration")) continue;
    std::vector<TSNode> specs;
    for (TSNode child : named_children(decl)) {
      if (is(child, "import_spec")) specs.push_back(child);
      if (is(child, "import_spec_list"))
        for (TSNode spec : named_children(child))
          if (is(spec, "import_spec")) specs.push_back(spec);
    }
    for (TSNode spec : specs) {
      std::string path = unquote(file.tree.text(field(spec, "path")));
      TSNode alias = field(spec, "name");
      std::string name = lang::null(alias) ? default_import_name(path) : std::string(file.tree.text(alias));
      if (name == "_") continue;  // "." is kept: a dot import brings names in unqualified
      file.imports[name] = path;
    }
  }
}

bool lock_path_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

std::string path_after(const std::string& text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  size_t end = pos;
  while (end < text.size() && lock_path_char(text[end])) ++end;
  std::string path = text.substr(pos, end - pos);
  while (!path.empty() && path.back() == '.') path.pop_back();
  return path;
}

// The paths following each occurrence of marker ("+checklocks:") in doc, with where each
// occurrence starts.
std::vector<std::pair<std::string, size_t>> paths_after(const std::string& doc, const std::string& lower,
                                                        const std::string& marker) {
  std::vector<std::pair<std::string, size_t>> out;
  for (size_t pos = lower.find(marker); pos != std::string::npos; pos = lower.find(marker, pos + 1)) {
    std::string path = path_after(doc, pos + marker.size());
    if (!path.empty()) out.emplace_back(path, pos);
  }
  return out;
}

// The lock state a doc comment declares: gVisor's checklocks annotations, and the prose forms
// "REQUIRES: s.mu held", "requires s.mu to be held", "caller must hold s.mu", "must be called
// with s.mu held". `line` is the doc's first line; each requirement records the line its own
// words are on (a finding cites it, and a change to that line alone brings the finding in).
void read_lock_annotations(const std::string& doc, int line, Function& fn) {
  std::string lower = lowercase(doc);
  auto line_at = [&](size_t pos) {
    return line + static_cast<int>(std::count(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  };
  for (const char* marker : {"+checklocks:", "+checklocksread:"})
    for (auto& [path, pos] : paths_after(doc, lower, marker)) fn.requires_held.push_back({path, "+checklocks", line_at(pos)});
  for (const char* marker : {"+checklocksrelease:", "+checklocksreleaseread:"})
    for (auto& [path, pos] : paths_after(doc, lower, marker)) {
      fn.requires_held.push_back({path, "+checklocksrelease", line_at(pos)});
      fn.releases.push_back({path, "+checklocksrelease", line_at(pos)});
    }
  for (const char* marker : {"+checklocksacquire:", "+checklocksacquireread:"})
    for (auto& [path, pos] : paths_after(doc, lower, marker))
      fn.acquires.push_back({path, std::string(marker, std::strlen(marker) - 1), line_at(pos)});
  for (auto& [path, pos] : paths_after(doc, lower, "+checklocksexclude:"))
    fn.excludes.push_back({path, "+checklocksexclude", line_at(pos)});
  fn.ignores_locks = lower.find("+checklocksignore") != std::string::npos;
  for (const char* marker : {"requires:", "requires ", "caller must hold ", "callers must hold ", "must be called with ",
                             "assumes ", "while holding the ", "while holding "}) {
    for (size_t pos = lower.find(marker); pos != std::string::npos; pos = lower.find(marker, pos + 1)) {
      // "call this function while holding e.mu", not "Flush writes while holding b.mu" (which
      // describes what the function itself does).
      if (std::string(marker).rfind("while", 0) == 0 &&
          lower.substr(pos >= 30 ? pos - 30 : 0, pos >= 30 ? 30 : pos).find("call") == std::string::npos)
        continue;
      size_t start = pos + std::string(marker).size();
      std::string path = path_after(doc, start);
      if (path.empty()) continue;
      std::string rest = lower.substr(start + path.size(), 40);
      bool holds = std::string(marker).find("hold") != std::string::npos || rest.find("held") != std::string::npos ||
                   rest.find("locked") != std::string::npos;
      if (holds) fn.requires_held.push_back({path, "doc comment", line_at(pos)});
    }
  }
}

// The guarding lock named by a field comment, or "".
std::string guard_in(const std::string& comment) {
  std::string lower = lowercase(comment);
  for (const char* marker : {"+checklocks:", "guarded by ", "protected by "}) {
    size_t pos = lower.find(marker);
    if (pos == std::string::npos) continue;
    std::string path = path_after(comment, pos + std::string(marker).size());
    if (!path.empty()) return path;
  }
  return "";
}

}  // namespace

Package::Package(std::string dir, std::vector<SourceFile> files, const ForEach* spread)
    : dir_(std::move(dir)), files_(std::move(files)) {
  auto prepare = [](SourceFile& file) {
    if (file.nodes.nodes.empty()) flatten(file.tree.root(), file.nodes);
    index_imports(file);
  };
  if (!spread || files_.size() < 2) {
    for (auto& file : files_) {
      prepare(file);
      size_t from = functions_.size();
      index_file(file);
      name_functions(from);
    }
  } else {
    // Each file's declarations are indexed on their own (largest first), and then taken in file
    // order: what one file declares does not depend on the others', except which of two
    // identical anonymous struct types is kept (the first) and which of two declarations of one
    // name in build-tagged files wins (the last), which absorb() decides as the loop above does.
    std::vector<uint64_t> sizes;
    for (const auto& file : files_) sizes.push_back(file.tree.source().size());
    const std::vector<size_t> order = largest_first(sizes);
    std::vector<std::unique_ptr<Package>> parts(files_.size());
    (*spread)(order.size(), [&](size_t k) {
      const size_t i = order[k];
      prepare(files_[i]);
      parts[i].reset(new Package());  // (its constructor is private)
      parts[i]->index_file(files_[i]);
    });
    for (auto& part : parts) absorb(*part);
  }
  for (const auto& file : files_)
    for (const auto& [name, path] : file.imports) imported_paths_.insert(path);
  for (const auto& file : files_) index_literals(file);
  sealed_ = true;
}

void Package::name_functions(size_t from) {
  for (size_t i = from; i < functions_.size(); ++i) {
    const Function* fn = &functions_[i];
    if (fn->receiver_type.empty()) {
      if (fn->name != "init" && fn->name != "_") function_index_.emplace(fn->name, fn);
    } else {
      method_index_[fn->receiver_type].emplace(fn->name, fn);
      method_names_.insert(fn->name);
    }
  }
}

void Package::absorb(Package& part) {
  size_t from = functions_.size();
  for (Function& fn : part.functions_) functions_.push_back(std::move(fn));
  name_functions(from);
  for (auto& [name, decl] : part.types_) {
    if (name.rfind("struct#", 0) == 0)
      types_.emplace(name, std::move(decl));  // an earlier file's, if any: the first met is kept
    else
      types_[name] = std::move(decl);
  }
  for (auto& [name, type] : part.globals_) globals_[name] = std::move(type);
}

TypeRef Package::type_of_node(TSNode node, const SourceFile& file) const {
  TypeRef out;
  for (int guard = 0; guard < 64 && !lang::null(node); ++guard) {
    node = unparen(node);
    if (is(node, "pointer_type")) {
      out.pointer = true;
      node = ts_node_named_child(node, 0);
      continue;
    }
    if (is(node, "generic_type")) {
      node = field(node, "type");
      continue;
    }
    if (is(node, "type_identifier")) {
      out.name = std::string(file.tree.text(node));
      return out;
    }
    if (is(node, "qualified_type")) {
      std::string alias(file.tree.text(field(node, "package")));
      auto it = file.imports.find(alias);
      out.package = it == file.imports.end() ? alias : it->second;
      out.name = std::string(file.tree.text(field(node, "name")));
      return out;
    }
    if (is(node, "struct_type")) {
      if (TSNode spec = parent_of(node); is(spec, "type_spec")) {  // `type T struct{...}`: T
        out.name = std::string(file.tree.text(field(spec, "name")));
        return out;
      }
      out.name = anonymous_struct_name(node, file);
      // Every struct type of the package's files was registered while it was indexed; one of
      // another tree is not registered now (the package no longer changes once built, so rules
      // may read it from several threads), and stays a name with no declaration.
      if (!sealed_ && !types_.count(out.name)) register_struct(node, file, out.name);
      return out;
    }
    if (is(node, "function_type")) {
      out.name = "func";  // a function value
      return out;
    }
    const char* container = is(node, "channel_type") ? "chan"
                            : is(node, "slice_type") || is(node, "array_type") || is(node, "implicit_length_array_type") ? "[]"
                            : is(node, "map_type") ? "map" : nullptr;
    if (container) {
      // The builtin kinds; no declaration in the package carries these names.
      TSNode element = is(node, "map_type") ? field(node, "value") : is(node, "channel_type") ? field(node, "value") : field(node, "element");
      TypeRef elem = type_of_node(element, file);
      out.name = container;
      out.elem_package = elem.package;
      out.elem_name = elem.name;
      out.elem_pointer = elem.pointer;
      return out;
    }
    break;  // slices, maps, channels, funcs, interfaces: not needed for lock analysis
  }
  return out;
}

std::string Package::anonymous_struct_name(TSNode struct_type, const SourceFile& file) {
  // Go's own identity for struct types: the same fields with the same types are the same type,
  // wherever and however it is written. So the name is a hash of its tokens, without the
  // separators between fields: it does not move when code above it does (lock classes and
  // fingerprints carry it), and it does not depend on which rule typed it first. Comments
  // count, since guard annotations live there.
  uint64_t hash = 14695981039346656037ull;  // FNV-1a
  auto add = [&](std::string_view bytes) {
    for (unsigned char byte : bytes) {
      hash ^= byte;
      hash *= 1099511628211ull;
    }
  };
  std::vector<TSNode> stack{struct_type};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    uint32_t children = ts_node_child_count(node);
    if (children == 0) {
      std::string_view token = file.tree.text(node);
      if (token.empty() || token == ";" || token == "\n") continue;
      add(token);
      add(" ");
      continue;
    }
    for (uint32_t i = children; i-- > 0;) stack.push_back(ts_node_child(node, i));
  }
  char name[32];
  std::snprintf(name, sizeof name, "struct#%016llx", static_cast<unsigned long long>(hash));
  return name;
}

std::string Package::register_struct(TSNode struct_type, const SourceFile& file, const std::string& name) const {
  const std::string& type_name = name;
  TypeDecl decl;
  decl.name = type_name;
  decl.is_struct = true;
  for (TSNode list : named_children(struct_type)) {
    if (!is(list, "field_declaration_list")) continue;
    auto members = named_children(list);
    for (size_t m = 0; m < members.size(); ++m) {
      TSNode field_decl = members[m];
      if (!is(field_decl, "field_declaration")) continue;
      TypeRef type = type_of_node(field(field_decl, "type"), file);
      // A guard annotation: a comment ending on the line above, or trailing on the same line.
      std::string guard;
      int guard_line = 0;
      bool guard_for_writes = false;
      int row = static_cast<int>(ts_node_start_point(field_decl).row);
      auto read_guard = [&](TSNode comment) {
        if (!guard.empty()) return;
        std::string text(file.tree.text(comment));
        guard = guard_in(text);
        if (guard.empty()) return;
        guard_line = lang::line_of(comment);
        guard_for_writes = text.find("also guarded by") != std::string::npos || text.find("also protected by") != std::string::npos;
      };
      if (m + 1 < members.size() && is(members[m + 1], "comment") &&
          ts_node_start_point(members[m + 1]).row == ts_node_end_point(field_decl).row)
        read_guard(members[m + 1]);
      // A comment above counts when it is on its own line, not trailing the previous field.
      if (m > 0 && is(members[m - 1], "comment") && static_cast<int>(ts_node_end_point(members[m - 1]).row) + 1 == row &&
          (m < 2 || ts_node_start_point(members[m - 1]).row > ts_node_end_point(members[m - 2]).row))
        read_guard(members[m - 1]);
      auto names = children_by_field(field_decl, "name");
      if (names.empty()) {
        // An embedded `*T` keeps its star outside the `type` field in this grammar.
        for (uint32_t i = 0; i < ts_node_child_count(field_decl); ++i)
          if (std::string_view(ts_node_type(ts_node_child(field_decl, i))) == "*") type.pointer = true;
        decl.fields.push_back({type.name, type, true, guard, guard_line, file.path, guard_for_writes});
      } else {
        for (TSNode n : names)
          decl.fields.push_back({std::string(file.tree.text(n)), type, false, guard, guard_line, file.path, guard_for_writes});
      }
    }
  }
  types_[type_name] = std::move(decl);
  return type_name;
}

void Package::index_type_spec(TSNode spec, const SourceFile& file) {
  std::string name(file.tree.text(field(spec, "name")));
  TSNode type = unparen(field(spec, "type"));
  if (is(type, "struct_type")) {
    register_struct(type, file, name);
    return;
  }
  TypeDecl decl;
  decl.name = name;
  decl.is_interface = is(type, "interface_type");
  decl.underlying = type_of_node(type, file);
  types_[name] = std::move(decl);
}

std::vector<Param> Package::params_of(TSNode list, const SourceFile& file) const {
  std::vector<Param> params;
  if (lang::null(list)) return params;
  if (!is(list, "parameter_list")) {  // a single unnamed result type
    params.push_back({"", type_of_node(list, file)});
    return params;
  }
  for (TSNode decl : named_children_in(file.nodes, list)) {
    if (!is(decl, "parameter_declaration") && !is(decl, "variadic_parameter_declaration")) continue;
    TypeRef type = type_of_node(field(decl, "type"), file);
    auto names = children_by_field(decl, "name");
    if (names.empty()) params.push_back({"", type});
    for (TSNode n : names) params.push_back({std::string(file.tree.text(n)), type});
  }
  return params;
}

void Package::index_function(const std::vector<TSNode>& top, size_t at, const SourceFile& file) {
  TSNode decl = top[at];
  Function fn;
  fn.node = decl;
  fn.body = field(decl, "body");
  fn.file = &file;
  fn.name = std::string(file.tree.text(field(decl, "name")));
  fn.params = params_of(field(decl, "parameters"), file);
  for (const auto& result : params_of(field(decl, "result"), file)) fn.results.push_back(result.type);
  if (is(decl, "method_declaration")) {
    auto receiver = params_of(field(decl, "receiver"), file);
    if (!receiver.empty()) {
      fn.receiver_name = receiver[0].name;
      fn.receiver_type = receiver[0].type.name;
    }
    fn.display_name = fn.receiver_type.empty() ? fn.name : fn.receiver_type + "." + fn.name;
  } else {
    fn.display_name = fn.name;
  }
  // The doc comment: the comment lines directly above the declaration.
  std::string doc;
  int doc_line = lang::line_of(decl);
  // (From the file's declarations: ts_node_prev_named_sibling starts over from the first child
  // each time, which made a file of thousands of declarations quadratic.)
  for (size_t i = at; i > 0 && is(top[i - 1], "comment"); --i) {
    TSNode prev = top[i - 1];
    if (static_cast<int>(ts_node_end_point(prev).row) + 2 < doc_line) break;
    doc = std::string(file.tree.text(prev)) + "\n" + doc;
    doc_line = lang::line_of(prev);
  }
  read_lock_annotations(doc, doc_line, fn);
  bool suffix = fn.name.size() > 6 && fn.name.compare(fn.name.size() - 6, 6, "Locked") == 0 &&
                !(fn.name.size() > 8 && fn.name.compare(fn.name.size() - 8, 8, "Unlocked") == 0);
  if (suffix && fn.requires_held.empty() && !fn.receiver_type.empty())
    fn.requires_held.push_back({"", "Locked suffix", lang::line_of(decl)});
  functions_.push_back(std::move(fn));  // named by name_functions
}

void Package::index_file(const SourceFile& file) {
  const std::vector<TSNode> top = named_children_in(file.nodes, file.tree.root());
  for (size_t at = 0; at < top.size(); ++at) {
    TSNode decl = top[at];
    if (is(decl, "function_declaration") || is(decl, "method_declaration")) {
      index_function(top, at, file);
    } else if (is(decl, "type_declaration")) {
      for (TSNode spec : named_children(decl))
        if (is(spec, "type_spec") || is(spec, "type_alias")) index_type_spec(spec, file);
    } else if (is(decl, "var_declaration")) {
      std::vector<TSNode> specs;
      for (TSNode child : named_children(decl)) {
        if (is(child, "var_spec")) specs.push_back(child);
        if (is(child, "var_spec_list"))
          for (TSNode spec : named_children(child))
            if (is(spec, "var_spec")) specs.push_back(spec);
      }
      for (TSNode spec : specs) {
        TSNode type_node = field(spec, "type");
        TypeRef type;
        if (!lang::null(type_node)) {
          type = type_of_node(type_node, file);
        } else if (TSNode values = field(spec, "value"); !lang::null(values) && ts_node_named_child_count(values)) {
          // `var cache = struct{...}{}` / `var s = &Store{}`: the literal's type.
          TSNode value = unparen(ts_node_named_child(values, 0));
          if (is(value, "unary_expression")) {
            type.pointer = true;
            value = unparen(field(value, "operand"));
          }
          if (is(value, "composite_literal")) {
            bool pointer = type.pointer;
            type = type_of_node(field(value, "type"), file);
            type.pointer = pointer;
          } else {
            type = TypeRef();
          }
        }
        for (TSNode n : children_by_field(spec, "name")) globals_[std::string(file.tree.text(n))] = type;
      }
    }
  }
}

void Package::index_literals(const SourceFile& file) {
  // One pre-order pass over the file's named nodes (kept for later walks too); each literal
  // remembers the innermost function around it, and each function the types of the nodes in it.
  const NodeList& list = file.nodes;
  std::map<std::pair<uint32_t, uint32_t>, Function*> declared;
  for (auto& fn : functions_)
    if (fn.file == &file) declared[{ts_node_start_byte(fn.node), ts_node_end_byte(fn.node)}] = &fn;
  std::map<const Function*, int> literal_counts;
  std::vector<std::pair<uint32_t, Function*>> around;  // (end byte, function) of the functions entered
  std::vector<std::pair<Function*, Function*>> nested;  // (literal, the function around it) in pre-order
  // Every node of the file is visited: its symbol is read once and compared with these.
  const TSLanguage* language = ts_tree_language(file.tree.root().tree);
  const uint32_t symbols = ts_language_symbol_count(language);
  for (auto& [range, fn] : declared) fn->node_types.assign((symbols + 63) / 64, 0);
  const TSSymbol function_declaration = lang::symbol_for(language, "function_declaration");
  const TSSymbol method_declaration = lang::symbol_for(language, "method_declaration");
  const TSSymbol func_literal = lang::symbol_for(language, "func_literal");
  const TSSymbol call_expression = lang::symbol_for(language, "call_expression");
  const TSSymbol field_declaration = lang::symbol_for(language, "field_declaration");
  const TSSymbol field_identifier = lang::symbol_for(language, "field_identifier");
  const TSSymbol type_identifier = lang::symbol_for(language, "type_identifier");
  const TSSymbol struct_type = lang::symbol_for(language, "struct_type");
  const TSSymbol type_spec = lang::symbol_for(language, "type_spec");
  const bool new_cond = file.tree.source().find("NewCond") != std::string::npos;
  uint32_t in_field_declaration = 0;  // one past the last node of the field declaration we are in
  for (uint32_t i = 0; i < list.nodes.size(); ++i) {
    TSNode node = list.nodes[i];
    TSSymbol symbol = list.symbol[i];
    if (symbol == field_declaration && i >= in_field_declaration) in_field_declaration = list.end[i];
    if (i < in_field_declaration && (symbol == field_identifier || symbol == type_identifier))
      field_names_.insert(file.tree.text(node));
    // (`type T struct{...}` is T, registered by index_type_spec.)
    if (symbol == struct_type && (list.parent[i] == NodeList::kNoParent || list.symbol[list.parent[i]] != type_spec)) {
      std::string name = anonymous_struct_name(node, file);
      if (!types_.count(name)) register_struct(node, file, name);
    }
    uint32_t start = lang::start_byte(node);
    while (!around.empty() && start >= around.back().first) around.pop_back();
    if (!around.empty() && symbol < symbols) around.back().second->node_types[symbol / 64] |= uint64_t{1} << (symbol % 64);
    if (symbol != function_declaration && symbol != method_declaration && symbol != func_literal &&
        symbol != call_expression)
      continue;
    Function* enclosing = around.empty() ? nullptr : around.back().second;
    if (symbol == function_declaration || symbol == method_declaration) {
      auto it = declared.find({start, ts_node_end_byte(node)});
      if (it != declared.end()) around.emplace_back(ts_node_end_byte(node), it->second);
    } else if (symbol == func_literal) {
      Function fn;
      fn.node = node;
      fn.body = field(node, "body");
      fn.file = &file;
      fn.params = params_of(field(node, "parameters"), file);
      fn.enclosing = enclosing;
      int n = ++literal_counts[enclosing];
      fn.display_name = (enclosing ? enclosing->display_name : std::string("init")) + ".func" + std::to_string(n);
      fn.node_types.assign((symbols + 63) / 64, 0);
      fn.node_types[symbol / 64] |= uint64_t{1} << (symbol % 64);
      functions_.push_back(std::move(fn));
      around.emplace_back(ts_node_end_byte(node), &functions_.back());
      nested.emplace_back(&functions_.back(), enclosing);
    } else if (new_cond) {
      note_new_cond(node, file, enclosing);
    }
  }
  // A function holds what its literals hold: innermost first, so each passes on its own literals'.
  for (auto it = nested.rbegin(); it != nested.rend(); ++it)
    if (Function* outer = it->second)
      for (size_t word = 0; word < outer->node_types.size(); ++word) outer->node_types[word] |= it->first->node_types[word];
}

void Package::note_new_cond(TSNode call, const SourceFile& file, const Function* enclosing) {
  TSNode function = unparen(field(call, "function"));
  if (!is(function, "selector_expression") || file.tree.text(field(function, "field")) != "NewCond") return;
  auto alias = file.imports.find(std::string(file.tree.text(field(function, "operand"))));
  if (alias == file.imports.end() || alias->second != "sync") return;
  TSNode args = field(call, "arguments");
  if (ts_node_named_child_count(args) != 1) return;
  TSNode lock = unparen(ts_node_named_child(args, 0));
  if (is(lock, "unary_expression")) lock = unparen(field(lock, "operand"));
  // The statement assigning the result: `x.cond = sync.NewCond(...)` or `c := sync.NewCond(...)`.
  TSNode list = parent_of(call);
  TSNode statement = parent_of(list);
  if (!is(statement, "assignment_statement") && !is(statement, "short_var_declaration")) return;
  TSNode left = field(statement, "left");
  if (ts_node_named_child_count(left) != 1 || ts_node_named_child_count(field(statement, "right")) != 1) return;
  TSNode target = unparen(ts_node_named_child(left, 0));
  if (is(target, "identifier")) {
    const Function* outer = enclosing;
    while (outer && outer->enclosing) outer = outer->enclosing;
    cond_locals_[{outer, std::string(file.tree.text(target))}] = lock;
    return;
  }
  if (!is(target, "selector_expression") || !is(lock, "selector_expression")) return;
  // The lock must sit beside the cond: same owner expression (`x.cond` and `x.mu`).
  std::string owner(file.tree.text(field(target, "operand")));
  std::string lock_text(file.tree.text(lock));
  if (lock_text.compare(0, owner.size() + 1, owner + ".") != 0) return;
  cond_fields_[std::string(file.tree.text(field(target, "field")))] = lock_text.substr(owner.size());
}

const std::string* Package::cond_field_lock(const std::string& cond_field) const {
  auto it = cond_fields_.find(cond_field);
  return it == cond_fields_.end() ? nullptr : &it->second;
}

std::optional<TSNode> Package::cond_local_lock(const Function& fn, const std::string& name) const {
  const Function* outer = &fn;
  while (outer->enclosing) outer = outer->enclosing;
  auto it = cond_locals_.find({outer, name});
  if (it == cond_locals_.end()) return std::nullopt;
  return it->second;
}

const Function* Package::function_named(const std::string& name) const {
  auto it = function_index_.find(name);
  return it == function_index_.end() ? nullptr : it->second;
}

const Function* Package::method(const std::string& type_name, const std::string& name) const {
  auto type_it = method_index_.find(type_name);
  if (type_it == method_index_.end()) return nullptr;
  auto it = type_it->second.find(name);
  return it == type_it->second.end() ? nullptr : it->second;
}

const TypeDecl* Package::type_named(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::optional<TypeRef> Package::global_type(const std::string& name) const {
  auto it = globals_.find(name);
  if (it == globals_.end()) return std::nullopt;
  return it->second;
}

const TypeDecl* Package::resolve_decl(const TypeRef& type) const {
  TypeRef current = type;
  for (int hops = 0; hops < 8; ++hops) {
    if (!current.package.empty() || current.empty()) return nullptr;
    const TypeDecl* decl = type_named(current.name);
    if (!decl || decl->is_struct) return decl;
    current = decl->underlying;
  }
  return nullptr;
}

std::optional<Field> Package::find_field(const TypeRef& type, const std::string& name,
                                         std::vector<std::string>* path_out) const {
  // Breadth-first over embedded structs, as Go resolves promoted fields (shallowest wins).
  struct Candidate {
    TypeRef type;
    std::vector<std::string> path;
  };
  std::vector<Candidate> level{{type, {}}};
  std::set<std::string> seen;
  for (int depth = 0; depth < 6 && !level.empty(); ++depth) {
    std::vector<Candidate> next;
    for (const auto& candidate : level) {
      const TypeDecl* decl = resolve_decl(candidate.type);
      if (!decl || !decl->is_struct || !seen.insert(decl->name).second) continue;
      for (const auto& f : decl->fields) {
        if (f.name == name) {
          if (path_out) {
            *path_out = candidate.path;
            path_out->push_back(name);
          }
          return f;
        }
      }
      for (const auto& f : decl->fields) {
        if (!f.embedded) continue;
        auto path = candidate.path;
        path.push_back(f.name);
        next.push_back({f.type, std::move(path)});
      }
    }
    level = std::move(next);
  }
  return std::nullopt;
}

const Function* Package::find_method(const TypeRef& type, const std::string& name,
                                     std::vector<std::string>* path_out) const {
  struct Candidate {
    TypeRef type;
    std::vector<std::string> path;
  };
  std::vector<Candidate> level{{type, {}}};
  std::set<std::string> seen;
  for (int depth = 0; depth < 6 && !level.empty(); ++depth) {
    std::vector<Candidate> next;
    for (const auto& candidate : level) {
      if (!candidate.type.package.empty() || candidate.type.empty()) continue;
      if (const Function* fn = method(candidate.type.name, name)) {
        if (path_out) *path_out = candidate.path;
        return fn;
      }
      const TypeDecl* decl = resolve_decl(candidate.type);
      if (!decl || !decl->is_struct || !seen.insert(decl->name).second) continue;
      for (const auto& f : decl->fields) {
        if (!f.embedded) continue;
        auto path = candidate.path;
        path.push_back(f.name);
        next.push_back({f.type, std::move(path)});
      }
    }
    level = std::move(next);
  }
  return nullptr;
}

}  // namespace patchgate::checks::go
