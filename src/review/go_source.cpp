#include "review/go_source.h"

#include <algorithm>

#include "lang/go.h"
#include "lang/tree_sitter.h"

namespace patchgate::review {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string line(text.substr(pos, end - pos));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = end + 1;
  }
  return lines;
}

std::string fold_whitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

namespace {

using lang::field;
using lang::is;

constexpr uint64_t kParseTimeoutMicros = 10'000'000;

int last_line_of(TSNode node) {
  TSPoint end = ts_node_end_point(node);
  // A node ending at column 0 ends with the previous line's line break.
  return static_cast<int>(end.row) + (end.column == 0 && end.row > ts_node_start_point(node).row ? 0 : 1);
}

// `(l *Limiter)`, `(c Cache[K, V])` -> "Limiter", "Cache".
std::string receiver_type(const lang::Tree& tree, TSNode receiver) {
  for (TSNode param : lang::named_children(receiver)) {
    if (!is(param, "parameter_declaration")) continue;
    TSNode type = field(param, "type");
    if (is(type, "pointer_type")) type = lang::named_child(type, 0);
    if (is(type, "generic_type")) type = field(type, "type");
    return std::string(tree.text(type));
  }
  return "";
}

// The outermost func_literal nodes under root; iterative, as generated code nests deeply.
void outermost_literals(TSNode root, std::vector<std::pair<int, int>>& out) {
  std::vector<TSNode> stack{root};
  while (!stack.empty()) {
    TSNode node = stack.back();
    stack.pop_back();
    if (is(node, "func_literal")) {
      out.push_back({lang::line_of(node), last_line_of(node)});
      continue;
    }
    for (uint32_t i = lang::named_count(node); i-- > 0;) stack.push_back(lang::named_child(node, i));
  }
}

}  // namespace

std::vector<GoDeclaration> go_declarations(const std::string& source) {
  lang::Parser parser(lang::go_language());
  lang::Tree tree = parser.parse(source, kParseTimeoutMicros);
  std::vector<GoDeclaration> out;
  if (!tree) return out;
  int previous_last = 0;
  for (TSNode node : lang::named_children(tree.root())) {
    if (is(node, "comment") || is(node, "package_clause")) continue;
    GoDeclaration decl;
    decl.decl_line = lang::line_of(node);
    decl.first_line = decl.decl_line;
    decl.last_line = last_line_of(node);
    // The doc comment: comment lines directly above, not a trailing comment of the declaration before.
    for (TSNode prev = ts_node_prev_named_sibling(node); is(prev, "comment"); prev = ts_node_prev_named_sibling(prev)) {
      if (static_cast<int>(ts_node_end_point(prev).row) + 2 < decl.first_line || lang::line_of(prev) <= previous_last) break;
      decl.first_line = lang::line_of(prev);
    }
    if (decl.decl_line <= previous_last) continue;  // two declarations on one line: the first holds it
    previous_last = decl.last_line;
    bool function = is(node, "function_declaration"), method = is(node, "method_declaration");
    if (function || method) {
      decl.kind = GoDeclaration::Kind::kFunction;
      std::string name(tree.text(field(node, "name")));
      std::string receiver = method ? receiver_type(tree, field(node, "receiver")) : "";
      decl.name = receiver.empty() ? name : receiver + "." + name;
      TSNode body = field(node, "body");
      uint32_t end = lang::null(body) ? ts_node_end_byte(node) : ts_node_start_byte(body);
      uint32_t start = ts_node_start_byte(node);
      decl.signature = fold_whitespace(std::string_view(tree.source()).substr(start, end - start));
    } else {
      outermost_literals(node, decl.literals);
      size_t line_end = tree.source().find('\n', ts_node_start_byte(node));
      uint32_t start = ts_node_start_byte(node);
      decl.signature = fold_whitespace(std::string_view(tree.source()).substr(
          start, (line_end == std::string::npos ? tree.source().size() : line_end) - start));
      decl.name = decl.signature;
    }
    if (decl.signature.size() > 120) decl.signature = decl.signature.substr(0, 117) + "...";
    if (decl.name.size() > 120) decl.name = decl.name.substr(0, 117) + "...";
    out.push_back(std::move(decl));
  }
  return out;
}

const GoDeclaration* declaration_at(const std::vector<GoDeclaration>& declarations, int line) {
  for (const auto& decl : declarations)
    if (line >= decl.decl_line && line <= decl.last_line) return &decl;
  return nullptr;
}

}  // namespace patchgate::review
