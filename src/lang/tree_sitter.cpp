#include "lang/tree_sitter.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "lang/tree_arena.h"

namespace patchgate::lang {

namespace {

struct SymbolNames {
  const TSLanguage* language = nullptr;
  std::vector<const char*> names;  // by public symbol
};

const SymbolNames& symbol_names(const TSLanguage* language) {
  // The last language this thread asked about; the table itself is built once per language.
  thread_local const SymbolNames* last = nullptr;
  if (last && last->language == language) return *last;
  static std::mutex lock;
  static std::vector<std::unique_ptr<SymbolNames>> tables;
  std::lock_guard<std::mutex> hold(lock);
  for (const auto& table : tables)
    if (table->language == language) return *(last = table.get());
  auto table = std::make_unique<SymbolNames>();
  table->language = language;
  uint32_t count = ts_language_symbol_count(language);
  for (uint32_t symbol = 0; symbol < count; ++symbol)
    table->names.push_back(ts_language_symbol_name(language, static_cast<TSSymbol>(symbol)));
  tables.push_back(std::move(table));
  return *(last = tables.back().get());
}

}  // namespace

namespace {
// Counts deleted trees: a remembered node is trusted only while no tree has been deleted since,
// so an address reused by a later tree is never mistaken for the node remembered.
std::atomic<uint64_t> trees_deleted{0};

// Code asks one node for its type several times in a row (`is(n, "block") || is(n, "if_statement")
// || ...`): the last answer is kept per thread.
struct LastType {
  const void* id = nullptr;
  const TSTree* tree = nullptr;
  uint32_t alias = 0;
  uint64_t epoch = 0;
  const char* type = nullptr;
};
thread_local LastType last;

// What a grammar numbers by name (a field id, a symbol), looked up once per name and thread: a
// small direct-mapped cache keyed by the name's address (the callers pass literals). A hit is
// confirmed by comparing the text, so a reused address with other text only costs a lookup.
// `lookup` gives the number and the grammar's spelling of it, or 0 for a name it does not have.
class NameCache {
 public:
  template <typename Lookup>
  uint16_t get(const TSLanguage* language, const char* name, Lookup&& lookup) {
    Entry& entry = entries_[(reinterpret_cast<uintptr_t>(name) >> 3) & 63];
    if (entry.key == name && entry.language == language && std::strcmp(entry.spelling, name) == 0) return entry.id;
    auto [id, spelling] = lookup(static_cast<uint32_t>(std::char_traits<char>::length(name)));
    if (id != 0) entry = {name, language, spelling, id};
    return id;
  }

 private:
  struct Entry {
    const char* key = nullptr;
    const TSLanguage* language = nullptr;
    const char* spelling = "";
    uint16_t id = 0;
  };
  Entry entries_[64];
};

}  // namespace

TSNode field(TSNode node, const char* name) {
  if (null(node)) return node;
  thread_local NameCache cache;
  const TSLanguage* language = ts_tree_language(node.tree);
  TSFieldId id = cache.get(language, name, [&](uint32_t length) {
    TSFieldId found = ts_language_field_id_for_name(language, name, length);
    return std::make_pair(found, found ? ts_language_field_name_for_id(language, found) : "");
  });
  if (!id) return TSNode{};  // no such field in the grammar: none here
  // The walks ask the same node for the same field again and again (a call's function from the
  // call, the callee resolver, the blocking check...), and ts_node_child_by_field_id walks the
  // children each time: recent answers are kept per thread, keyed by the node's identity and
  // place, and forgotten whenever a tree is deleted (its addresses may be reused).
  struct Entry {
    const void* id = nullptr;
    const TSTree* tree = nullptr;
    uint32_t start = 0;
    TSFieldId field = 0;
    uint64_t epoch = 0;
    TSNode child{};
  };
  constexpr size_t kEntries = 2048;
  thread_local std::vector<Entry> memo(kEntries);
  uint64_t epoch = trees_deleted.load(std::memory_order_relaxed);
  size_t slot = ((reinterpret_cast<uintptr_t>(node.id) >> 4) * 31 + id) & (kEntries - 1);
  Entry& entry = memo[slot];
  if (entry.id == node.id && entry.tree == node.tree && entry.start == node.context[0] && entry.field == id &&
      entry.epoch == epoch)
    return entry.child;
  TSNode child = ts_node_child_by_field_id(node, id);
  entry = {node.id, node.tree, node.context[0], id, epoch, child};
  return child;
}

const char* symbol_type(const TSLanguage* language, TSSymbol symbol) {
  const SymbolNames& table = symbol_names(language);
  return symbol < table.names.size() && table.names[symbol] ? table.names[symbol]
                                                           : ts_language_symbol_name(language, symbol);
}

TSSymbol symbol_for(const TSLanguage* language, const char* type) {
  thread_local NameCache cache;
  // An unknown name gives symbol 0 (the end symbol), which no named node has.
  return cache.get(language, type, [&](uint32_t length) {
    TSSymbol found = ts_language_symbol_for_name(language, type, length, true);
    return std::make_pair(found, found ? ts_language_symbol_name(language, found) : "");
  });
}

void TreeDeleter::operator()(TSTree* tree) const {
  trees_deleted.fetch_add(1, std::memory_order_relaxed);
  if (!in_tree_arena(tree)) ts_tree_delete(tree);  // an arena's trees go all at once, with the arena
}

void note_type(TSNode node, const char* type) {
  last = {node.id, node.tree, node.context[3], trees_deleted.load(std::memory_order_relaxed), type};
}

const char* node_type(TSNode node) {
  uint64_t epoch = trees_deleted.load(std::memory_order_relaxed);
  if (last.type && node.id == last.id && node.tree == last.tree && node.context[3] == last.alias && epoch == last.epoch)
    return last.type;
  const TSLanguage* language = ts_tree_language(node.tree);
  const SymbolNames& table = symbol_names(language);
  TSSymbol symbol = ts_node_symbol(node);
  const char* type = symbol < table.names.size() && table.names[symbol]
                         ? table.names[symbol]
                         : ts_node_type(node);  // ERROR and the other built-in symbols past the table
  last = {node.id, node.tree, node.context[3], epoch, type};
  return type;
}

std::string_view Tree::text(TSNode node) const {
  if (null(node)) return {};
  uint32_t start = ts_node_start_byte(node);
  uint32_t end = ts_node_end_byte(node);
  if (start > source_.size() || end > source_.size() || end < start) return {};
  return std::string_view(source_).substr(start, end - start);
}

Parser::Parser(const TSLanguage* language) : parser_(ts_parser_new()) {
  if (!ts_parser_set_language(parser_.get(), language))
    throw std::runtime_error("tree-sitter grammar ABI does not match the runtime (rebuild with a matching grammar)");
}

Tree Parser::parse(std::string source, uint64_t timeout_micros) {
  ts_parser_set_timeout_micros(parser_.get(), timeout_micros);
  TSTree* tree = ts_parser_parse_string(parser_.get(), nullptr, source.data(), static_cast<uint32_t>(source.size()));
  if (!tree) {
    ts_parser_reset(parser_.get());
    return Tree();
  }
  return Tree(tree, std::move(source));
}

namespace {

// The row and byte column of a byte offset, as tree-sitter counts them.
TSPoint point_at(const std::string& text, size_t offset) {
  TSPoint point{0, 0};
  size_t line_start = 0;
  for (size_t at = text.find('\n'); at != std::string::npos && at < offset; at = text.find('\n', at + 1)) {
    ++point.row;
    line_start = at + 1;
  }
  point.column = static_cast<uint32_t>(offset - line_start);
  return point;
}

}  // namespace

Tree Parser::parse_without(std::string source, const std::vector<std::pair<uint32_t, uint32_t>>& skipped,
                           uint64_t timeout_micros) {
  if (skipped.empty()) return parse(std::move(source), timeout_micros);
  std::vector<TSRange> included;
  included.reserve(skipped.size() + 1);
  TSPoint point{0, 0};  // of `at`
  uint32_t at = 0;
  uint32_t line_start = 0;
  auto advance_to = [&](uint32_t offset) {
    const char* end = source.data() + offset;
    for (const char* p = source.data() + at; p < end;) {
      p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (!p) break;
      ++point.row;
      line_start = static_cast<uint32_t>(++p - source.data());
    }
    at = offset;
    point.column = at - line_start;
  };
  uint32_t from = 0;
  TSPoint from_point{0, 0};
  for (auto [begin, end] : skipped) {
    end = std::min<uint32_t>(end, static_cast<uint32_t>(source.size()));
    begin = std::min(begin, end);
    advance_to(begin);
    if (begin > from) included.push_back({from_point, point, from, begin});
    advance_to(end);
    from = end;
    from_point = point;
  }
  included.push_back({from_point, {UINT32_MAX, UINT32_MAX}, from, UINT32_MAX});
  ts_parser_set_included_ranges(parser_.get(), included.data(), static_cast<uint32_t>(included.size()));
  Tree tree = parse(std::move(source), timeout_micros);
  ts_parser_set_included_ranges(parser_.get(), nullptr, 0);  // the next file is parsed whole
  return tree;
}

Tree Parser::reparse(const Tree& previous, std::string source, uint64_t timeout_micros) {
  if (!previous.tree_) return parse(std::move(source), timeout_micros);
  const std::string& before = previous.source_;
  size_t limit = std::min(before.size(), source.size());
  size_t prefix = 0;
  while (prefix < limit && before[prefix] == source[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix && before[before.size() - 1 - suffix] == source[source.size() - 1 - suffix]) ++suffix;
  TSInputEdit edit;
  edit.start_byte = static_cast<uint32_t>(prefix);
  edit.old_end_byte = static_cast<uint32_t>(before.size() - suffix);
  edit.new_end_byte = static_cast<uint32_t>(source.size() - suffix);
  edit.start_point = point_at(before, prefix);
  edit.old_end_point = point_at(before, before.size() - suffix);
  edit.new_end_point = point_at(source, source.size() - suffix);
  // The edit goes to a copy: previous's nodes stay as they were (tree-sitter copies what it edits).
  std::unique_ptr<TSTree, TreeDeleter> base(ts_tree_copy(previous.tree_.get()));
  ts_tree_edit(base.get(), &edit);
  ts_parser_set_timeout_micros(parser_.get(), timeout_micros);
  TSTree* tree =
      ts_parser_parse_string(parser_.get(), base.get(), source.data(), static_cast<uint32_t>(source.size()));
  if (!tree) {
    ts_parser_reset(parser_.get());
    return Tree();
  }
  return Tree(tree, std::move(source));
}

Query::Query(const TSLanguage* language, std::string_view pattern, const std::string& origin) {
  uint32_t error_offset = 0;
  TSQueryError error = TSQueryErrorNone;
  query_.reset(ts_query_new(language, pattern.data(), static_cast<uint32_t>(pattern.size()), &error_offset, &error));
  if (!query_) {
    throw std::runtime_error(origin + ": query does not compile at byte " + std::to_string(error_offset) +
                             " (tree-sitter error " + std::to_string(static_cast<int>(error)) + ")");
  }
}

uint32_t Query::capture_index(std::string_view name) const {
  uint32_t count = ts_query_capture_count(query_.get());
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t length = 0;
    const char* capture = ts_query_capture_name_for_id(query_.get(), i, &length);
    if (std::string_view(capture, length) == name) return i;
  }
  throw std::runtime_error("query has no capture @" + std::string(name));
}

std::vector<TSNode> children_by_field(TSNode node, const char* name) {
  std::vector<TSNode> out;
  if (null(node)) return out;
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      const char* field_name = ts_tree_cursor_current_field_name(&cursor);
      if (field_name && std::string_view(field_name) == name) out.push_back(ts_tree_cursor_current_node(&cursor));
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  return out;
}

std::vector<TSNode> named_children(TSNode node) {
  std::vector<TSNode> out;
  if (null(node)) return out;
  // A cursor: ts_node_named_child(i) walks from the first child each time.
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      if (ts_node_is_named(child)) out.push_back(child);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  return out;
}

}  // namespace patchgate::lang
