// Analysis edge cases that fixtures cannot express (code `go vet` would reject).
#include <catch2/catch.hpp>

#include "checks/analysis.h"
#include "core/config.h"

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
