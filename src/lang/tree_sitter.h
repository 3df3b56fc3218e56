#pragma once

#include <tree_sitter/api.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patchgate::lang {

// Move-only owners of tree-sitter handles.
struct ParserDeleter { void operator()(TSParser* p) const { ts_parser_delete(p); } };
struct TreeDeleter { void operator()(TSTree* t) const; };
struct QueryDeleter { void operator()(TSQuery* q) const { ts_query_delete(q); } };
struct QueryCursorDeleter { void operator()(TSQueryCursor* c) const { ts_query_cursor_delete(c); } };

class Tree {
 public:
  Tree() = default;
  Tree(TSTree* tree, std::string source) : tree_(tree), source_(std::move(source)) {}
  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  const std::string& source() const { return source_; }
  std::string_view text(TSNode node) const;
  bool has_error() const { return ts_node_has_error(root()); }
  explicit operator bool() const { return tree_ != nullptr; }
  // A second handle on the same parse (tree-sitter shares the nodes; this is cheap).
  Tree copy() const { return tree_ ? Tree(ts_tree_copy(tree_.get()), source_) : Tree(); }

 private:
  friend class Parser;
  std::unique_ptr<TSTree, TreeDeleter> tree_;
  std::string source_;  // the tree's nodes index into this text
};

class Parser {
 public:
  explicit Parser(const TSLanguage* language);
  // Parses source; gives up (returns an empty Tree) after timeout_micros.
  Tree parse(std::string source, uint64_t timeout_micros = 0);
  // Parses source, a text like previous's (another revision of the file), reusing previous: the
  // span from the first to the last byte that differs is told to tree-sitter as one edit, and
  // only that region is parsed again. The tree is the one parse(source) would give.
  Tree reparse(const Tree& previous, std::string source, uint64_t timeout_micros = 0);
  // Parses source as if the byte ranges in `skipped` (sorted, disjoint, each [first, second))
  // were not there; every node keeps its offset in source. A function whose body is skipped
  // parses as a declaration without a body.
  Tree parse_without(std::string source, const std::vector<std::pair<uint32_t, uint32_t>>& skipped,
                     uint64_t timeout_micros = 0);

 private:
  std::unique_ptr<TSParser, ParserDeleter> parser_;
};

class Query {
 public:
  // Throws std::runtime_error naming `origin` and the byte offset when the pattern is invalid.
  Query(const TSLanguage* language, std::string_view pattern, const std::string& origin);
  const TSQuery* get() const { return query_.get(); }
  uint32_t capture_index(std::string_view name) const;

 private:
  std::unique_ptr<TSQuery, QueryDeleter> query_;
};

class QueryCursor {
 public:
  QueryCursor() : cursor_(ts_query_cursor_new()) {}
  void exec(const Query& query, TSNode node) { ts_query_cursor_exec(cursor_.get(), query.get(), node); }
  bool next_match(TSQueryMatch* match) { return ts_query_cursor_next_match(cursor_.get(), match); }

 private:
  std::unique_ptr<TSQueryCursor, QueryCursorDeleter> cursor_;
};

// ts_node_type, from a per-language table of symbol names: the rules ask a node's type tens of
// millions of times on a large tree, and tree-sitter's own lookup was a fifth of `check --all`.
const char* node_type(TSNode node);
// The symbol nodes of a named `type` have (ts_node_symbol), looked up once per name and thread;
// a symbol no node has when the grammar has no such type.
TSSymbol symbol_for(const TSLanguage* language, const char* type);
// The type node_type gives a node whose ts_node_symbol is `symbol`.
const char* symbol_type(const TSLanguage* language, TSSymbol symbol);
// Tells node_type the type of node (from symbol_type, for a symbol read earlier), so the type
// tests that follow on this thread do not ask the tree again.
void note_type(TSNode node, const char* type);
// ts_node_is_null without a call into the shared library: nodes are tested for null millions of
// times on a large tree. (A TSNode is null when its id is.)
inline bool null(TSNode node) { return node.id == nullptr; }
// ts_node_start_byte the same way: a node carries its start byte in context[0] (tree-sitter's
// node.c; a test holds the two equal).
inline uint32_t start_byte(TSNode node) { return node.context[0]; }
// Does a node type (as node_type gives it) name `type`?
inline bool same_type(const char* actual, const char* type) { return actual[0] == type[0] && std::strcmp(actual, type) == 0; }
inline bool is(TSNode node, const char* type) { return !null(node) && same_type(node_type(node), type); }
// The tree-sitter calls below dereference their node; on a null node (a missing part of a
// syntax error) these return a null node or zero instead.
// The field's id is looked up once per name and thread: tree-sitter's own lookup compares the
// name with every field name of the grammar, and the rules ask for fields millions of times.
TSNode field(TSNode node, const char* name);
inline TSNode parent(TSNode node) { return null(node) ? node : ts_node_parent(node); }
inline uint32_t named_count(TSNode node) { return null(node) ? 0 : ts_node_named_child_count(node); }
inline TSNode named_child(TSNode node, uint32_t i) {
  return i < named_count(node) ? ts_node_named_child(node, i) : TSNode{};
}
// All children of node stored under the field name (Go's `a, b int` has two `name` children).
std::vector<TSNode> children_by_field(TSNode node, const char* name);
// Named children in order.
std::vector<TSNode> named_children(TSNode node);
// Calls visit(child) for each named child in order. ts_node_named_child(i) walks from the first
// child each time, so an index loop over a wide node (a table literal with thousands of
// elements) is quadratic; wide nodes take a cursor instead.
template <typename Visit>
void for_named_children(TSNode node, Visit&& visit) {
  uint32_t count = named_count(node);
  if (count <= 8) {
    for (uint32_t i = 0; i < count; ++i) visit(ts_node_named_child(node, i));
    return;
  }
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      if (ts_node_is_named(child)) visit(child);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
}

inline int line_of(TSNode node) { return static_cast<int>(ts_node_start_point(node).row) + 1; }
inline int column_of(TSNode node) { return static_cast<int>(ts_node_start_point(node).column) + 1; }

}  // namespace patchgate::lang
