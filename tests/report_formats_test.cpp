// The report formats under attack and under their consumers' tools: hostile file names and
// code must come out inert in every format; SARIF goes through Microsoft's validator, Markdown
// through markdown-it, JUnit through a strict XML parser (all pinned in package-lock.json and
// installed by scripts/setup), on built reports and on reports of real repositories.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "checks/rule_docs.h"
#include "core/policy.h"
#include "report/escape.h"
#include "report/reporter.h"
#include "support.h"

using namespace testing;
using namespace patchgate;
using json = nlohmann::json;

namespace {

// Everything a file name, a line of code or a message quoting code can carry to hurt a
// terminal, a CI log or a Markdown page.
const std::string kEvil =
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \xc2\x9b"
    "2J \xe2\x80\xae"
    "reversed\n::error file=x.go,line=1::injected\r\n  ::warning::indented ##[error]legacy "
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [click](http://x.example) ](http://x.example) | pipe "
    "`tick` ```fence @someone *bold* _em_ ~~del~~ $x$ &amp; \\";
const std::string kEvilFile = "::error::evil\x1b[2J\n<script>alert(1)</script>|`x`](http://x.example).go";
const std::string kEvilRelated = "  ::notice::related\x1b]0;t\x07 ##[warning]x.go";

Report hostile_report() {
  Report report;
  report.change = "staged changes " + kEvil;
  Finding f;
  f.rule = "go-double-lock";
  f.severity = Severity::kError;
  f.category = "lock-state";
  f.checklist = 3;
  f.message = "l.mu is locked twice " + kEvil;
  f.location = {kEvilFile, 3, 2, 3, 13};
  f.related = {{{kEvilRelated, 7, 1, 0, 0}, "first locked here " + kEvil}};
  f.fix = "fix it " + kEvil;
  f.enclosing_function = "F\x1b[0m\n::error::fn";
  f.snippet = "\tl.mu.Lock() // \x1b[31m ``` <script>alert(1)</script>\n::error::from-snippet\n##[error]x";
  f.fingerprint = "0123456789abcdef";
  report.findings.push_back(f);

  Finding race;
  race.rule = "race-data-race";
  race.severity = Severity::kError;
  race.category = "race";
  race.checklist = 5;
  race.source = "race";
  race.message = "data race " + kEvil;
  race.location = {kEvilFile, 5, 1, 0, 0};
  race.related = {{{kEvilRelated, 9, 2, 0, 0}, "read by goroutine 7 " + kEvil}, {{"", 0, 0, 0, 0}, "nowhere"}};
  race.snippet = "\ts.hits++ " + kEvil;
  race.stack = "goroutine 1 [running]:\n::error::stack\n##[error]stack\n\x1b[31m" + kEvil;
  race.on_changed_line = true;
  race.fingerprint = "fedcba9876543210";
  report.findings.push_back(race);

  Finding nowhere = f;  // a finding with no line: no region, no line property
  nowhere.rule = "model-finding";
  nowhere.severity = Severity::kWarning;
  nowhere.checklist = 0;
  nowhere.location = {kEvilFile, 0, 0, 0, 0};
  nowhere.related.clear();
  nowhere.snippet.clear();
  report.findings.push_back(nowhere);

  report.files = {{kEvilFile, kEvilRelated, "renamed", "go", true, true, 3}};
  report.skipped = {{"```\n<img src=x onerror=alert(1)>.bin", "binary " + kEvil}};
  report.errors = {{kEvilFile, "syntax errors " + kEvil}, {"", "interrupted " + kEvil}};
  report.stages = {{"check", "ran", kEvil}, {"race", "ran", "1 package(s)"}};
  report.race_packages = {{"pkg\n::error::dir", "failed", false, 10, "go test " + kEvil, kEvil}};
  report.ai_authored = true;
  report.ai_reason = "commit trailer " + kEvil;
  report.suppressed = 1;
  report.verdict = decide(report);
  return report;
}

std::string render(const std::string& format, const Report& report) {
  std::ostringstream out;
  report::write_format(format, report, report::TextStyle{}, out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Lines GitHub's runner would take as workflow commands: `::` first after leading whitespace,
// or the legacy `##[` anywhere.
std::vector<std::string> command_lines(const std::string& output) {
  std::vector<std::string> found;
  for (const auto& line : lines_of(output)) {
    size_t start = line.find_first_not_of(" \t\v\f\r");
    // U+00A0 and U+3000 are whitespace to .NET's TrimStart too.
    while (start != std::string::npos &&
           (line.compare(start, 2, "\xc2\xa0") == 0 || line.compare(start, 3, "\xe3\x80\x80") == 0))
      start = line.find_first_not_of(" \t", start + (line[start] == '\xc2' ? 2 : 3));
    if ((start != std::string::npos && line.compare(start, 2, "::") == 0) || line.find("##[") != std::string::npos)
      found.push_back(line);
  }
  return found;
}

std::string unescape_github(std::string text) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"%0D", "\r"}, {"%0A", "\n"}, {"%3A", ":"}, {"%2C", ","}, {"%25", "%"}}) {
    for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
      text.replace(pos, from.size(), to);
  }
  return text;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

// The text between the first `open` at or after `from` and the next `close`.
std::string between(const std::string& text, const std::string& open, const std::string& close, size_t from = 0) {
  size_t start = text.find(open, from);
  if (start == std::string::npos) return "";
  size_t end = text.find(close, start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

fs::path node_modules() { return fs::path(source_dir()) / "node_modules"; }

std::string node() {
  RunResult probe = run({"node", "--version"}, source_dir());
  INFO("node is needed for the Markdown and JUnit checks; scripts/setup installs it with npm");
  REQUIRE(probe.code == 0);
  return "node";
}

// The Markdown rendered by markdown-it, as a page would: `safe` with raw HTML off (the
// library's default), `trusting` with raw HTML and autolinks on, like GitHub's renderer,
// which lets through the <details> the report uses.
json render_markdown(const TempDir& tmp, const std::string& markdown) {
  fs::path source = tmp.path() / "report.md";
  fs::path script = tmp.path() / "render.js";
  write_file(source, markdown);
  write_file(script, R"JS(
const path = require('path');
const fs = require('fs');
const MarkdownIt = require(path.join(process.argv[2], 'markdown-it'));
const source = fs.readFileSync(process.argv[3], 'utf8');
const safe = new MarkdownIt({html: false}).render(source);
const trusting = new MarkdownIt({html: true, linkify: true}).render(source);
process.stdout.write(JSON.stringify({safe, trusting}));
)JS");
  RunResult r = run({node(), script.string(), node_modules().string(), source.string()}, tmp.str());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

// JUnit XML through saxes, a conforming XML 1.0 parser: its errors, the test cases, the
// failures and skips, and all character data and attribute values as decoded.
json parse_junit(const TempDir& tmp, const std::string& xml) {
  fs::path source = tmp.path() / "report.xml";
  fs::path script = tmp.path() / "junit.js";
  write_file(source, xml);
  write_file(script, R"JS(
const path = require('path');
const fs = require('fs');
const {SaxesParser} = require(path.join(process.argv[2], 'saxes'));
const out = {errors: [], testcases: [], failures: 0, errorElements: 0, skipped: 0, text: ''};
const parser = new SaxesParser();
parser.on('error', (e) => { out.errors.push(String(e.message)); });
parser.on('opentag', (tag) => {
  if (tag.name === 'testcase') out.testcases.push(tag.attributes.name);
  if (tag.name === 'failure') out.failures++;
  if (tag.name === 'error') out.errorElements++;
  if (tag.name === 'skipped') out.skipped++;
  for (const value of Object.values(tag.attributes)) out.text += value + '\n';
});
parser.on('text', (t) => { out.text += t; });
parser.write(fs.readFileSync(process.argv[3], 'utf8')).close();
process.stdout.write(JSON.stringify(out));
)JS");
  RunResult r = run({node(), script.string(), node_modules().string(), source.string()}, tmp.str());
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

// Microsoft's SARIF validator (npm @microsoft/sarif-multitool: a self-contained .NET binary
// per platform) on one file: its results at level error or warning, one line each.
std::vector<std::string> sarif_problems(const TempDir& tmp, const fs::path& sarif) {
  fs::path validator = node_modules() / "@microsoft/sarif-multitool-linux/Sarif.Multitool";
  INFO("the SARIF validator is missing: run scripts/setup (npm ci) in " << source_dir());
  REQUIRE(fs::exists(validator));
  // `npm ci --ignore-scripts` skips the package's postinstall, which only marks it executable.
  if ((fs::status(validator).permissions() & fs::perms::owner_exec) == fs::perms::none)
    fs::permissions(validator, fs::perms::owner_exec, fs::perm_options::add);
  fs::path log = tmp.path() / (sarif.filename().string() + ".validation.sarif");
  RunResult r =
      run({validator.string(), "validate", "--level", "Error;Warning;Note", "--log", "ForceOverwrite", "-o",
           log.string(), sarif.string()},
          tmp.str(), "", 180, {{"DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1"}, {"DOTNET_CLI_TELEMETRY_OPTOUT", "1"}});
  INFO("validator: " << r.out << r.err);
  REQUIRE(r.code == 0);
  REQUIRE(fs::exists(log));
  json results = json::parse(read_file(log));
  REQUIRE(results["runs"].size() == 1);
  const json& run0 = results["runs"][0];
  // It looked at the file: the run names it as an analysis target.
  CHECK(run0.dump().find(sarif.filename().string()) != std::string::npos);
  std::vector<std::string> problems;
  for (const auto& result : run0.value("results", json::array())) {
    std::string level = result.value("level", "warning");
    if (level != "error" && level != "warning") continue;
    problems.push_back(level + " " + result.value("ruleId", "?") + ": " + result["message"].dump());
  }
  return problems;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

json find_result(const json& sarif, const std::string& rule) {
  for (const auto& result : sarif["runs"][0]["results"])
    if (result["ruleId"] == rule) return result;
  return nullptr;
}

// A repository holding testdata/race/<module>, everything committed but `staged_file`, which
// is then staged: the change under test.
std::string module_repo(const TempDir& tmp, const std::string& module, const std::string& staged_file) {
  std::string repo = init_repo(tmp);
  fs::copy(fs::path(source_dir()) / "testdata/race" / module, repo, fs::copy_options::recursive);
  std::string content = read_file(fs::path(repo) / staged_file);
  fs::remove(fs::path(repo) / staged_file);
  write_file(fs::path(repo) / "README", "fixture\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / staged_file, content);
  git(repo, {"add", staged_file});
  return repo;
}

const char* kStoreBase =
    "package store\n\nimport \"sync\"\n\ntype Store struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\n"
    "func (s *Store) Set(k string, v int) {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.m[k] = v\n}\n";
// The "extract helper" refactor whose helper locks what its caller holds; the helper's Lock line
// carries hostile text in a comment.
const char* kStoreHead =
    "package store\n\nimport \"sync\"\n\ntype Store struct {\n\tmu sync.Mutex\n\tm  map[string]int\n}\n\n"
    "func (s *Store) put(k string, v int) {\n\ts.mu.Lock() // \x1b[31m ::error::x <script>alert(1)</script> ``` |\n"
    "\tdefer s.mu.Unlock()\n\ts.m[k] = v\n}\n\n"
    "func (s *Store) Set(k string, v int) {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.put(k, v)\n}\n";

}  // namespace

TEST_CASE("hostile file names and messages and code are inert in every format", "[report][hostile]") {
  Report report = hostile_report();
  for (const auto& format : report::format_names()) {
    INFO("format: " << format);
    std::string out = render(format, report);
    REQUIRE_FALSE(out.empty());
    CHECK(out.find('\x1b') == std::string::npos);          // ANSI escapes
    CHECK(out.find('\x07') == std::string::npos);          // the BEL ending an OSC sequence
    CHECK(out.find("\xc2\x9b") == std::string::npos);      // the one-character CSI
    CHECK(out.find("\xe2\x80\xae") == std::string::npos);  // a bidi override
    CHECK(out.find('\r') == std::string::npos);
    auto commands = command_lines(out);
    if (format != "github") {
      INFO(commands.size() << " line(s) a CI runner would run, e.g. " << (commands.empty() ? "" : commands.front()));
      CHECK(commands.empty());
    }
  }

  SECTION("github: only patchgate's own commands, with the repository's text in escaped values") {
    std::string out = render("github", report);
    auto commands = command_lines(out);
    CHECK(commands.size() == report.findings.size() + report.errors.size());
    for (const auto& line : lines_of(out)) {
      INFO(line);
      bool own = line.rfind("::error file=", 0) == 0 || line.rfind("::warning file=", 0) == 0 ||
                 line.rfind("::notice file=", 0) == 0 || line.rfind("::warning title=", 0) == 0 ||
                 line.rfind("::error title=", 0) == 0;
      CHECK((own || line.rfind("patchgate: ", 0) == 0));
      if (!own) continue;
      // Parsed the way the runner does: the command and its properties end at the next `::`.
      size_t end = line.find("::", 2);
      REQUIRE(end != std::string::npos);
      std::string info = line.substr(2, end - 2);
      std::string properties = info.substr(info.find(' ') + 1);
      std::istringstream split(properties);
      for (std::string property; std::getline(split, property, ',');) {
        size_t eq = property.find('=');
        REQUIRE(eq != std::string::npos);
        std::string key = property.substr(0, eq);
        CHECK((key == "file" || key == "line" || key == "col" || key == "endLine" || key == "endColumn" ||
               key == "title"));
        if (key == "file") CHECK(unescape_github(property.substr(eq + 1)) == report::printable(kEvilFile));
      }
    }
    // A finding without a line is still on its file, with no line property.
    CHECK(out.find("::warning file=") != std::string::npos);
    std::string first = lines_of(out).front();
    CHECK(first.find(",line=3,col=2,endLine=3,endColumn=13,title=go-double-lock::") != std::string::npos);
    CHECK(unescape_github(first.substr(first.find("::", 2) + 2)).find("fix: fix it") != std::string::npos);
  }

  SECTION("json and sarif parse, and keep paths as data") {
    json report_json = json::parse(render("json", report));
    CHECK(report_json["findings"][0]["file"] == kEvilFile);  // JSON escaping is enough: no loss
    json sarif = json::parse(render("sarif", report));
    const json& results = sarif["runs"][0]["results"];
    REQUIRE(results.size() == 3);
    std::string uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    CHECK(uri.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/%") ==
          std::string::npos);
    CHECK(uri.rfind("%3A%3Aerror%3A%3Aevil%1B%5B2J%0A%3Cscript%3E", 0) == 0);
    CHECK(results[0]["message"]["text"].get<std::string>().find("\\x1b[31mred") != std::string::npos);
    // The line-less finding is on the file's first line, and says so; the related location
    // without a file is left out.
    CHECK(results[2]["locations"][0]["physicalLocation"]["region"] == json{{"startLine", 1}});
    CHECK(results[2]["properties"]["wholeFile"] == true);
    CHECK(results[1]["relatedLocations"].size() == 1);
    CHECK(sarif["runs"][0]["invocations"][0]["executionSuccessful"] == true);
  }

  SECTION("text: file names and code cannot colour, move or clear the terminal") {
    std::string out = render("text", report);
    CHECK(out.find("\\x1b[2J") != std::string::npos);  // shown, not obeyed
    CHECK(out.find("\\n") != std::string::npos);
  }
}

TEST_CASE("markdown renders its structure with markdown-it, and hostile content only as text", "[report][markdown]") {
  TempDir tmp;
  Report report = hostile_report();
  std::string markdown = render("markdown", report);
  json html = render_markdown(tmp, markdown);
  for (const char* mode : {"safe", "trusting"}) {
    INFO("markdown-it " << mode << "\n" << html[mode].get<std::string>());
    std::string page = html[mode];
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<a ") == std::string::npos);  // no link survives: not [click](...), not an autolink
    CHECK(page.find("<em>") == std::string::npos);
    CHECK(page.find("<strong>bold") == std::string::npos);
    CHECK(page.find("<s>") == std::string::npos);
    CHECK(count(page, "<h2>") == 1);  // the verdict; no heading smuggled in by a newline
    CHECK(page.find("<h2>\xE2\x9D\x8C patchgate: blocked</h2>") != std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("\\x1b[31mred") != std::string::npos);
    // The checklist: five items of four cells each, whatever pipes the details hold.
    std::string checklist = between(page, "<table>", "</table>");
    CHECK(count(checklist, "<th>") == 4);
    CHECK(count(checklist, "<tr>") == 7);
    CHECK(count(checklist, "<td>") == 5 * 4 + 4);  // and the finding with no checklist item
    // Race packages: one row of five cells, the hostile directory in one of them.
    std::string race = between(page, "<table>", "</table>", page.find("Race and stress runs</h3>"));
    CHECK(count(race, "<td>") == 5);
    // Code stays in its block: the snippet's ``` does not close the fence.
    std::string block = between(page, "<pre><code class=\"language-go\">", "</code></pre>");
    CHECK(block.find("``` &lt;script&gt;") != std::string::npos);
    CHECK(block.find("from-snippet") != std::string::npos);
    CHECK(count(page, "<pre>") == 3);  // two snippets and one stack
  }
  // GitHub renders the collapsed section; with raw HTML off it is shown as text.
  CHECK(html["trusting"].get<std::string>().find("<details>\n<summary>Details") != std::string::npos);
}

TEST_CASE("junit is well-formed XML 1.0 with one test case per checklist item", "[report][junit]") {
  TempDir tmp;
  Report report = hostile_report();
  report.verdict = Verdict::kError;  // the interrupted run
  json parsed = parse_junit(tmp, render("junit", report));
  INFO(parsed.dump(2));
  CHECK(parsed["errors"].empty());
  REQUIRE(parsed["testcases"].size() == 7);  // 1-5, the finding outside them, the run's error
  CHECK(parsed["testcases"][0].get<std::string>().rfind("1. ", 0) == 0);
  CHECK(parsed["testcases"][4] == "5. Race and stress runs pass");
  CHECK(parsed["failures"] == 2);       // items 3 and 5; the warning outside them does not block
  CHECK(parsed["errorElements"] == 1);  // an interrupted run is an error, not a pass
  std::string text = parsed["text"];
  CHECK(text.find("<script>alert(1)</script>") != std::string::npos);  // as text, decoded
  CHECK(text.find("\\x1b[31mred") != std::string::npos);

  // A clean check report: four passing test cases, the race item skipped.
  Report clean;
  clean.change = "staged changes";
  json passing = parse_junit(tmp, render("junit", clean));
  CHECK(passing["errors"].empty());
  CHECK(passing["testcases"].size() == 5);
  CHECK(passing["failures"] == 0);
  CHECK(passing["skipped"] == 1);  // a plain check has no race stage: item 5 was not run
}

TEST_CASE("SARIF passes Microsoft's validator on a hostile report and on a real repository", "[report][sarif]") {
  TempDir tmp;

  SECTION("the validator finds errors when there are some") {
    fs::path broken = tmp.path() / "broken.sarif";
    write_file(broken, R"({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
      {"ruleId": "r", "message": {"text": "m"}, "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "a b.go"}, "region": {"startLine": 0}}}]}]}]})");
    CHECK_FALSE(sarif_problems(tmp, broken).empty());
  }

  SECTION("a hostile report") {
    fs::path file = tmp.path() / "hostile.sarif";
    write_file(file, render("sarif", hostile_report()));
    auto problems = sarif_problems(tmp, file);
    INFO(read_file(file));
    INFO(join(problems));
    CHECK(problems.empty());
  }

  SECTION("a staged double lock, from the real binary, with the other formats beside it") {
    std::string repo = init_repo(tmp);
    // The file name is hostile too: git and patchgate take it, the reports must survive it.
    std::string name = "store/evil\x1b[31m ::error::<b>|`x`.go";
    write_file(fs::path(repo) / name, kStoreBase);
    commit_all(repo, "base");
    write_file(fs::path(repo) / name, kStoreHead);
    git(repo, {"add", "-A"});
    fs::path sarif_file = tmp.path() / "check.sarif";
    fs::path markdown_file = tmp.path() / "check.md";
    fs::path junit_file = tmp.path() / "check.xml";
    fs::path github_file = tmp.path() / "check.github";
    auto result =
        run_patchgate({"check", "--format", "sarif", "--output", sarif_file.string(), "--format", "markdown",
                       "--output", markdown_file.string(), "--format", "junit", "--output", junit_file.string(),
                       "--format", "github", "--output", github_file.string(), "--format", "text"},
                      repo);
    INFO(result.out << result.err);
    CHECK(result.code == 1);
    CHECK(result.out.find('\x1b') == std::string::npos);
    CHECK(command_lines(result.out).empty());

    json sarif = json::parse(read_file(sarif_file));
    json double_lock = find_result(sarif, "go-double-lock");
    REQUIRE_FALSE(double_lock.is_null());
    CHECK(double_lock["level"] == "error");
    CHECK(double_lock["locations"][0]["physicalLocation"]["region"]["startLine"] == 11);
    CHECK(double_lock["relatedLocations"][0]["message"]["text"] == "first locked here");
    CHECK(double_lock["partialFingerprints"]["patchgate/v1"].get<std::string>().size() == 16);
    const json& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
    const json& rule = rules[double_lock["ruleIndex"].get<int>()];
    CHECK(rule["id"] == "go-double-lock");
    CHECK(rule["help"]["markdown"] == std::string(*checks::rule_doc("go-double-lock")));
    CHECK(rule["shortDescription"]["text"] == checks::rule_summary("go-double-lock"));
    CHECK(rule["properties"]["checklist"] == 3);
    auto problems = sarif_problems(tmp, sarif_file);
    INFO(join(problems));
    CHECK(problems.empty());

    json html = render_markdown(tmp, read_file(markdown_file));
    std::string page = html["safe"];
    INFO(page);
    CHECK(page.find("patchgate: blocked</h2>") != std::string::npos);
    CHECK(page.find("<code class=\"language-go\">\ts.mu.Lock() // \\x1b[31m ::error::x &lt;script&gt;") !=
          std::string::npos);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(html["trusting"].get<std::string>().find("<script") == std::string::npos);

    json junit = parse_junit(tmp, read_file(junit_file));
    CHECK(junit["errors"].empty());
    CHECK(junit["testcases"].size() == 5);
    CHECK(junit["failures"] == 1);

    std::string github = read_file(github_file);
    CHECK(github.rfind("::error file=store/evil\\x1b[31m %3A%3Aerror%3A%3A<b>|`x`.go,line=11,col=2,", 0) == 0);
    CHECK(command_lines(github).size() == 2);  // the double lock and the drift note
  }
}

TEST_CASE("a hostile second-model review is inert in every format, and its SARIF is valid", "[report][review]") {
  Report report = hostile_report();
  Finding model = report.findings[0];
  model.rule = "review-evil-claim";
  model.category = "model";
  model.source = "model";
  model.message = "the model says " + kEvil;
  model.fix = "recommendation " + kEvil;
  model.stack = "trigger: " + kEvil + "\nfalsified by: " + kEvil + "\n";
  model.confidence = 0.75;
  model.advisory = true;
  report.findings.push_back(model);
  Finding blocking = model;
  blocking.rule = "review-evil-blocking";
  blocking.advisory = false;
  blocking.location.line = 4;
  report.findings.push_back(blocking);
  ReviewRecord review;
  review.provider = "openai " + kEvil;
  review.model = "model " + kEvil;
  review.status = "ran";
  review.verdict = "needs-attention " + kEvil;
  review.summary = "summary " + kEvil;
  review.grounded = 2;
  review.ungrounded = {{kEvilFile, 3, 5, "quote " + kEvil, "claim " + kEvil, "high " + kEvil, 0.5, "reason " + kEvil}};
  review.omitted = {"omitted " + kEvil};
  review.error = "error " + kEvil;
  report.review = review;
  report.verdict = decide(report);

  for (const auto& format : report::format_names()) {
    INFO("format: " << format);
    std::string out = render(format, report);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find("\xc2\x9b") == std::string::npos);
    CHECK(out.find("\xe2\x80\xae") == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    auto commands = command_lines(out);
    if (format == "github") {
      // One annotation per finding and error; the advisory one is a notice.
      CHECK(commands.size() == report.findings.size() + report.errors.size());
      CHECK(count(out, "::notice file=") == 1);
      CHECK(out.find("second-model review, confidence 0.75 (advisory: review.block_on)") != std::string::npos);
    } else {
      INFO(commands.size() << " line(s) a CI runner would run, e.g. " << (commands.empty() ? "" : commands.front()));
      CHECK(commands.empty());
    }
    CHECK(out.find("review") != std::string::npos);
  }

  TempDir tmp;
  SECTION("markdown: the review section renders as text") {
    json html = render_markdown(tmp, render("markdown", report));
    std::string page = html["safe"];
    INFO(page);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<a ") == std::string::npos);
    CHECK(count(page, "<h2>") == 1);
    CHECK(page.find("Second-model review</h3>") != std::string::npos);
    std::string ungrounded = between(page, "<table>", "</table>", page.find("Ungrounded claims"));
    CHECK(count(ungrounded, "<td>") == 6);
  }
  SECTION("sarif: valid, with the model's results and the review in the run's properties") {
    fs::path file = tmp.path() / "review.sarif";
    write_file(file, render("sarif", report));
    json sarif = json::parse(read_file(file));
    json advisory = find_result(sarif, "review-evil-claim");
    json blocks = find_result(sarif, "review-evil-blocking");
    REQUIRE_FALSE(advisory.is_null());
    REQUIRE_FALSE(blocks.is_null());
    CHECK(advisory["level"] == "note");
    CHECK(advisory["properties"]["advisory"] == true);
    CHECK(advisory["properties"]["confidence"] == 0.75);
    CHECK(blocks["level"] == "error");
    CHECK_FALSE(blocks.contains("codeFlows"));
    CHECK(sarif["runs"][0]["properties"]["review"]["grounded"] == 2);
    auto problems = sarif_problems(tmp, file);
    INFO(join(problems));
    CHECK(problems.empty());
  }
}

TEST_CASE("SARIF of a real race run carries a code flow and passes the validator", "[report][sarif][race]") {
  TempDir tmp;
  std::string repo = module_repo(tmp, "counter", "stats.go");
  fs::path sarif_file = tmp.path() / "gate.sarif";
  fs::path markdown_file = tmp.path() / "gate.md";
  auto result = run_patchgate({"gate", "--race", "-q", "--format", "sarif", "--output", sarif_file.string(), "--format",
                               "markdown", "--output", markdown_file.string()},
                              repo, "", 240);
  INFO(result.out << result.err);
  CHECK(result.code == 1);
  json sarif = json::parse(read_file(sarif_file));
  json race = find_result(sarif, "race-data-race");
  REQUIRE_FALSE(race.is_null());
  const json& steps = race["codeFlows"][0]["threadFlows"][0]["locations"];
  REQUIRE(steps.size() >= 2);
  // The flow ends on the finding's own line.
  CHECK(steps.back()["location"]["physicalLocation"]["region"]["startLine"] ==
        race["locations"][0]["physicalLocation"]["region"]["startLine"]);
  CHECK(race["properties"]["source"] == "race");
  CHECK(sarif["runs"][0]["invocations"][0]["executionSuccessful"] == true);
  auto problems = sarif_problems(tmp, sarif_file);
  INFO(join(problems));
  CHECK(problems.empty());

  json html = render_markdown(tmp, read_file(markdown_file));
  std::string page = html["safe"];
  INFO(page);
  std::string checklist = between(page, "<table>", "</table>");
  CHECK(checklist.find("<td>Race and stress runs pass</td>\n<td>\xE2\x9D\x8C fail</td>") != std::string::npos);
  CHECK(page.find("Race and stress runs</h3>") != std::string::npos);
  CHECK(page.find("<h3>Stages</h3>") != std::string::npos);
}

TEST_CASE("escaping helpers keep text literal in each syntax", "[report][escape]") {
  using namespace report;
  CHECK(printable("a\x1b[31mb\n\tc\r\x7f") == "a\\x1b[31mb\\n\\tc\\r\\x7f");
  CHECK(printable("tab\tnewline\n", {.tab = true, .newline = true}) == "tab\tnewline\n");
  CHECK(printable("caf\xc3\xa9 \xff \xc2\x9b \xe2\x80\xae \xef\xbf\xbe") ==
        "caf\xc3\xa9 \xef\xbf\xbd \\u009b \\u202e \\ufffe");
  CHECK(printable("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a UTF-16 surrogate is not UTF-8
  CHECK(printable("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");                  // nor an overlong '/'

  CHECK(markdown_text("a *b* [c](http://x) <i> | `d` @e") ==
        "a \\*b\\* \\[c\\]\\(http\\://x\\) \\<i\\> \\| \\`d\\` \\@e");
  CHECK(markdown_code("plain") == "`plain`");
  CHECK(markdown_code("a`b") == "``a`b``");
  CHECK(markdown_code("`x``") == "``` `x`` ```");
  CHECK(markdown_code("a|b", true) == "`a\\|b`");
  CHECK(markdown_code_block("x := \"```\"\n", "go") == "````go\nx := \"```\"\n````\n");
  CHECK(markdown_code_block("x", "go\n<b>") == "```gob\nx\n```\n");

  CHECK(xml_text("<a href=\"x\">&'\x1b\n", true) == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\x1b&#10;");
  CHECK(xml_text("]]>") == "]]&gt;");

  CHECK(relative_uri("dir with space/\xc3\xbc:1,%.go") == "dir%20with%20space/%C3%BC%3A1%2C%25.go");
  CHECK(code_point_column("\tx := \"caf\xc3\xa9\" + y", 13) == 12);
  CHECK(code_point_column("ab", 9) == 9);  // past the end: bytes count as columns

  const std::string zwsp = "\xe2\x80\x8b";
  CHECK(defuse_ci_commands("ok\n  ::error::x\n::std::vector<int> v;\na ##[warning]b\n") ==
        "ok\n  " + zwsp + "::error::x\n" + zwsp + "::std::vector<int> v;\na #" + zwsp + "#[warning]b\n");
  CHECK(defuse_ci_commands("::error::ours\n", false) == "::error::ours\n");
  CHECK(defuse_ci_commands("\xc2\xa0::x") == "\xc2\xa0" + zwsp + "::x");  // .NET trims U+00A0 too

  std::string dumped = json{{"v", "##[error] \x7f \xc2\x85 \xe2\x80\xae"}}.dump();
  std::string inert = inert_json(dumped);
  CHECK(inert.find("##[") == std::string::npos);
  CHECK(inert.find("\xe2\x80\xae") == std::string::npos);
  CHECK(json::parse(inert) == json::parse(dumped));
}

TEST_CASE("markdown fits a pull-request comment however many findings there are", "[report][markdown]") {
  Report report = hostile_report();
  Finding model = report.findings.front();
  for (int i = 0; i < 3000; ++i) {
    Finding f = model;
    f.location.line = i + 1;
    f.fingerprint = "fp" + std::to_string(i);
    f.stack = std::string(200, 's');
    report.findings.push_back(f);
  }
  std::string markdown = render("markdown", report);
  CHECK(markdown.size() <= report::kGithubCommentLimit);
  CHECK(markdown.find("a pull-request comment holds at most 65,536 characters") != std::string::npos);
  CHECK(markdown.find("all " + std::to_string(report.findings.size()) + " findings") != std::string::npos);
  // The verdict and the checklist come first and survive.
  CHECK(markdown.find("### Checklist") != std::string::npos);
  // A small report is untouched.
  Report small = hostile_report();
  CHECK(render("markdown", small).find("left out") == std::string::npos);
}
