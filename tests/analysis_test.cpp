// Analysis edge cases that fixtures cannot express (code `go vet` would reject).
#include <catch2/catch.hpp>

#include "checks/analysis.h"
#include "core/config.h"

using namespace patchgate;

namespace {

Report analyse(const std::string& source) {
  git::ChangeSet change;
  change.whole_tree = true;
  git::ChangedFile file;
  file.path = file.old_path = "p/p.go";
  file.status = git::FileStatus::kUnmodified;
  change.files.push_back(file);
  change.revision = git::memory_source({{"p/p.go", source}});
  Report report;
  checks::analyze_change(change, Config{}, checks::RuleSelection{}, report);
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
