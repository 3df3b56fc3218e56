// Reporters against approved golden output (tests/golden); UPDATE_GOLDEN=1 rewrites them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "checks/rule_docs.h"
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

// The sample plus what a gate run adds: a race finding with its stacks, the stages, the
// packages tested.
Report gate_report() {
  Report report = sample_report();
  report.change = "merge-base of origin/main..HEAD";
  Finding race;
  race.rule = "race-data-race";
  race.severity = Severity::kError;
  race.category = "race";
  race.checklist = 5;
  race.source = "race";
  race.message = "data race: write in Stats.Hit by goroutine 8 races with the read at counter/stats.go:13 in "
                 "Stats.Hits by goroutine 7";
  race.location = {"counter/stats.go", 9, 2, 0, 0};
  race.related = {{{"counter/stats.go", 13, 9, 0, 0}, "read by goroutine 7"},
                  {{"counter/stats_test.go", 8, 3, 0, 0}, "goroutine 8 started here"}};
  race.enclosing_function = "Stats.Hit";
  race.snippet = "\ts.hits++";
  race.stack = "WARNING: DATA RACE\nWrite at 0x00c000012345 by goroutine 8:\n  counter.(*Stats).Hit()\n"
               "      /repo/counter/stats.go:9 +0x44\n";
  race.on_changed_line = true;
  race.fingerprint = compute_fingerprint(race, race.snippet, "counter/stats.go:13");
  report.findings.push_back(race);
  std::sort(report.findings.begin(), report.findings.end(), finding_less);
  report.stages = {{"check", "ran", "2 file(s) analysed"}, {"race", "ran", "2 package(s)"}, {"review", "skipped", "not configured"}};
  report.race_packages = {{"counter", "failed", false, 2350, "go test -race -count=3 -cpu=1,4 ./counter", ""},
                          {"ratelimit", "passed", true, 0, "go test -race -count=3 -cpu=1,4 ./ratelimit", ""}};
  report.ai_authored = true;
  report.ai_reason = "Co-Authored-By: Claude <noreply@anthropic.com> in HEAD";
  report.suppressed = 1;
  report.baselined = 2;
  report.verdict = decide(report);
  return report;
}

// The gate report plus what a second-model review adds: one grounded finding that blocks, one
// advisory, two claims that failed grounding, and what the packet left out.
Report review_report() {
  Report report = gate_report();
  Finding model;
  model.rule = "review-helper-topup-re-locks-l-mu-held-by";
  model.severity = Severity::kError;
  model.category = "model";
  model.checklist = 3;
  model.source = "model";
  model.message = "helper topUp re-locks l.mu, which Allow already holds";
  model.location = {"ratelimit/limiter.go", 24, 2, 24, 13};
  model.fix = "Do not lock in topUp; document that l.mu must be held.";
  model.enclosing_function = "Limiter.topUp";
  model.snippet = "\tl.mu.Lock()";
  model.stack = "trigger: any call to Allow\nfalsified by: a test calling Allow once returns\n";
  model.on_changed_line = true;
  model.confidence = 0.93;
  model.fingerprint = compute_fingerprint(model, model.snippet, "");
  report.findings.push_back(model);
  Finding advisory = model;
  advisory.rule = "review-burst-refill-races-with-available";
  advisory.severity = Severity::kWarning;
  advisory.message = "burst refill may race with Available under load";
  advisory.location = {"ratelimit/limiter.go", 29, 3, 29, 22};
  advisory.snippet = "\t\tl.tokens = l.burst";
  advisory.fix.clear();
  advisory.stack = "trigger: Allow and Available from two goroutines\n";
  advisory.confidence = 0.41;
  advisory.advisory = true;
  advisory.fingerprint = compute_fingerprint(advisory, advisory.snippet, "");
  report.findings.push_back(advisory);
  std::sort(report.findings.begin(), report.findings.end(), finding_less);

  ReviewRecord review;
  review.provider = "openai";
  review.model = "gpt-test";
  review.status = "ran";
  review.verdict = "needs-attention";
  review.summary = "The extracted helper locks the mutex its only caller holds; every Allow deadlocks.";
  review.grounded = 2;
  review.ungrounded = {
      {"ratelimit/limiter.go", 41, 43, "l.mu.RLock()", "RLock upgraded to Lock", "high", 0.8,
       "quoted text not found within 3 lines of 41-43"},
      {"vendor/x.go", 7, 7, "go f()", "goroutine leak in vendor code", "medium", 0.5, "file not in the change"}};
  review.omitted = {"ratelimit/limiter.go: func (l *Limiter) Available() int (lines 45-49)"};
  review.redactions = 1;
  review.packet_tokens = 1234;
  review.attempts = 2;
  report.review = review;
  for (auto& stage : report.stages)
    if (stage.name == "review") stage = {"review", "ran", "openai gpt-test: 2 grounded, 2 ungrounded"};
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

TEST_CASE("sarif and github and markdown and junit reporters match their golden output", "[report]") {
  for (const auto& [format, file] : std::vector<std::pair<std::string, std::string>>{
           {"github", "report.github.txt"}, {"markdown", "report.md"}, {"junit", "report.junit.xml"}}) {
    INFO(format);
    std::ostringstream out;
    report::write_format(format, gate_report(), report::TextStyle{}, out);
    approve(file, out.str());
  }
  // SARIF carries the rule docs, which change on their own schedule: checked here against the
  // embedded docs, and left out of the golden file.
  std::ostringstream sarif_out;
  report::write_sarif(gate_report(), sarif_out);
  auto sarif = nlohmann::ordered_json::parse(sarif_out.str());
  for (auto& rule : sarif["runs"][0]["tool"]["driver"]["rules"]) {
    std::string id = rule["id"];
    INFO(id);
    REQUIRE(checks::rule_doc(id));
    CHECK(rule["help"]["markdown"] == std::string(*checks::rule_doc(id)));
    CHECK(rule["help"]["text"] == rule["help"]["markdown"]);
    CHECK(rule["shortDescription"]["text"] == checks::rule_summary(id));
    CHECK(rule["fullDescription"]["text"].get<std::string>().rfind(checks::rule_summary(id), 0) == 0);
    rule["help"] = "(docs/rules/" + id + ".md)";
    rule["fullDescription"] = "(its first paragraph and Why it matters)";
    rule["shortDescription"] = "(its summary)";
  }
  approve("report.sarif", sarif.dump(2) + "\n");
  // A plain check: no stages, so the static items ran and the race item did not.
  std::ostringstream markdown;
  report::write_markdown(sample_report(), markdown);
  approve("report-check.md", markdown.str());
}

TEST_CASE("every format shows the second-model review and its findings", "[report][review]") {
  Report report = review_report();
  REQUIRE(report.verdict == Verdict::kBlock);
  std::ostringstream text;
  report::write_text(report, report::TextStyle{}, text);
  approve("report-review.txt", text.str());
  std::ostringstream json_out;
  report::write_json(report, json_out);
  approve("report-review.json", json_out.str());
  for (const auto& [format, file] : std::vector<std::pair<std::string, std::string>>{
           {"github", "report-review.github.txt"}, {"markdown", "report-review.md"}, {"junit", "report-review.junit.xml"}}) {
    INFO(format);
    std::ostringstream out;
    report::write_format(format, report, report::TextStyle{}, out);
    approve(file, out.str());
  }
  std::ostringstream sarif_out;
  report::write_sarif(report, sarif_out);
  auto sarif = nlohmann::ordered_json::parse(sarif_out.str());
  for (auto& rule : sarif["runs"][0]["tool"]["driver"]["rules"]) {
    std::string id = rule["id"];
    if (id.rfind("review-", 0) == 0) {
      CHECK_FALSE(rule.contains("help"));  // a model's rule has no doc page
      continue;
    }
    rule["help"] = "(docs/rules/" + id + ".md)";
    rule["fullDescription"] = "(its first paragraph and Why it matters)";
    rule["shortDescription"] = "(its summary)";
  }
  approve("report-review.sarif", sarif.dump(2) + "\n");

  auto parsed = nlohmann::json::parse(json_out.str());
  CHECK(parsed["review"]["grounded"] == 2);
  CHECK(parsed["review"]["ungrounded"].size() == 2);
  for (const auto& f : parsed["findings"]) {
    if (f["source"] != "model") {
      CHECK_FALSE(f.contains("confidence"));
      continue;
    }
    CHECK(f.contains("confidence"));
    CHECK(f.contains("advisory"));
  }
}
