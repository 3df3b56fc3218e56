// The token scan of Go files (lang/go_scan.h) against tree-sitter's parse of the same text:
// every top-level declaration, function name, receiver and body where the parse has them, on
// hand-made hard cases and on Go's own standard library.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>

#include "lang/go.h"
#include "lang/go_scan.h"
#include "lang/tree_sitter.h"
#include "support.h"

using namespace testing;
namespace lang = patchgate::lang;

namespace {

std::string_view text_of(const std::string& source, TSNode node) {
  return std::string_view(source).substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node));
}

// The receiver's type name as the parse has it: the type identifier inside the receiver's
// parameter, under any `*` and type arguments.
std::string_view receiver_of(const std::string& source, TSNode method) {
  TSNode list = ts_node_child_by_field_name(method, "receiver", 8);
  for (uint32_t i = 0; i < ts_node_named_child_count(list); ++i) {
    TSNode type = ts_node_child_by_field_name(ts_node_named_child(list, i), "type", 4);
    while (!ts_node_is_null(type) && std::strcmp(ts_node_type(type), "type_identifier") != 0)
      type = std::strcmp(ts_node_type(type), "generic_type") == 0 ? ts_node_child_by_field_name(type, "type", 4)
                                                                 : ts_node_named_child(type, 0);
    if (!ts_node_is_null(type)) return text_of(source, type);
  }
  return "";
}

// "" when the scan agrees with the parse, else what differs.
std::string compare_with_parse(const std::string& source) {
  auto scanned = lang::scan_go_declarations(source);
  if (!scanned) return "the scan declined the file";
  lang::Parser parser(lang::go_language());
  lang::Tree tree = parser.parse(source);
  std::vector<TSNode> parsed;
  for (uint32_t i = 0; i < ts_node_named_child_count(tree.root()); ++i) {
    TSNode child = ts_node_named_child(tree.root(), i);
    if (std::strcmp(ts_node_type(child), "comment") != 0) parsed.push_back(child);
  }
  if (parsed.size() != scanned->size())
    return "parse has " + std::to_string(parsed.size()) + " declarations, scan " + std::to_string(scanned->size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    const lang::GoDeclaration& d = (*scanned)[i];
    TSNode node = parsed[i];
    std::string at = "declaration " + std::to_string(i) + " (" + ts_node_type(node) + ")";
    if (ts_node_start_byte(node) != d.begin || ts_node_end_byte(node) != d.end) return at + ": extent";
    bool function = std::strcmp(ts_node_type(node), "function_declaration") == 0;
    bool method = std::strcmp(ts_node_type(node), "method_declaration") == 0;
    if (function != (d.kind == lang::GoDeclaration::Kind::kFunction) ||
        method != (d.kind == lang::GoDeclaration::Kind::kMethod))
      return at + ": kind";
    if (!function && !method) continue;
    if (text_of(source, ts_node_child_by_field_name(node, "name", 4)) != d.name) return at + ": name";
    if (method && receiver_of(source, node) != d.receiver) return at + ": receiver " + std::string(d.receiver);
    TSNode body = ts_node_child_by_field_name(node, "body", 4);
    if (ts_node_is_null(body) ? d.body_end != 0
                              : ts_node_start_byte(body) != d.body_begin || ts_node_end_byte(body) != d.body_end)
      return at + ": body";
  }
  return "";
}

std::string sexp(TSNode node) {
  if (ts_node_is_null(node)) return "null";
  char* text = ts_node_string(node);
  std::string out = text;
  std::free(text);
  return out + "@" + std::to_string(ts_node_start_byte(node)) + "-" + std::to_string(ts_node_end_byte(node));
}

std::vector<TSNode> declarations_of(const lang::Tree& tree) {
  std::vector<TSNode> out;
  for (uint32_t i = 0; i < ts_node_named_child_count(tree.root()); ++i) {
    TSNode child = ts_node_named_child(tree.root(), i);
    if (std::strcmp(ts_node_type(child), "comment") != 0) out.push_back(child);
  }
  return out;
}

// "" when the parse with every function body skipped has the whole parse's tree everywhere
// else: the same declarations, signatures, types, variables and offsets.
std::string compare_skeleton(const std::string& source) {
  auto scanned = lang::scan_go_declarations(source);
  if (!scanned) return "the scan declined the file";
  std::vector<std::pair<uint32_t, uint32_t>> bodies;
  for (const auto& d : *scanned)
    if (d.body_end) bodies.emplace_back(d.body_begin, d.body_end);
  lang::Parser parser(lang::go_language());
  lang::Tree whole = parser.parse(source);
  lang::Tree skeleton = parser.parse_without(source, bodies);
  if (skeleton.has_error() && !whole.has_error()) return "the skeleton has syntax errors";
  std::vector<TSNode> a = declarations_of(whole), b = declarations_of(skeleton);
  if (a.size() != b.size()) return "declaration count";
  for (size_t i = 0; i < a.size(); ++i) {
    std::string at = "declaration " + std::to_string(i) + " (" + ts_node_type(a[i]) + ")";
    bool function = std::strcmp(ts_node_type(a[i]), "function_declaration") == 0 ||
                    std::strcmp(ts_node_type(a[i]), "method_declaration") == 0;
    if (!function) {
      if (sexp(a[i]) != sexp(b[i])) return at;
      continue;
    }
    if (std::strcmp(ts_node_type(a[i]), ts_node_type(b[i])) != 0) return at + ": kind";
    for (const char* name : {"receiver", "name", "type_parameters", "parameters", "result"}) {
      auto length = static_cast<uint32_t>(std::strlen(name));
      if (sexp(ts_node_child_by_field_name(a[i], name, length)) != sexp(ts_node_child_by_field_name(b[i], name, length)))
        return at + ": " + name;
    }
    if (!ts_node_is_null(ts_node_child_by_field_name(b[i], "body", 4))) return at + ": the body was parsed";
  }
  // The parser is whole again for the next file.
  if (sexp(parser.parse(source).root()) != sexp(whole.root())) return "the parser kept the skipped ranges";
  return "";
}

bool has_descendant(TSNode node, const char* type) {
  for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
    TSNode child = ts_node_named_child(node, i);
    if (std::strcmp(ts_node_type(child), type) == 0 || has_descendant(child, type)) return true;
  }
  return false;
}

// The insides of the outermost composite literals' braces under node.
void outermost_literals(TSNode node, std::vector<std::pair<uint32_t, uint32_t>>& out) {
  for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
    TSNode child = ts_node_named_child(node, i);
    if (std::strcmp(ts_node_type(child), "composite_literal") == 0) {
      TSNode body = ts_node_child_by_field_name(child, "body", 4);
      out.emplace_back(ts_node_start_byte(body) + 1, ts_node_end_byte(body) - 1);
    } else {
      outermost_literals(child, out);
    }
  }
}

// "" when the scan's literal ranges of each `var` declaration are exactly the insides of its
// outermost composite literals (none when it holds a function literal or type), and a parse without
// them has every declaration's tree outside them.
std::string compare_literals(const std::string& source) {
  auto scanned = lang::scan_go_declarations(source);
  if (!scanned) return "the scan declined the file";
  lang::Parser parser(lang::go_language());
  lang::Tree whole = parser.parse(source);
  std::vector<TSNode> parsed = declarations_of(whole);
  if (parsed.size() != scanned->size()) return "declaration count";
  std::vector<std::pair<uint32_t, uint32_t>> all;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const lang::GoDeclaration& d = (*scanned)[i];
    std::vector<std::pair<uint32_t, uint32_t>> expected;
    // (Any `func`, a literal's or a type's, makes the scan note none.)
    if (std::strcmp(ts_node_type(parsed[i]), "var_declaration") == 0 && !has_descendant(parsed[i], "func_literal") &&
        !has_descendant(parsed[i], "function_type"))
      outermost_literals(parsed[i], expected);
    if (d.literals != expected) return "declaration " + std::to_string(i) + ": literals";
    all.insert(all.end(), d.literals.begin(), d.literals.end());
  }
  lang::Tree without = parser.parse_without(source, all);
  if (without.has_error() && !whole.has_error()) return "the parse without literals has syntax errors";
  std::vector<TSNode> kept = declarations_of(without);
  if (kept.size() != parsed.size()) return "declaration count without literals";
  for (size_t i = 0; i < parsed.size(); ++i)
    if ((*scanned)[i].literals.empty() && sexp(parsed[i]) != sexp(kept[i]))
      return "declaration " + std::to_string(i) + " changed without the literals";
  return "";
}

}  // namespace

TEST_CASE("go scan: declarations and bodies agree with the parse on hard cases", "[scan]") {
  const char* cases[] = {
      // Braces, quotes and `func` inside comments and every kind of literal.
      "package p\n\n// func fake() {\n/* } { */\nfunc a() string {\n\treturn \"}\" + `\nfunc b() {\n` + string('{') + "
      "\"\\\"{\"\n}\n\nfunc b() rune { return '\\'' }\n",
      // A struct or interface type in the signature is not the body.
      "package p\n\nfunc c() struct{ x int } { return struct{ x int }{} }\n"
      "func d() interface{ M() } {\n\treturn nil\n}\nfunc e() map[string]struct{} { return nil }\n"
      "func f(x interface {\n\tM()\n}) chan struct{} { return nil }\n",
      // Generic functions and receivers; a receiver without a name.
      "package p\n\ntype Set[T comparable] map[T]struct{}\n\nfunc (s *Set[T]) Add(v T) { (*s)[v] = struct{}{} }\n"
      "func (Set[T]) Len() int { return 0 }\nfunc Map[K comparable, V any](m map[K]V, f func(V) V) {}\n"
      "func (s Set[T]) Each(f func(T) bool) {\n\tfor v := range s {\n\t\tif !f(v) {\n\t\t\treturn\n\t\t}\n\t}\n}\n",
      // A declaration without a body (implemented in assembly), then a result that is a func.
      "package p\n\nfunc add(a, b int) int\n\nfunc g() func() int {\n\treturn func() int { return 1 }\n}\n"
      "func h() (x,\n\ty int)\n",
      // Grouped declarations, literals in initialisers, a receiver on its own lines.
      "package p\n\nimport (\n\t\"fmt\"\n\t_ \"sync\"\n)\n\nvar (\n\tx = func() int {\n\t\treturn 1\n\t}()\n\ty int\n)\n"
      "const c = 1; var z = fmt.Sprint\n\ntype (\n\tA struct {\n\t\tmu int\n\t}\n\tB = A\n)\n\nfunc (\n\ta *A,\n) M() {}\n",
      // Unicode names, a byte order mark, CRLF line ends, ++ ending a line.
      "\xEF\xBB\xBFpackage p\r\n\r\nfunc Größe() {\r\n\ti := 0\r\n\ti++\r\n}\r\nvar π = 3.14e+0\r\n",
  };
  for (const char* source : cases) {
    INFO(source);
    CHECK(compare_with_parse(source).empty());
    CHECK(compare_skeleton(source).empty());
  }
}

TEST_CASE("go scan: text it cannot place is declined, never guessed", "[scan]") {
  CHECK_FALSE(lang::scan_go_declarations("package p\n\nfunc f() {\n\treturn \"unterminated\n}\n"));
  CHECK_FALSE(lang::scan_go_declarations("package p\n\nfunc f() {\n\tx := 1\n"));  // the body never closes
  CHECK_FALSE(lang::scan_go_declarations("package p\n\n/* never closed\nfunc f() {}\n"));
  CHECK_FALSE(lang::scan_go_declarations("package p\n\nx := 1\n"));  // a statement outside a function
  CHECK_FALSE(lang::scan_go_declarations("package p\n\nfunc f() {}}\n"));
  auto empty = lang::scan_go_declarations("// only a comment\n");
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("go scan: agrees with the parse on the standard library's packages, and so does the parse without bodies", "[scan]") {
  RunResult goroot = run({"go", "env", "GOROOT"}, fs::current_path().string());
  REQUIRE(goroot.code == 0);
  std::string root = goroot.out.substr(0, goroot.out.find('\n'));
  size_t files = 0, literals = 0;
  // Packages with much generic, assembly-backed, cgo and generated code.
  for (const char* dir : {"net/http", "sync", "runtime", "go/types", "sort", "math/big", "os", "reflect"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(root) / "src" / dir)) {
      if (entry.path().extension() != ".go") continue;
      std::string source = read_file(entry.path());
      INFO(entry.path().string());
      CHECK(compare_with_parse(source).empty());
      CHECK(compare_skeleton(source).empty());
      CHECK(compare_literals(source) == "");
      for (const auto& d : lang::scan_go_declarations(source).value_or(std::vector<lang::GoDeclaration>{}))
        literals += d.literals.size();
      ++files;
    }
  }
  CHECK(files > 500);
  CHECK(literals > 200);  // net/http's tests alone have over a hundred tables
}

TEST_CASE("go scan: a variable's composite literals, and only those, are noted", "[scan]") {
  const std::string source = R"(package p

var table = []struct {
	in, out string
}{
	{"a", "b"},
	{in: "c", out: strings.Repeat("d", 3)},
}

var (
	m = map[string]struct{}{"x": {}}
	g = Pair[int]{1, 2}
	arr = [...]T{{1}, {2}}
	p = &T{A: 1}
)

var f = []T{{F: func() int { return 1 }}}

var t struct{ a int }

const c = T{}

func init() { _ = []int{1, 2} }
)";
  CHECK(compare_literals(source).empty());
  auto scanned = lang::scan_go_declarations(source);
  REQUIRE(scanned);
  auto texts = [&](size_t i) {
    std::vector<std::string> out;
    for (auto [begin, end] : (*scanned)[i].literals) out.push_back(source.substr(begin, end - begin));
    return out;
  };
  CHECK(texts(1) == std::vector<std::string>{"\n\t{\"a\", \"b\"},\n\t{in: \"c\", out: strings.Repeat(\"d\", 3)},\n"});
  CHECK(texts(2) == std::vector<std::string>{"\"x\": {}", "1, 2", "{1}, {2}", "A: 1"});
  CHECK(texts(3).empty());  // a function literal: code, not data
  CHECK(texts(4).empty());  // a struct type, not a literal
  CHECK(texts(5).empty());  // constants are not noted
  CHECK(texts(6).empty());  // nor function bodies
}
