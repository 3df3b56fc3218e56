#pragma once

#include <deque>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checks/go/model/package.h"
#include "core/finding.h"

// Small syntactic helpers the goroutine, channel and cancellation rules share.
namespace patchgate::checks::go {

// Pre-order walk of the nodes under root. Function literals below root are not entered (each
// is a Function of its own) unless into_literals. `visit` returns false to skip a node's children.
void for_each_node(TSNode root, const std::function<bool(TSNode)>& visit, bool into_literals = false);
// for_each_node, visiting only the nodes of one type (and returning false from visit skips
// such a node's subtree): the rules that look for one kind of node skip calling back for every
// other.
void for_each_of_type(TSNode root, const char* type, const std::function<bool(TSNode)>& visit,
                      bool into_literals = false);

// The named nodes under root (itself first), pre-order, literals included, appended to out.
void flatten(TSNode root, NodeList& out);

// ts_node_parent, which descends from the root to find it: read from the node lists of the
// package a live SyntaxCache adopted when node is theirs (a named node's parent is named).
TSNode parent_of(TSNode node);

// node's index in list, which holds the named nodes of node's file; nullopt if it is not there.
std::optional<uint32_t> find_in(const NodeList& list, TSNode node);
// list.nodes[i], with node_type told its recorded symbol: visitors ask a node's type first.
TSNode noted(const NodeList& list, uint32_t i);
// lang::named_children(node), read from list (the named nodes of node's file) when node is in it.
std::vector<TSNode> named_children_in(const NodeList& list, TSNode node);

// While one is alive on a thread, for_each_node replays each root it walks from a pre-order
// array: the rules walk the same function bodies some thirty times per package. Any node of an
// adopted package's files replays the file's recorded list (SourceFile::nodes); other roots are
// flattened on first use. One per package analysis; not shared.
class SyntaxCache {
 public:
  SyntaxCache();
  ~SyntaxCache();
  SyntaxCache(const SyntaxCache&) = delete;
  SyntaxCache& operator=(const SyntaxCache&) = delete;

  // Walks of package's nodes (the package must outlive the cache) replay its files' node lists.
  void adopt(const Package& package);
  // The list of an adopted file's tree; nullptr for any other tree.
  const NodeList* list_of(const TSTree* tree) const;

  // A root's place in a node list: list->nodes[root] is the root, list->end[root] ends it.
  struct Flat {
    const NodeList* list = nullptr;
    uint32_t root = 0;
  };
  // The flattened root; nullptr once the cache's own lists hold kMaxNodes nodes (a generated
  // package of megabytes walks uncached rather than double its memory).
  const Flat* flat(TSNode root);
  static constexpr size_t kMaxNodes = 1u << 20;

 private:
  struct KeyHash {
    size_t operator()(const std::pair<const void*, const void*>& key) const {
      return std::hash<const void*>()(key.first) * 31 + std::hash<const void*>()(key.second);
    }
  };
  std::unordered_map<std::pair<const void*, const void*>, Flat, KeyHash> flats_;
  std::unordered_map<const TSTree*, const NodeList*> lists_;  // adopted files' lists, by tree
  std::deque<NodeList> own_;  // lists of roots flattened on first use
  size_t nodes_ = 0;
  SyntaxCache* previous_;
};

// Is there a named node of `type` in the function, signature and literals included? Read from the
// node types its package recorded while indexing it: a first test that lets a rule skip a
// function that cannot hold what it looks for, without walking it.
bool contains_type(const Function& fn, const char* type);
// Does the function's body (literals included) contain `word`? The same kind of first test, for
// names (`Wait`, `close`); false for a function without a body.
bool mentions(const Function& fn, std::string_view word);

// Does file import the package at `path` (under any name)?
bool imports_path(const SourceFile& file, std::string_view path);

// `alias.Name` where alias is an import of file: the import path and "Name".
std::optional<std::pair<std::string, std::string>> package_member(const SourceFile& file, TSNode expr);
// A call of one of `names` from the package imported as `path` ("context", {"Background", "TODO"}).
bool is_package_call(const SourceFile& file, TSNode call, const char* path, std::initializer_list<const char*> names);

std::string text_of(const SourceFile& file, TSNode node);
Location location_at(const SourceFile& file, TSNode node);

// The context a function can see: a context.Context parameter of it or of a function it is
// nested in ("ctx"), or the context of an *http.Request parameter ("r.Context()"); "" if none.
std::string context_in_scope(const Function& fn);

// The nearest ancestor of node, below stop, whose type is one of types; null if none.
TSNode ancestor_of(TSNode node, TSNode stop, std::initializer_list<const char*> types);

// For a function literal: the `go` statement that starts it (`go func() {...}()`), or null.
TSNode go_statement_of(const Function& fn);

// The names a function literal declares itself (parameters, :=, var, range variables), so a
// name it uses but does not declare is captured from outside.
std::set<std::string> declared_names(const Function& fn);
// The names declared anywhere under root (:=, var, const, range variables); no parameters.
std::set<std::string> declared_in(const SourceFile& file, TSNode root);

// For a function literal run concurrently: its `go` statement, or the `g.Go(...)` call of an
// errgroup-style group that runs it; null otherwise.
TSNode concurrent_start_of(const Function& fn);

// `make(chan T, n)`: whether it has a buffer; nullopt for any other expression.
std::optional<bool> buffered_make(const SourceFile& file, TSNode value);
bool is_unbuffered_make(const SourceFile& file, TSNode value);
// `<-x`
bool is_receive(TSNode node);

// `for {}` or `for init; ; post {}`: a loop with no condition, which only a return, break,
// goto or terminating call ends.
bool is_endless_loop(TSNode loop);

// The capacity expression of the `make(chan T, n)` assigned to `channel` (a local, or a field
// `x.f`): "0" when unbuffered, nullopt when no make is found. A local's make is looked for in
// fn and the functions it is nested in; a field's anywhere in the package.
std::optional<std::string> channel_capacity(const Package& package, const Function& fn, TSNode channel);

// The leftmost identifier of `x`, `x.f`, `x.f[k]`, `(*x).f`; null for anything else.
TSNode root_identifier(TSNode expr);
// Does `expr` (a write target or channel) go through an index (`xs[i].done`)? Each goroutine
// or iteration then usually has its own element.
bool goes_through_index(TSNode expr);

// A statement after which the rest of its block does not run: return, break, continue, goto,
// or a terminating call (panic, os.Exit, t.Fatal, ...).
bool ends_path(const SourceFile& file, TSNode statement);

// After a `go` statement in a loop body, does the iteration wait (a receive, or a Wait() call)
// before the next goroutine starts? Then the goroutines do not overlap one another.
bool waits_each_iteration(const SourceFile& file, TSNode loop, TSNode start);

// Does a function body call sync/atomic? It then synchronises its own way, which a syntactic
// rule cannot follow.
bool uses_atomics(const SourceFile& file, TSNode body);

// Names the package declares as `path.type` (pointer or not): struct fields, variables and
// parameters with that type, and targets assigned `path.ctor(...)` (ctors), `&path.type{}`,
// `path.type{}` or `new(path.type)`. By name only: two variables of the same name share it.
std::set<std::string> names_declared_as(const Package& package, const char* path, const char* type,
                                        std::initializer_list<const char*> ctors = {});

// The declared type of a receiver or parameter `name` of fn or a function it is nested in.
std::optional<TypeRef> param_type(const Function& fn, const std::string& name);

// Calls after which the goroutine does not continue: panic, os.Exit, runtime.Goexit,
// log.Fatal*/Panic*, and Fatal*/FailNow/SkipNow on any value, t.Skip/Skipf on t and b.
bool is_terminating_call(std::string_view callee);
// The terminating calls that unwind the stack (running defers) and can be recovered.
bool unwinds(std::string_view callee);

std::string lowercase(std::string_view text);

// The package clause's name ("main").
std::string package_name(const SourceFile& file);
bool is_test_file(const SourceFile& file);
// A `// comment` after node on its last line: the author explains the line.
bool has_trailing_comment(const SourceFile& file, TSNode node);

}  // namespace patchgate::checks::go
