// Analysis edge cases that fixtures cannot express (code `go vet` would reject).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>

#include "checks/analysis.h"
#include "checks/check.h"
#include "checks/go/model/package.h"
#include "checks/go/model/syntax.h"
#include "core/config.h"
#include "lang/go.h"
#include "lang/tree_arena.h"
#include "lang/tree_sitter.h"
#include "support.h"

using namespace patchgate;

namespace {

Report analyse(const std::string& source, const Config& config = Config{}) {
  git::ChangeSet change;
  change.whole_tree = true;
  git::ChangedFile file;
  file.path = file.old_path = "p/p.go";
  file.status = git::FileStatus::kUnmodified;
  change.files.push_back(file);
  change.revision = git::memory_source({{"p/p.go", source}});
  Report report;
  checks::analyze_change(change, config, checks::RuleSelection{}, report);
  return report;
}

}  // namespace

TEST_CASE("functions declared without a body are skipped", "[analysis]") {
  Report report = analyse(
      "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc asm(x int) int\n\n"
      "func f() int {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\treturn asm(1)\n}\n");
  CHECK(report.findings.empty());
  CHECK(report.errors.empty());
}

TEST_CASE("an unparsable file is analysed for what parsed", "[analysis]") {
  Report report = analyse("package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n\tmu.Lock()\n}\n\nfunc (((\n");
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].rule == "go-double-lock");
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0].message.find("syntax errors") != std::string::npos);
}

TEST_CASE("max_call_depth decides how deep the shared lock walk follows calls", "[analysis]") {
  // Set holds s.mu, calls put, which calls evict, which locks s.mu: two levels down.
  const std::string source =
      "package p\n\nimport \"sync\"\n\ntype S struct{ mu sync.Mutex }\n\n"
      "func (s *S) evict() {\n\ts.mu.Lock()\n\ts.mu.Unlock()\n}\n\n"
      "func (s *S) put() { s.evict() }\n\n"
      "func (s *S) Set() {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.put()\n}\n";
  Report deep = analyse(source);
  REQUIRE(deep.findings.size() == 1);
  CHECK(deep.findings[0].rule == "go-double-lock");
  CHECK(deep.findings[0].location.line == 8);

  Config shallow;
  for (const char* id : {"go-double-lock", "go-recursive-rlock", "go-lock-order", "go-lock-across-blocking",
                         "go-lock-requirement", "go-guarded-access", "go-callback-under-lock", "go-undocumented-lock-state",
                         "go-lock-drift"})
    shallow.rules[id].options = {{"max_call_depth", 1}};
  CHECK(analyse(source, shallow).findings.empty());

  // One rule asking for depth 1 does not cut the walk short for the others.
  Config mixed;
  mixed.rules["go-lock-order"].options = {{"max_call_depth", 1}};
  CHECK(analyse(source, mixed).findings.size() == 1);
}

TEST_CASE("a double lock is found through sixty functions that all call one another", "[analysis]") {
  // Each f locks and unlocks mu, then calls every other f. holder calls f0 with mu held, so f0's
  // Lock blocks forever. Summaries in a cycle are provisional until the walk they went back to
  // ends; they are reused meanwhile (walking each call again took 2.7 s here instead of 0.1 s).
  std::string source = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\nvar pick int\n\n";
  const int count = 60;
  for (int i = 0; i < count; ++i) {
    source += "func f" + std::to_string(i) + "() {\n\tmu.Lock()\n\tmu.Unlock()\n";
    for (int j = 0; j < count; ++j)
      if (j != i) source += "\tif pick == " + std::to_string(j) + " {\n\t\tf" + std::to_string(j) + "()\n\t}\n";
    source += "}\n\n";
  }
  source += "func holder() {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tf0()\n}\n";
  Report report = analyse(source);
  REQUIRE_FALSE(report.findings.empty());
  CHECK(report.errors.empty());
  const Finding& first = report.findings.front();
  CHECK(first.rule == "go-double-lock");
  CHECK(first.location.line == 9);  // f0's mu.Lock()
  CHECK(first.message.find("holder") != std::string::npos);
}

TEST_CASE("a chain of calls deeper than the walk nests is still followed max_call_depth levels", "[analysis]") {
  // f0 -> f1 -> ... -> f199, declared first: the walk from f0 nests until its cap (64 levels)
  // and cuts the call from f63 to f64. holder takes mu and calls f62, four calls above f66's
  // Lock: the cut must not leave f62's summary without it.
  std::string source = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\n";
  const int count = 200;
  for (int i = 0; i < count; ++i) {
    source += "func f" + std::to_string(i) + "() {\n";
    if (i == 66) source += "\tmu.Lock()\n\tmu.Unlock()\n";
    if (i + 1 < count) source += "\tf" + std::to_string(i + 1) + "()\n";
    source += "}\n\n";
  }
  source += "func holder() {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tf62()\n}\n";
  Report report = analyse(source);
  CHECK(report.errors.empty());
  std::vector<std::string> double_locks;
  for (const auto& f : report.findings)
    if (f.rule == "go-double-lock") double_locks.push_back(f.message);
  REQUIRE(double_locks.size() == 1);
  CHECK(double_locks[0].find("holder -> f62 -> f63 -> f64 -> f65 -> f66") != std::string::npos);
}

TEST_CASE("a finding cites the first access in the source, not the first the walk reached", "[analysis]") {
  // First is walked first and reaches bump, declared later, before its own access: the example
  // of an access under the lock is First's, however the walk went.
  Report report = analyse(
      "package p\n\nimport \"sync\"\n\ntype S struct {\n\tmu sync.Mutex\n\tn  int\n}\n\n"
      "func (s *S) First() {\n\ts.bump()\n\ts.mu.Lock()\n\ts.n = 1\n\ts.mu.Unlock()\n}\n\n"
      "func (s *S) Second() {\n\ts.mu.Lock()\n\ts.n = 2\n\ts.mu.Unlock()\n}\n\n"
      "func (s *S) bump() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n}\n\n"
      "func (s *S) reset() {\n\ts.n = 0\n}\n");
  const Finding* found = nullptr;
  for (const auto& f : report.findings)
    if (f.rule == "go-undocumented-lock-state") found = &f;
  REQUIRE(found != nullptr);
  CHECK(found->enclosing_function == "S.reset");
  REQUIRE(found->related.size() == 2);
  CHECK(found->related[1].location.line == 13);
  CHECK(found->related[1].message == "touched under S.mu here (in S.First)");
}

TEST_CASE("syntax errors where the goroutine and context rules look do not crash them", "[analysis]") {
  // Each line leaves a part these rules read missing: a go with no call, a range with no
  // variables or operand, a select case with no communication, a field list never closed.
  Report report = analyse(
      "package w\n\nimport (\n\t\"context\"\n\t\"sync\"\n)\n\n"
      "func a(ctx context.Context) {\n\tgo\n\tfor range {\n\t}\n\tvar wg sync.WaitGroup\n\tfor {\n\t\tgo\n"
      "\t\twg.Wait(\n\t}\n\tctx2, := context.WithCancel(ctx)\n\tch := make(chan)\n\tgo func() { ch <- }()\n"
      "\tselect { case <-ch: case }\n\tvar c sync.Cond\n\tc.Wait(\n\tdefer\n\treturn <-\n}\n\n"
      "type S struct { ctx context.Context\n");
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0].message.find("syntax errors") != std::string::npos);
}

TEST_CASE("generated files are skipped unless analyse_generated, and say so", "[analysis]") {
  const std::string body = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n\tmu.Lock()\n}\n";
  const std::string generated = "// Code generated by stringer -type=Kind; DO NOT EDIT.\n\n" + body;
  Report skipped = analyse(generated);
  CHECK(skipped.findings.empty());
  REQUIRE(skipped.skipped.size() == 1);
  CHECK(skipped.skipped[0].reason.find("generated code") != std::string::npos);
  CHECK(skipped.skipped[0].reason.find("analyse_generated") != std::string::npos);

  Config config;
  config.analyse_generated = true;
  Report analysed = analyse(generated, config);
  REQUIRE(analysed.findings.size() == 1);
  CHECK(analysed.findings[0].rule == "go-double-lock");
  CHECK(analysed.skipped.empty());
}

TEST_CASE("the generated-code header: Go's convention and its near misses", "[analysis]") {
  CHECK(lang::is_go_generated("// Code generated by protoc-gen-go. DO NOT EDIT.\npackage p\n"));
  CHECK(lang::is_go_generated("// Copyright 2024\n\n// Code generated by x. DO NOT EDIT.\r\n\npackage p\n"));
  CHECK(lang::is_go_generated("//go:build linux\n// Code generated by mkerrors; DO NOT EDIT.\npackage p\n"));
  // After the package clause it is only a comment; the wording must be exact.
  CHECK_FALSE(lang::is_go_generated("package p\n\n// Code generated by x. DO NOT EDIT.\n"));
  CHECK_FALSE(lang::is_go_generated("// Code generated by hand, then edited. Edit freely.\npackage p\n"));
  CHECK_FALSE(lang::is_go_generated("// code generated by x. DO NOT EDIT.\npackage p\n"));
  CHECK_FALSE(lang::is_go_generated("/* Code generated by x. DO NOT EDIT. */\npackage p\n"));
  CHECK_FALSE(lang::is_go_generated(""));
}

TEST_CASE("a change to one package of a directory is analysed whatever the other package holds", "[analysis]") {
  // `p` and its external tests `p_test` share the directory; only the changed one is parsed.
  const std::string lib = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n\tmu.Lock()\n}\n";
  const std::string ext = "package p_test\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc g() {\n\tmu.Lock()\n\tmu.Lock()\n}\n";
  for (const std::string changed : {"p/p.go", "p/p_ext_test.go"}) {
    git::ChangeSet change;
    git::ChangedFile file;
    file.path = file.old_path = changed;
    file.status = git::FileStatus::kModified;
    file.added_lines.add(8, 9);
    file.touched_lines.add(8, 9);
    change.files.push_back(file);
    change.revision = git::memory_source({{"p/p.go", lib}, {"p/p_ext_test.go", ext}});
    Report report;
    checks::analyze_change(change, Config{}, checks::RuleSelection{}, report);
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].rule == "go-double-lock");
    CHECK(report.findings[0].location.file == changed);
  }
}

TEST_CASE("node types, symbols and fields stay right across trees that come and go", "[analysis]") {
  lang::Parser parser(lang::go_language());
  // Parse and drop many trees: a remembered node type or field must never leak from a deleted
  // tree into a new one that happens to reuse its memory.
  for (int round = 0; round < 200; ++round) {
    bool function_first = round % 2 == 0;
    std::string source = function_first ? "package p\n\nfunc f(a int) { go f(a) }\n"
                                        : "package p\n\ntype T struct{ mu int }\n";
    lang::Tree tree = parser.parse(source);
    TSNode decl = ts_node_named_child(tree.root(), 1);
    INFO("round " << round);
    REQUIRE(lang::is(decl, function_first ? "function_declaration" : "type_declaration"));
    CHECK(lang::is(decl, "function_declaration") == function_first);
    CHECK(ts_node_symbol(decl) ==
          lang::symbol_for(ts_tree_language(decl.tree), function_first ? "function_declaration" : "type_declaration"));
    TSNode name = lang::field(decl, "name");
    CHECK(lang::null(name) == !function_first);
    if (function_first) CHECK(tree.text(name) == "f");
  }
  lang::Tree tree = parser.parse("package p\n");
  CHECK(lang::symbol_for(ts_tree_language(tree.root().tree), "no_such_node_type") == 0);
  CHECK(lang::null(lang::field(tree.root(), "no_such_field")));
}

// The tree as an s-expression. ts_node_string allocates with tree-sitter's allocator: call it
// outside any arena's Use, so that the text is malloc's to free.
static std::string sexp(const lang::Tree& tree) {
  char* text = ts_node_string(tree.root());
  std::string out(text);
  std::free(text);
  return out;
}

TEST_CASE("a reparse from another revision's tree gives the tree a fresh parse gives", "[analysis]") {
  lang::Parser parser(lang::go_language());
  int compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::source_dir() + "/testdata/go")) {
    if (entry.path().extension() != ".go") continue;
    std::string source = testing::read_file(entry.path());
    lang::Tree before = parser.parse(source);
    // Edits of the kinds a change makes: a line inserted, one removed, one rewritten, text added
    // at the start and at the end, and two places at once.
    std::vector<std::string> edits;
    size_t middle = source.find('\n', source.size() / 2);
    if (middle == std::string::npos) continue;
    size_t next = source.find('\n', middle + 1);
    edits.push_back(source.substr(0, middle + 1) + "\tmu.Lock()\n" + source.substr(middle + 1));
    if (next != std::string::npos) {
      edits.push_back(source.substr(0, middle + 1) + source.substr(next + 1));
      edits.push_back(source.substr(0, middle + 1) + "\tx := y // rewritten\n" + source.substr(next + 1));
    }
    edits.push_back("// Package comment.\n" + source);
    edits.push_back(source + "\nfunc added() { go added() }\n");
    edits.push_back("// Top.\n" + source.substr(0, middle + 1) + "\tdefer mu.Unlock()\n" + source.substr(middle + 1));
    for (const auto& edited : edits) {
      INFO(entry.path().string());
      CHECK(sexp(parser.reparse(before, edited)) == sexp(parser.parse(edited)));
      // And back: the old revision reparsed from the new one, as go-lock-drift does.
      lang::Tree after = parser.parse(edited);
      CHECK(sexp(parser.reparse(after, source)) == sexp(before));
      ++compared;
    }
  }
  CHECK(compared > 100);
}

TEST_CASE("tree arenas: trees parsed in an arena are the trees malloc gives, and the arena is reused whole",
          "[analysis]") {
  REQUIRE(lang::install_tree_arenas());  // also under AddressSanitizer, which is told what is live
  std::vector<std::string> sources, expected;
  lang::Parser outside(lang::go_language());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::source_dir() + "/testdata/go")) {
    if (entry.path().extension() != ".go") continue;
    sources.push_back(testing::read_file(entry.path()));
    expected.push_back(sexp(outside.parse(sources.back())));
  }
  REQUIRE(sources.size() > 50);
  std::vector<const void*> first_round;
  for (int round = 0; round < 2; ++round) {
    lang::TreeArena arena;
    std::vector<lang::Tree> trees, reparsed;
    {
      lang::TreeArena::Use use(arena);
      lang::Parser parser(lang::go_language());
      for (const auto& source : sources) trees.push_back(parser.parse(source));
      // The old revision reparsed from the new trees, as go-lock-drift does: arrays grow by realloc.
      for (size_t i = 0; i < trees.size(); i += 7) reparsed.push_back(parser.reparse(trees[i], sources[i] + "\nvar added int\n"));
    }
    CHECK(arena.used() > 0);
    for (size_t i = 0; i < trees.size(); ++i) {
      CHECK(lang::in_tree_arena(trees[i].root().tree));
      CHECK(sexp(trees[i]) == expected[i]);
    }
    for (size_t i = 0, r = 0; i < trees.size(); i += 7, ++r)
      CHECK(sexp(reparsed[r]) == sexp(outside.parse(sources[i] + "\nvar added int\n")));
    // The next package's arena starts where this one did: the same memory, nothing freed node by node.
    std::vector<const void*> addresses;
    for (const auto& tree : trees) addresses.push_back(tree.root().id);
    if (round == 0) first_round = addresses;
    else CHECK(addresses == first_round);
  }
  CHECK_FALSE(lang::in_tree_arena(outside.parse("package p\n").root().tree));
}

// Calls check(path, package) for each Go fixture under testdata/go, parsed as a package of its own.
static void for_each_fixture(const std::function<void(const std::string&, const checks::go::Package&)>& check) {
  lang::Parser parser(lang::go_language());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::source_dir() + "/testdata/go")) {
    if (entry.path().extension() != ".go") continue;
    std::vector<checks::go::SourceFile> files(1);
    files[0].path = entry.path().filename().string();
    files[0].tree = parser.parse(testing::read_file(entry.path()));
    checks::go::Package package(".", std::move(files));
    check(entry.path().string(), package);
  }
}

TEST_CASE("walks replayed from the recorded node lists visit what a cursor walk visits", "[analysis]") {
  // Every named node of every Go fixture as a root, both with and without entering literals:
  // the same nodes in the same order, whether the walk replays the package's lists or not.
  auto visits = [](TSNode root, bool into_literals, std::vector<const void*>& out) {
    out.clear();
    checks::go::for_each_node(root, [&](TSNode node) {
      out.push_back(node.id);
      return !lang::is(node, "if_statement");  // a skipped subtree must be skipped alike
    }, into_literals);
  };
  size_t roots = 0, bodies = 0;
  for_each_fixture([&](const std::string& path, const checks::go::Package& package) {
    const checks::go::SourceFile& file = package.files()[0];
    const auto& roots_here = file.nodes.nodes;
    std::vector<std::vector<const void*>> replayed(2 * roots_here.size());
    {
      checks::go::SyntaxCache cache;
      cache.adopt(package);
      // Every function body is found in its file's recorded list, not flattened again.
      for (const auto& fn : package.functions())
        if (!lang::null(fn.body)) {
          ++bodies;
          const auto* flat = cache.flat(fn.body);
          REQUIRE(flat != nullptr);
          CHECK(flat->list == &fn.file->nodes);
          CHECK(ts_node_eq(flat->list->nodes[flat->root], fn.body));
        }
      for (size_t i = 0; i < roots_here.size(); ++i)
        for (bool into_literals : {false, true}) visits(roots_here[i], into_literals, replayed[2 * i + into_literals]);
    }
    // No cache alive now: these are tree-cursor walks.
    std::vector<const void*> walked;
    for (size_t i = 0; i < roots_here.size(); ++i) {
      for (bool into_literals : {false, true}) {
        visits(roots_here[i], into_literals, walked);
        INFO(path << " at byte " << ts_node_start_byte(roots_here[i]) << (into_literals ? ", into literals" : ""));
        REQUIRE(replayed[2 * i + into_literals] == walked);
      }
      ++roots;
    }
  });
  CHECK(bodies > 500);
  CHECK(roots > 10000);
}

TEST_CASE("node lists answer what the tree answers: positions, children, symbols, field and method names", "[analysis]") {
  size_t nodes = 0, selectors = 0, found_fields = 0, found_methods = 0, field_questions = 0;
  for_each_fixture([&](const std::string& path, const checks::go::Package& package) {
    const checks::go::NodeList& list = package.files()[0].nodes;
    INFO(path);
    REQUIRE(list.symbol.size() == list.nodes.size());
    REQUIRE(list.parent.size() == list.nodes.size());
    checks::go::SyntaxCache cache;
    cache.adopt(package);
    for (uint32_t i = 0; i < list.nodes.size(); ++i) {
      TSNode node = list.nodes[i];
      ++nodes;
      CHECK(lang::start_byte(node) == ts_node_start_byte(node));
      CHECK(list.symbol[i] == ts_node_symbol(node));
      CHECK(std::string(lang::symbol_type(ts_tree_language(node.tree), list.symbol[i])) == lang::node_type(node));
      CHECK(checks::go::find_in(list, node) == std::optional<uint32_t>(i));
      // The lock walk and the index compare these types by symbol_for's one symbol.
      for (const char* type : {"func_literal", "unary_expression", "selector_expression", "call_expression"})
        if (lang::is(node, type)) CHECK(list.symbol[i] == lang::symbol_for(ts_tree_language(node.tree), type));
      CHECK(ts_node_eq(checks::go::parent_of(node), ts_node_parent(node)));
      // lang::field remembers recent answers: for every field of the grammar, asked twice, it
      // must give the tree's answer both times.
      const TSLanguage* language = ts_tree_language(node.tree);
      for (int pass = 0; pass < 2; ++pass)
        for (TSFieldId id = 1; id <= ts_language_field_count(language); ++id) {
          const char* name = ts_language_field_name_for_id(language, id);
          ++field_questions;
          if (!ts_node_eq(lang::field(node, name), ts_node_child_by_field_id(node, id)))
            FAIL_CHECK("field " << name << " of " << lang::node_type(node) << " at byte " << lang::start_byte(node));
        }
      auto from_list = checks::go::named_children_in(list, node);
      auto from_tree = lang::named_children(node);
      REQUIRE(from_list.size() == from_tree.size());
      for (size_t c = 0; c < from_tree.size(); ++c) CHECK(ts_node_eq(from_list[c], from_tree[c]));
    }
    // find_in starts from its last answer: any order of questions gets the same answers.
    const uint32_t size = static_cast<uint32_t>(list.nodes.size());
    for (uint32_t i = size; i-- > 0;) CHECK(checks::go::find_in(list, list.nodes[i]) == std::optional<uint32_t>(i));
    for (uint64_t k = 0; k < size; ++k) {
      uint32_t i = static_cast<uint32_t>(k * 7919 % size);
      CHECK(checks::go::find_in(list, list.nodes[i]) == std::optional<uint32_t>(i));
    }
    // The name filters only ever say no where the lookups they spare would find nothing: for
    // each type the package's functions name (receivers, parameters, results) and each `x.name`
    // of the file, a field or method that find_field or find_method finds (promoted ones too)
    // passes the filter.
    std::vector<checks::go::TypeRef> types;
    for (const auto& fn : package.functions()) {
      if (!fn.receiver_type.empty()) types.push_back(checks::go::TypeRef::named("", fn.receiver_type, true));
      for (const auto& param : fn.params) types.push_back(param.type);
      for (const auto& result : fn.results) types.push_back(result);
    }
    std::set<std::string> names;
    for (uint32_t i = 0; i < list.nodes.size(); ++i)
      if (lang::is(list.nodes[i], "selector_expression"))
        names.insert(std::string(package.files()[0].tree.text(lang::field(list.nodes[i], "field"))));
    selectors += names.size();
    for (const auto& name : names) {
      for (const auto& type : types) {
        if (package.find_field(type, name, nullptr)) {
          ++found_fields;
          CHECK(package.may_have_field(name));
        }
        if (package.find_method(type, name, nullptr)) {
          ++found_methods;
          CHECK(package.may_have_method(name));
        }
      }
    }
    CHECK_FALSE(package.may_have_field("noSuchFieldAnywhere"));
    CHECK_FALSE(package.may_have_method("NoSuchMethodAnywhere"));
  });
  CHECK(nodes > 10000);
  CHECK(selectors > 500);
  CHECK(found_fields > 50);
  CHECK(found_methods > 50);
  CHECK(field_questions > nodes * 40);
}

TEST_CASE("an anonymous struct is one type, named after its fields, whoever types it first", "[analysis]") {
  lang::Parser parser(lang::go_language());
  const std::string source =
      "package p\n\nimport \"sync\"\n\n"
      "var cache struct {\n\tmu sync.Mutex\n\tn  int\n}\n\n"
      "func f() {\n\tx := struct {\n\t\tmu   sync.Mutex\n\t\tdone bool\n\t}{}\n\t_ = x\n}\n\n"
      "func g() {\n\ty := struct{ mu sync.Mutex; done bool }{}\n\t_ = y\n}\n";
  std::vector<checks::go::SourceFile> files(1);
  files[0].path = "p/p.go";
  files[0].tree = parser.parse(source);
  checks::go::Package package("p", std::move(files));
  const checks::go::SourceFile& file = package.files()[0];
  std::vector<TSNode> structs;
  checks::go::for_each_node(file.tree.root(), [&](TSNode node) {
    if (lang::is(node, "struct_type")) structs.push_back(node);
    return true;
  });
  REQUIRE(structs.size() == 3);
  std::vector<std::string> names;
  for (TSNode node : structs) {
    std::string name = package.type_of_node(node, file).name;
    CHECK(name.rfind("struct#", 0) == 0);
    CHECK(package.type_of_node(node, file).name == name);  // asked again: the same type
    const checks::go::TypeDecl* decl = package.type_named(name);
    REQUIRE(decl);
    CHECK(decl->is_struct);
    CHECK(decl->fields.size() == 2);
    CHECK(decl->fields[0].name == "mu");
    names.push_back(name);
  }
  CHECK(names[0] != names[1]);
  CHECK(names[1] == names[2]);  // the same fields, spaced differently: Go's identical types
  auto global = package.global_type("cache");
  REQUIRE(global);
  CHECK(global->name == names[0]);

  // A struct type with a name is that name, wherever it is typed from.
  std::vector<checks::go::SourceFile> named(1);
  named[0].path = "n/n.go";
  named[0].tree = parser.parse("package n\n\nimport \"sync\"\n\ntype Store struct {\n\tmu sync.Mutex\n}\n");
  checks::go::Package with_name("n", std::move(named));
  TSNode store{};
  checks::go::for_each_node(with_name.files()[0].tree.root(), [&](TSNode node) {
    if (lang::is(node, "struct_type")) store = node;
    return true;
  });
  REQUIRE_FALSE(lang::null(store));
  CHECK(with_name.type_of_node(store, with_name.files()[0]).name == "Store");
  REQUIRE(with_name.type_named("Store"));
  CHECK(with_name.type_named("Store")->fields.size() == 1);

  // Code moving above it does not rename it (lock classes and fingerprints carry the name).
  std::vector<checks::go::SourceFile> moved(1);
  moved[0].path = "p/p.go";
  moved[0].tree = parser.parse("// A new comment\n// on top.\n" + source);
  checks::go::Package later("p", std::move(moved));
  CHECK(later.global_type("cache")->name == names[0]);

  // A struct of a tree the package was not built from is not added to a built package: rules
  // read it from two threads at once.
  std::vector<checks::go::SourceFile> others(1);
  others[0].path = "q/q.go";
  others[0].tree = parser.parse("package q\n\nvar other struct{ lock sync.Mutex }\n");
  TSNode foreign{};
  checks::go::for_each_node(others[0].tree.root(), [&](TSNode node) {
    if (lang::is(node, "struct_type")) foreign = node;
    return true;
  });
  REQUIRE_FALSE(lang::null(foreign));
  std::string name = package.type_of_node(foreign, others[0]).name;
  CHECK(name.rfind("struct#", 0) == 0);
  CHECK(package.type_named(name) == nullptr);
}

TEST_CASE("a package indexed file by file, in any order or on several threads, is the package indexed in place", "[analysis]") {
  // Files that disagree, as build-tagged files of one package do: the same anonymous struct
  // tokens under different imports (the first file's is the type), two declarations of a type,
  // a global, a function and a method (the last type and global stand; the first function and
  // method do, as the loop over the files met them).
  lang::Parser parser(lang::go_language());
  const std::vector<std::pair<std::string, std::string>> sources = {
      {"p/a.go",
       "package p\n\nimport s \"sync\"\n\nvar A struct{ mu s.Mutex }\n\ntype T struct{ x int }\n\nvar G T\n\n"
       "func F() int { return 1 }\n\nfunc (t *T) M() {}\n"},
      {"p/b.go", "package p\n\nimport s \"example.com/s\"\n\nvar B struct{ mu s.Mutex }\n\nfunc H(v struct{ mu s.Mutex }) {}\n"},
      {"p/c.go",
       "package p\n\nimport \"sync\"\n\ntype T struct {\n\ty int\n\tmu sync.Mutex\n}\n\nvar G *T\n\n"
       "func F() int { return 2 }\n\nfunc (t *T) M() {}\n"},
  };
  // Indexed in place; file by file in the reverse of the order given; and on four threads.
  const checks::go::ForEach backwards = [](size_t count, const std::function<void(size_t)>& body) {
    for (size_t i = count; i-- > 0;) body(i);
  };
  const checks::go::ForEach threaded = [](size_t count, const std::function<void(size_t)>& body) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (size_t i = next++; i < count; i = next++) body(i);
      });
    for (auto& thread : threads) thread.join();
  };
  for (const checks::go::ForEach* spread : {static_cast<const checks::go::ForEach*>(nullptr), &backwards, &threaded}) {
    INFO((spread == nullptr ? "in place" : spread == &backwards ? "backwards" : "four threads"));
    std::vector<checks::go::SourceFile> files(sources.size());
    for (size_t i = 0; i < sources.size(); ++i) {
      files[i].path = sources[i].first;
      files[i].tree = parser.parse(sources[i].second);
    }
    checks::go::Package package("p", std::move(files), spread);
    auto a = package.global_type("A"), b = package.global_type("B");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->name == b->name);  // the same tokens: one type
    const checks::go::TypeDecl* anonymous = package.type_named(a->name);
    REQUIRE(anonymous);
    REQUIRE(anonymous->fields.size() == 1);
    CHECK(anonymous->fields[0].type.package == "sync");  // a.go's, met first
    const checks::go::TypeDecl* t = package.type_named("T");
    REQUIRE(t);
    REQUIRE(t->fields.size() == 2);  // c.go's, declared last
    CHECK(t->fields[0].name == "y");
    auto g = package.global_type("G");
    REQUIRE(g);
    CHECK(g->pointer);  // c.go's `var G *T`
    REQUIRE(package.function_named("F"));
    CHECK(package.function_named("F")->file->path == "p/a.go");
    REQUIRE(package.method("T", "M"));
    CHECK(package.method("T", "M")->file->path == "p/a.go");
    REQUIRE(package.function_named("H"));
    CHECK(package.function_named("H")->params.at(0).type.name == a->name);
    CHECK(package.imported_anywhere("example.com/s"));
    CHECK(package.may_have_method("M"));
    std::vector<std::string> order;
    for (const auto& fn : package.functions())
      if (!fn.name.empty()) order.push_back(fn.file->path + " " + fn.display_name);
    CHECK(order == std::vector<std::string>{"p/a.go F", "p/a.go T.M", "p/b.go H", "p/c.go F", "p/c.go T.M"});
  }
}

TEST_CASE("the lock analysis is built only on the thread that owns the package's context", "[analysis]") {
  lang::Parser parser(lang::go_language());
  std::vector<checks::go::SourceFile> files(1);
  files[0].path = "p/p.go";
  files[0].tree = parser.parse("package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f() {\n\tmu.Lock()\n\tmu.Unlock()\n}\n");
  checks::go::Package package("p", std::move(files));
  checks::GoPackageContext context(package, checks::go::LockAnalysisOptions{});
  std::string error;
  std::thread other([&] {
    try {
      context.locks();
    } catch (const std::logic_error& e) {
      error = e.what();
    }
  });
  other.join();
  CHECK(error.find("locks()") != std::string::npos);
  CHECK(context.built_locks() == nullptr);
  const checks::go::LockAnalysis* built = &context.locks();  // its own thread builds it
  CHECK(built == context.built_locks());
}
