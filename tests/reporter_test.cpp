// Reporters against approved golden output (tests/golden); UPDATE_GOLDEN=1 rewrites them.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "core/policy.h"
#include "report/reporter.h"
#include "support.h"

using namespace testing;
using namespace patchgate;

namespace {

Report sample_report() {
  Report report;
  report.tool_version = "VERSION";
  report.change = "staged changes";
  Finding f;
  f.rule = "go-double-lock";
  f.severity = Severity::kError;
  f.category = "lock-state";
  f.checklist = 3;
  f.message = "l.mu is locked in Limiter.topUp while its caller Limiter.Allow already holds it "
              "(Limiter.Allow -> Limiter.topUp); sync.Mutex is not reentrant, so this blocks forever";
  f.location = {"ratelimit/limiter.go", 24, 2, 24, 13};
  f.related = {{{"ratelimit/limiter.go", 37, 2, 37, 13}, "first locked here"},
               {{"ratelimit/limiter.go", 40, 2, 40, 12}, "Limiter.Allow calls Limiter.topUp here with the lock held"}};
  f.fix = "make Limiter.topUp expect the lock held";
  f.enclosing_function = "Limiter.topUp";
  f.snippet = "\tl.mu.Lock()";
  f.fingerprint = compute_fingerprint(f, f.snippet, "Limiter.Allow|recv.mu");
  report.findings.push_back(f);
  Finding note = f;
  note.severity = Severity::kWarning;
  note.message = "caf\xc3\xa9 \xff invalid utf-8 in a message";
  note.location = {"dir with space/\xc3\xbc.go", 3, 5, 3, 6};
  note.related.clear();
  note.fix.clear();
  note.snippet = "    x := \"caf\xc3\xa9\" // \xff";
  report.findings.push_back(note);
  report.files = {{"ratelimit/limiter.go", "", "modified", "go", true, false, 14},
                  {"dir with space/\xc3\xbc.go", "old.go", "renamed", "go", true, true, 2},
                  {"logo.png", "", "added", "", false, false, 0}};
  report.skipped = {{"logo.png", "binary"}, {"README.md", "unsupported language"}};
  report.errors = {{"dir with space/\xc3\xbc.go", "syntax errors; analysed what parsed"}};
  report.fail_on = FailOn::kError;
  report.verdict = decide(report);
  return report;
}

void approve(const std::string& name, const std::string& actual) {
  fs::path golden = fs::path(source_dir()) / "tests/golden" / name;
  if (std::getenv("UPDATE_GOLDEN")) write_file(golden, actual);
  REQUIRE(fs::exists(golden));
  CHECK(read_file(golden) == actual);
}

}  // namespace

TEST_CASE("text reporter matches its golden output", "[report]") {
  std::ostringstream out;
  report::write_text(sample_report(), report::TextStyle{}, out);
  approve("report.txt", out.str());
  std::ostringstream verbose;
  report::TextStyle style;
  style.verbose = true;
  report::write_text(sample_report(), style, verbose);
  approve("report-verbose.txt", verbose.str());
}

TEST_CASE("json reporter matches its golden output", "[report]") {
  std::ostringstream out;
  report::write_json(sample_report(), out);
  approve("report.json", out.str());
}

TEST_CASE("colour only when asked", "[report]") {
  std::ostringstream plain, coloured;
  report::write_text(sample_report(), report::TextStyle{}, plain);
  report::TextStyle style;
  style.color = true;
  report::write_text(sample_report(), style, coloured);
  CHECK(plain.str().find('\x1b') == std::string::npos);
  CHECK(coloured.str().find("\x1b[1;31merror") != std::string::npos);
}
