#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lang/tree_sitter.h"

namespace patchgate::checks::go {

// The named nodes under a root in pre-order, with where each one's subtree ends: walks replay
// it instead of moving a tree cursor (tree-sitter's cursor is most of a walk's cost).
struct NodeList {
  std::vector<TSNode> nodes;     // nodes[0] is the root
  std::vector<uint32_t> end;     // one past the last node of each node's subtree
  std::vector<uint8_t> literal;  // 1 for func_literal nodes
  std::vector<TSSymbol> symbol;  // each node's ts_node_symbol, read once while flattening
  std::vector<uint32_t> parent;  // the index of each node's parent; kNoParent for the list's root
  static constexpr uint32_t kNoParent = UINT32_MAX;
};

// A parsed Go source file of one package.
struct SourceFile {
  std::string path;  // repository-relative
  lang::Tree tree;
  std::map<std::string, std::string> imports;  // local name -> import path ("sync" -> "sync"; "." for a dot import)
  bool syntax_errors = false;
  bool bodies_skipped = false;  // parsed without some function bodies (go/partial.h)
  // Every named node of tree, pre-order: made by whoever parsed it (on the parsing thread), or
  // else by the Package that indexes it.
  NodeList nodes;
};

// A type as written, resolved enough for lock analysis: `*sync.Mutex` is {pkg "sync", name "Mutex",
// pointer}; `Store` is {"", "Store"}; an anonymous struct is named after its fields ("struct#<hash>").
struct TypeRef {
  std::string package;  // import path, "" for this package
  std::string name;     // empty when unknown; "[]", "map" and "chan" for those kinds
  bool pointer = false;
  // For "[]", "map" and "chan": the element (the value type of a map), one level deep.
  std::string elem_package, elem_name;
  bool elem_pointer = false;
  bool empty() const { return name.empty(); }
  bool is(const char* pkg, const char* type) const { return package == pkg && name == type; }
  static TypeRef named(std::string package, std::string name, bool pointer) {
    TypeRef type;
    type.package = std::move(package);
    type.name = std::move(name);
    type.pointer = pointer;
    return type;
  }
  TypeRef element() const { return named(elem_package, elem_name, elem_pointer); }
};

struct Field {
  std::string name;  // for embedded fields, the type's name
  TypeRef type;
  bool embedded = false;
  // The lock that guards it, from `// +checklocks:mu`, `// guarded by mu` or `// protected by
  // mu` on or above the field: a path from the struct ("mu", "parent.mu"). Empty if none.
  std::string guarded_by;
  int guard_line = 0;
  std::string guard_file;
  bool guard_for_writes = false;  // "also guarded by": one of several guards; reads may use another
};

struct TypeDecl {
  std::string name;
  bool is_struct = false;
  bool is_interface = false;
  std::vector<Field> fields;  // struct fields in order
  TypeRef underlying;         // for `type T U` / `type T = U`
};

struct Param {
  std::string name;  // "" or "_" when unnamed
  TypeRef type;
};

// A lock a function says its caller must hold: `+checklocks:s.mu`, `REQUIRES: s.mu held`,
// `caller must hold s.mu`, or the `...Locked` name suffix (path empty: the receiver's only mutex).
struct LockRequirement {
  std::string path;    // as written: "s.mu", "mu"; "" for the name suffix
  std::string source;  // "+checklocks", "doc comment", "Locked suffix"
  int line = 0;        // where it is declared
};

// A function, method or function literal with a body.
struct Function {
  std::string name;           // "Allow" for a method; "" for a literal
  std::string receiver_type;  // "" for plain functions and literals
  std::string receiver_name;
  std::vector<Param> params;
  std::vector<TypeRef> results;
  TSNode node{};  // the declaration or func_literal
  TSNode body{};
  const SourceFile* file = nullptr;
  const Function* enclosing = nullptr;  // for literals: the function whose variables they capture
  std::vector<LockRequirement> requires_held;  // includes locks it releases (+checklocksrelease)
  std::vector<LockRequirement> excludes;       // +checklocksexclude: must not be held on entry
  std::vector<LockRequirement> acquires;       // +checklocksacquire: held on return, taken here
  std::vector<LockRequirement> releases;       // +checklocksrelease: held on entry, released here
  bool ignores_locks = false;                  // +checklocksignore: no lock findings inside

  // "TokenBucket.Allow", "helper", or "Allow.func1"-style names for literals.
  std::string display_name;

  // One bit per grammar symbol: the types of the named nodes in the declaration or literal (its
  // own literals included). Read by contains_type(fn, type).
  std::vector<uint64_t> node_types;
};

// Runs body(i) for every i < count, in any order, perhaps on several threads at once.
using ForEach = std::function<void(size_t count, const std::function<void(size_t)>& body)>;

class Package {
 public:
  // With `spread`, the files' declarations are indexed through it, each file on its own, and
  // then taken in file order; without, in place. The package is the same either way.
  Package(std::string dir, std::vector<SourceFile> files, const ForEach* spread = nullptr);
  Package(const Package&) = delete;
  Package& operator=(const Package&) = delete;

  const std::string& dir() const { return dir_; }
  const std::vector<SourceFile>& files() const { return files_; }
  // Declared functions and methods first (in file order), then every function literal.
  const std::deque<Function>& functions() const { return functions_; }

  const Function* function_named(const std::string& name) const;
  const Function* method(const std::string& type_name, const std::string& name) const;
  const TypeDecl* type_named(const std::string& name) const;
  std::optional<TypeRef> global_type(const std::string& name) const;
  bool has_global(const std::string& name) const { return globals_.count(name) > 0; }
  // False when no struct in the package's files, named or anonymous, can have a field `name`
  // (directly or promoted): find_field then finds nothing, so a caller may skip typing the operand.
  bool may_have_field(std::string_view name) const { return field_names_.count(name) > 0; }
  // The same for methods: false when no type of the package declares a method `name`.
  bool may_have_method(const std::string& name) const { return method_names_.count(name) > 0; }
  // Does any file of the package import `path`? A value can only have a type of a package that
  // some file names.
  bool imported_anywhere(const std::string& path) const { return imported_paths_.count(path) > 0; }

  // Follows `type T U` chains (bounded) to the declaration that says what T is.
  const TypeDecl* resolve_decl(const TypeRef& type) const;
  // The field of a struct type, searching embedded structs breadth-first (Go's promotion rule).
  // path_out receives the embedded hops, e.g. {"Inner", "mu"} for a promoted field.
  std::optional<Field> find_field(const TypeRef& type, const std::string& name, std::vector<std::string>* path_out) const;
  // The method of a named type, searching embedded types; path_out receives the embedded hops.
  const Function* find_method(const TypeRef& type, const std::string& name, std::vector<std::string>* path_out) const;

  // `s.cond = sync.NewCond(&s.mu)` anywhere in the package: the path of the lock beside a
  // cond field that its L is (".mu" for field "cond"), or nullptr.
  const std::string* cond_field_lock(const std::string& cond_field) const;
  // `c := sync.NewCond(&mu)` in fn (or the function it is nested in): the lock expression.
  std::optional<TSNode> cond_local_lock(const Function& fn, const std::string& name) const;

  // Parses a type node of file into a TypeRef (anonymous structs are registered on the fly).
  TypeRef type_of_node(TSNode node, const SourceFile& file) const;

 private:
  Package() = default;  // one file's declarations, indexed on their own (see the constructor)
  // Takes a part's declarations as if its file had been indexed here, after those before it.
  void absorb(Package& part);
  // Enters functions_[from...] (declared functions and methods) in the name indexes; the first
  // of a name stays.
  void name_functions(size_t from);
  void index_file(const SourceFile& file);
  void index_type_spec(TSNode spec, const SourceFile& file);
  void index_function(const std::vector<TSNode>& top, size_t at, const SourceFile& file);  // top[at]
  void index_literals(const SourceFile& file);
  void note_new_cond(TSNode call, const SourceFile& file, const Function* enclosing);
  std::vector<Param> params_of(TSNode list, const SourceFile& file) const;
  // Records the struct's fields under `name`; returns the name.
  std::string register_struct(TSNode struct_type, const SourceFile& file, const std::string& name) const;
  // The name a struct type written without one gets: from its text, so identical ones are one type.
  static std::string anonymous_struct_name(TSNode struct_type, const SourceFile& file);

  std::string dir_;
  std::vector<SourceFile> files_;
  std::deque<Function> functions_;
  std::map<std::string, const Function*> function_index_;
  std::map<std::string, std::map<std::string, const Function*>> method_index_;
  // Every struct type written in the files is one, named or not. Filled while the package is
  // built (typing a field registers the struct types it meets), never after.
  mutable std::map<std::string, TypeDecl> types_;
  std::map<std::string, TypeRef> globals_;
  // The field and type names written in any field declaration of the package's files.
  std::unordered_set<std::string_view> field_names_;
  std::unordered_set<std::string> method_names_;
  std::set<std::string> imported_paths_;
  bool sealed_ = false;  // built: nothing changes any more
  std::map<std::string, std::string> cond_fields_;                            // "cond" -> ".mu"
  std::map<std::pair<const Function*, std::string>, TSNode> cond_locals_;  // (outermost fn, name) -> lock
};

// True for sync.Mutex, sync.RWMutex and sync.Locker (pointer or value).
bool is_sync_lock_type(const TypeRef& type);
bool is_rwmutex_type(const TypeRef& type);

// Strips parentheses.
TSNode unparen(TSNode node);

}  // namespace patchgate::checks::go
