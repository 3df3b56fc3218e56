// Parsing only the function bodies a change reaches (checks/go/partial.h): which bodies a plan
// keeps, when it gives up, and that a partial run's report is the whole parse's.
#include <catch2/catch.hpp>
#include <sstream>

#include "checks/go/partial.h"
#include "cli/check_command.h"
#include "report/reporter.h"
#include "support.h"

using namespace testing;
namespace go = patchgate::checks::go;

namespace {

struct File {
  std::string path;
  std::string source;
  std::vector<std::pair<int, int>> touched;  // line ranges; none: the change leaves it alone
};

// The plan and, for each file, the names of the functions whose bodies it keeps.
struct Planned {
  go::PartialPlan plan;
  std::vector<std::string> kept;
};

std::string function_name(const std::string& source, size_t body) {
  size_t func = source.rfind("\nfunc ", body);
  size_t paren = source.find('(', func + 6);
  if (source[func + 6] == '(') paren = source.find('(', source.find(')', func) + 1);  // after the receiver
  size_t start = source.find_last_of(" )", paren - 1) + 1;
  return source.substr(start, paren - start);
}

Planned plan(const std::vector<File>& files) {
  std::vector<patchgate::git::LineSet> lines(files.size());
  std::vector<go::PlanFile> in;
  for (size_t i = 0; i < files.size(); ++i) {
    for (auto [first, last] : files[i].touched) lines[i].add(first, last);
    in.push_back({files[i].path, files[i].source, files[i].touched.empty() ? nullptr : &lines[i]});
  }
  Planned out{go::PartialPlan(in), {}};
  if (out.plan.whole()) return out;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& s = files[i].source;
    std::vector<std::pair<uint32_t, uint32_t>> skipped = out.plan.skipped(i);
    for (size_t at = s.find("\nfunc "); at != std::string::npos; at = s.find("\nfunc ", at + 1)) {
      size_t body = s.find(" {\n", at) + 1;
      bool skip = std::any_of(skipped.begin(), skipped.end(), [&](const auto& r) { return r.first == body; });
      if (!skip) out.kept.push_back(function_name(s, body));
    }
  }
  std::sort(out.kept.begin(), out.kept.end());
  return out;
}

const std::string kOld =
    "package p\n"
    "\n"
    "import \"sync\"\n"
    "\n"
    "type T struct {\n"
    "\tmu sync.Mutex\n"
    "}\n"
    "\n"
    "func (t *T) M() {\n"
    "\tt.mu.Lock()\n"
    "\tt.mu.Unlock()\n"
    "}\n"
    "\n"
    "type U struct{}\n"
    "\n"
    "func (u *U) M() {\n"
    "\tdeep()\n"
    "}\n"
    "\n"
    "func helper() {\n"
    "\tdeep()\n"
    "}\n"
    "\n"
    "func deep() {\n"
    "}\n"
    "\n"
    "func other() {\n"
    "\thelper()\n"
    "}\n";

}  // namespace

TEST_CASE("partial plan: new code keeps its own bodies and what they call, by name and by type", "[partial]") {
  const std::string added =
      "package p\n"
      "\n"
      "type N struct {\n"
      "\tt *T\n"
      "}\n"
      "\n"
      "func (n *N) Run() {\n"
      "\thelper()\n"
      "\tn.t.M()\n"
      "}\n";
  Planned p = plan({{"old.go", kOld, {}}, {"new.go", added, {{1, 10}}}});
  REQUIRE_FALSE(p.plan.whole());
  // U.M shares T.M's name, but nothing in Run can hold a U; other calls helper but is not called.
  CHECK(p.kept == std::vector<std::string>{"M", "Run", "deep", "helper"});
  CHECK(p.plan.kept_bodies() == 4);
  CHECK(p.plan.skipped_bodies() == 2);
  CHECK(p.plan.skipped_may_use_type("U"));
  CHECK_FALSE(p.plan.skipped_may_use_type("N"));
}

TEST_CASE("partial plan: a body that may call or read what the change touches makes the package whole", "[partial]") {
  SECTION("a touched function with an untouched caller") {
    Planned p = plan({{"old.go", kOld, {{20, 22}}}});  // helper; other calls it
    CHECK(p.plan.whole());
    CHECK(p.plan.reason().find("other refers to helper") != std::string::npos);
  }
  SECTION("a touched method of a type an untouched body holds") {
    std::string source = kOld + "\nfunc use(t *T) {\n\tt.M()\n}\n";
    Planned p = plan({{"old.go", source, {{9, 12}}}});  // T.M; use holds a *T
    CHECK(p.plan.whole());
    CHECK(p.plan.reason().find("use refers to T") != std::string::npos);
  }
  SECTION("a value of the type reached through a function's result") {
    std::string source = kOld + "\nfunc get() *T {\n\treturn nil\n}\n\nfunc use() {\n\tget().M()\n}\n";
    Planned p = plan({{"old.go", source, {{9, 12}}}});
    CHECK(p.plan.whole());
  }
  SECTION("a file that does not scan") {
    Planned p = plan({{"old.go", kOld, {}}, {"bad.go", "package p\n\nfunc f() {\n", {{1, 3}}}});
    CHECK(p.plan.whole());
    CHECK(p.plan.reason().find("bad.go") != std::string::npos);
  }
}

TEST_CASE("partial plan: bodies that package-wide indexes read are kept once a kept body needs them", "[partial]") {
  const std::string conds =
      "package p\n"
      "\n"
      "import \"sync\"\n"
      "\n"
      "type Q struct {\n"
      "\tmu   sync.Mutex\n"
      "\tcond *sync.Cond\n"
      "}\n"
      "\n"
      "func newQ() *Q {\n"
      "\tq := &Q{}\n"
      "\tq.cond = sync.NewCond(&q.mu)\n"
      "\treturn q\n"
      "}\n"
      "\n"
      "func work(ch chan int) {\n"
      "\tch <- 1\n"
      "}\n"
      "\n"
      "func makeChan() chan int {\n"
      "\treturn make(chan int)\n"
      "}\n";
  SECTION("a Wait keeps the bodies that make conds") {
    std::string added = "package p\n\ntype W struct{ c int }\n\nfunc (w *W) Run() {\n\tw.c.Wait()\n}\n";
    Planned p = plan({{"q.go", conds, {}}, {"new.go", added, {{1, 7}}}});
    REQUIRE_FALSE(p.plan.whole());
    CHECK(p.kept == std::vector<std::string>{"Run", "newQ"});
  }
  SECTION("a select keeps the bodies that make channels") {
    std::string added =
        "package p\n\ntype W struct{ c chan int }\n\nfunc (w *W) Run() {\n\tselect {\n\tcase w.c <- 1:\n\tdefault:\n\t}\n}\n";
    Planned p = plan({{"q.go", conds, {}}, {"new.go", added, {{1, 10}}}});
    REQUIRE_FALSE(p.plan.whole());
    CHECK(p.kept == std::vector<std::string>{"Run", "makeChan"});  // work sends, but makes none
  }
}

namespace {

// The staged change's JSON report, parsed as far as the change reaches and whole.
std::pair<std::string, std::string> both_reports(const std::string& repo) {
  patchgate::cli::CheckOptions options;
  options.diff.staged = true;
  std::istringstream no_input;
  std::ostringstream partial, whole;
  patchgate::report::write_json(patchgate::cli::build_check_report(options, repo, no_input), partial);
  ScopedEnv no_partial("PATCHGATE_PARTIAL", "0");
  patchgate::report::write_json(patchgate::cli::build_check_report(options, repo, no_input), whole);
  return {partial.str(), whole.str()};
}

std::string staged_repo(const TempDir& tmp, const std::string& base, const std::string& head) {
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "go.mod", "module example.com/p\n\ngo 1.19\n");
  write_file(fs::path(repo) / "p/old.go", base);
  commit_all(repo, "base");
  write_file(fs::path(repo) / "p/old.go", head);
  git(repo, {"add", "-A"});
  return repo;
}

}  // namespace

TEST_CASE("partial parse: findings that need unchanged bodies are the whole parse's", "[partial]") {
  const std::string locker =
      "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc lockIt() {\n\tmu.Lock()\n\tdefer mu.Unlock()\n}\n\n"
      "func unrelated() {\n\tprintln(1)\n}\n";
  TempDir tmp;
  SECTION("new code calls an unchanged function that takes the lock it holds") {
    std::string repo = staged_repo(tmp, locker, locker + "\nfunc added() {\n\tmu.Lock()\n\tlockIt()\n\tmu.Unlock()\n}\n");
    auto [partial, whole] = both_reports(repo);
    CHECK(partial.find("go-double-lock") != std::string::npos);
    CHECK(partial == whole);
  }
  SECTION("an unchanged caller of a function that now takes the lock") {
    std::string base = locker + "\nfunc caller() {\n\tmu.Lock()\n\thelper()\n\tmu.Unlock()\n}\n\nfunc helper() {\n}\n";
    std::string head = locker + "\nfunc caller() {\n\tmu.Lock()\n\thelper()\n\tmu.Unlock()\n}\n\nfunc helper() {\n\tlockIt()\n}\n";
    std::string repo = staged_repo(tmp, base, head);
    auto [partial, whole] = both_reports(repo);
    CHECK(partial.find("go-double-lock") != std::string::npos);
    CHECK(partial == whole);
  }
  SECTION("new code that nests two locks (go-lock-order reads every function's order)") {
    std::string base = locker + "\nvar other sync.Mutex\n\nfunc inverse() {\n\tother.Lock()\n\tlockIt()\n\tother.Unlock()\n}\n";
    std::string repo = staged_repo(tmp, base, base + "\nfunc added() {\n\tmu.Lock()\n\tother.Lock()\n\tother.Unlock()\n\tmu.Unlock()\n}\n");
    auto [partial, whole] = both_reports(repo);
    CHECK(partial.find("go-lock-order") != std::string::npos);
    CHECK(partial == whole);
  }
}

TEST_CASE("partial plan: a skipped function's comments, and an untouched table's values, are skipped too", "[partial]") {
  const std::string old =
      "package p\n"                                        // 1
      "\n"                                                 // 2
      "import \"sync\"\n"                                  // 3
      "\n"                                                 // 4
      "type Case struct{ in, out string }\n"               // 5
      "\n"                                                 // 6
      "var cases = []Case{ // the table\n"                 // 7
      "\t{in: \"a\", out: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},\n"
      "\t{in: \"b\", out: \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"},\n"
      "\t{in: \"c\", out: \"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\"},\n"
      "}\n"                                                // 11
      "\n"                                                 // 12
      "var locks = []*sync.Mutex{\n"                       // 13: names a lock type: kept
      "\tnew(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex),\n"
      "\tnew(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex),\n"
      "\tnew(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex), new(sync.Mutex),\n"
      "}\n"                                                // 17
      "\n"                                                 // 18
      "// untouched is documented here.\n"                 // 19
      "// It says nothing a rule reads.\n"                 // 20
      "func untouched() {\n"                               // 21
      "}\n"                                                // 22
      "\n"                                                 // 23
      "// touched is documented here.\n"                   // 24
      "func touched() {\n"                                 // 25
      "\tprintln(1)\n"                                     // 26
      "}\n";                                               // 27
  auto text = [&](const std::pair<uint32_t, uint32_t>& range) { return old.substr(range.first, range.second - range.first); };
  SECTION("a change elsewhere") {
    Planned p = plan({{"p.go", old, {{26, 26}}}});
    REQUIRE_FALSE(p.plan.whole());
    CHECK(p.kept == std::vector<std::string>{"touched"});
    CHECK(p.plan.skipped_literals() == 1);
    std::vector<std::string> skipped;
    for (const auto& range : p.plan.skipped(0)) skipped.push_back(text(range));
    REQUIRE(skipped.size() == 3);
    CHECK(skipped[0].rfind(" // the table\n\t{in: \"a\"", 0) == 0);  // the inside of the table's braces
    CHECK(skipped[0].size() > 3 * 80);
    CHECK(skipped[1] == "\n// untouched is documented here.\n// It says nothing a rule reads.\n");
    CHECK(skipped[2] == "{\n}");
  }
  SECTION("a change to the type the table holds") {
    Planned p = plan({{"p.go", old, {{5, 5}}}});
    REQUIRE_FALSE(p.plan.whole());
    CHECK(p.plan.skipped_literals() == 0);
  }
  SECTION("a change to the table") {
    Planned p = plan({{"p.go", old, {{9, 9}}}});
    REQUIRE_FALSE(p.plan.whole());
    CHECK(p.plan.skipped_literals() == 0);
  }
}
