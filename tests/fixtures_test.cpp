// The go/analysis-style fixture harness: testdata/go/<rule>/bad*.go and good*.go are analysed
// whole; every finding must be wanted by a `// want "<rule>" "<regex>"` on its line and every
// want must fire. <case>.txtar files are patch-shaped: base committed, head staged in a real
// repository, and only the staged diff is checked.
#include <catch2/catch.hpp>
#include <algorithm>
#include <memory>
#include <regex>
#include <sstream>

#include "checks/analysis.h"
#include "checks/registry.h"
#include "checks/rule_docs.h"
#include "cli/check_command.h"
#include "report/reporter.h"
#include "support.h"

using namespace testing;

namespace {

struct Want {
  std::string file;
  int line = 0;
  std::string rule;
  std::string pattern;
  bool fired = false;
};

const std::regex& want_syntax() {
  static const std::regex re(R"re(//\s*want\s+"([^"]+)"\s+"((?:[^"\\]|\\.)*)")re");
  return re;
}

std::vector<Want> parse_wants(const std::string& file, const std::string& content) {
  std::vector<Want> wants;
  std::istringstream in(content);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    // Several findings on one line: `// want "a" "x" // want "b" "y"`.
    for (std::sregex_iterator it(line.begin(), line.end(), want_syntax()), end; it != end; ++it)
      wants.push_back({file, number, (*it)[1], (*it)[2], false});
  }
  return wants;
}

// The files as a user would have them: the want comments removed, lines kept.
std::string strip_wants(const std::string& content) {
  std::istringstream in(content);
  std::string line, out;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_search(line, match, want_syntax())) {
      line = line.substr(0, static_cast<size_t>(match.position(0)));
      line.erase(line.find_last_not_of(" \t") + 1);
    }
    out += line + "\n";
  }
  return out;
}

// Matches findings against wants; reports Noisy (unwanted) and Missing (unfired) entries.
void compare(const std::vector<patchgate::Finding>& findings, std::vector<Want>& wants, const std::string& label) {
  std::vector<std::string> problems;
  for (const auto& finding : findings) {
    bool wanted = false;
    for (auto& want : wants) {
      if (want.file != finding.location.file || want.line != finding.location.line || want.rule != finding.rule) continue;
      if (!std::regex_search(finding.message, std::regex(want.pattern))) continue;
      want.fired = wanted = true;
    }
    if (!wanted)
      problems.push_back("Noisy: " + finding.location.file + ":" + std::to_string(finding.location.line) + ": " +
                         finding.message + " [" + finding.rule + "]");
  }
  for (const auto& want : wants)
    if (!want.fired)
      problems.push_back("Missing: " + want.file + ":" + std::to_string(want.line) + ": want \"" + want.rule +
                         "\" \"" + want.pattern + "\"");
  std::string joined;
  for (const auto& p : problems) joined += "\n  " + p;
  INFO(label << joined);
  CHECK(problems.empty());
}

std::vector<fs::path> rule_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(fs::path(source_dir()) / "testdata/go"))
    if (entry.is_directory()) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Analyses dir's `<prefix>*.go` files with one rule (the directory's name) or, when
// all_rules, with every rule on.
void run_package_fixture(const fs::path& dir, const std::string& prefix, bool all_rules = false) {
  const std::string rule = dir.filename().string();
  std::map<std::string, std::string> files;
  std::vector<Want> wants;
  patchgate::git::ChangeSet change;
  change.whole_tree = true;
  change.description = "fixture";
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!starts_with(name, prefix.c_str()) || entry.path().extension() != ".go") continue;
    std::string path = prefix + "/" + name;
    std::string content = read_file(entry.path());
    auto file_wants = parse_wants(path, content);
    wants.insert(wants.end(), file_wants.begin(), file_wants.end());
    files[path] = strip_wants(content);
    patchgate::git::ChangedFile changed;
    changed.path = changed.old_path = path;
    changed.status = patchgate::git::FileStatus::kUnmodified;
    change.files.push_back(changed);
  }
  REQUIRE_FALSE(files.empty());
  // `<name>.go.base` files are the package at the old revision, for rules that compare the two
  // (go-lock-drift); then every line of the new files counts as changed, and `<prefix>.message`
  // is the commit message.
  std::map<std::string, std::string> base_files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (!starts_with(name, prefix.c_str()) || entry.path().extension() != ".base") continue;
    base_files[prefix + "/" + entry.path().stem().string()] = read_file(entry.path());
  }
  if (!base_files.empty()) {
    change.whole_tree = false;
    for (auto& changed : change.files) {
      changed.status = patchgate::git::FileStatus::kModified;
      int lines = static_cast<int>(std::count(files[changed.path].begin(), files[changed.path].end(), '\n')) + 1;
      changed.added_lines.add(1, lines);
      changed.touched_lines.add(1, lines);
    }
    change.base = patchgate::git::memory_source(std::move(base_files));
    if (fs::exists(dir / (prefix + ".message"))) change.message = read_file(dir / (prefix + ".message"));
  }
  change.revision = patchgate::git::memory_source(std::move(files));
  patchgate::Report report;
  patchgate::checks::RuleSelection selection;
  if (!all_rules) selection.only = {rule};
  patchgate::checks::analyze_change(change, patchgate::Config{}, selection, report);
  for (const auto& error : report.errors) WARN(error.file << ": " << error.message);
  if (prefix == "bad") CHECK_FALSE(wants.empty());
  if (prefix == "good") CHECK(wants.empty());
  compare(report.findings, wants, rule + "/" + prefix + "*.go");
}

}  // namespace

TEST_CASE("every registered rule has a doc page and fixtures", "[fixtures]") {
  for (const auto& rule : patchgate::checks::all_rules()) {
    const std::string& id = rule.info.id;
    INFO("rule " << id);
    CHECK(patchgate::checks::rule_doc(id).has_value());
    CHECK_FALSE(patchgate::checks::rule_summary(id).empty());
    fs::path dir = fs::path(source_dir()) / "testdata/go" / id;
    REQUIRE(fs::is_directory(dir));
    bool bad = false, good = false, txtar = false;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string name = entry.path().filename().string();
      bad |= starts_with(name, "bad") && entry.path().extension() == ".go";
      good |= starts_with(name, "good") && entry.path().extension() == ".go";
      txtar |= entry.path().extension() == ".txtar";
    }
    CHECK(bad);
    CHECK(good);
    CHECK(txtar);
  }
  for (const auto& dir : rule_dirs()) {
    INFO("fixture directory " << dir);
    CHECK(patchgate::checks::find_rule(dir.filename().string()) != nullptr);
  }
}

TEST_CASE("bad fixtures have every finding wanted and every want fired", "[fixtures]") {
  for (const auto& dir : rule_dirs()) run_package_fixture(dir, "bad");
}

TEST_CASE("good fixtures keep near misses silent", "[fixtures]") {
  for (const auto& dir : rule_dirs()) run_package_fixture(dir, "good");
}

// The seeds' failure stories and correct idioms with every rule on: each story is caught by
// the rule meant for it and by nothing unexpected, and no rule fires on an idiom.
TEST_CASE("seed stories: failures found and idioms silent with every rule on", "[fixtures]") {
  const fs::path dir = fs::path(source_dir()) / "testdata/stories";
  run_package_fixture(dir, "bad", true);
  run_package_fixture(dir, "good", true);
}

namespace {

// A patch-shaped fixture made real: base committed, head staged (or committed with the
// archive's `message`), and the options that check it.
struct PatchCase {
  TempDir tmp;
  std::string repo;
  std::vector<Want> wants;
  patchgate::cli::CheckOptions options;
};

std::unique_ptr<PatchCase> make_patch_case(const fs::path& file) {
  auto c = std::make_unique<PatchCase>();
  Txtar archive = parse_txtar(read_file(file));
  c->repo = init_repo(c->tmp);
  bool has_base = false;
  for (const auto& [name, content] : archive.files) {
    if (!starts_with(name, "base/")) continue;
    write_file(fs::path(c->repo) / name.substr(5), strip_wants(content));
    has_base = true;
  }
  if (has_base) {
    git(c->repo, {"add", "-A"});
    git(c->repo, {"commit", "-q", "-m", "base"});
  }
  for (const auto& [name, content] : archive.files)
    if (starts_with(name, "base/")) fs::remove(fs::path(c->repo) / name.substr(5));
  for (const auto& [name, content] : archive.files) {
    if (!starts_with(name, "head/")) continue;
    std::string path = name.substr(5);
    auto file_wants = parse_wants(path, content);
    c->wants.insert(c->wants.end(), file_wants.begin(), file_wants.end());
    write_file(fs::path(c->repo) / path, strip_wants(content));
  }
  git(c->repo, {"add", "-A"});
  auto message = std::find_if(archive.files.begin(), archive.files.end(),
                              [](const auto& f) { return f.first == "message"; });
  if (message != archive.files.end()) {
    git(c->repo, {"commit", "-q", "-m", message->second});
    c->options.diff.commit = "HEAD";
  } else {
    c->options.diff.staged = true;
  }
  return c;
}

std::vector<fs::path> patch_fixtures() {
  std::vector<fs::path> out;
  for (const auto& dir : rule_dirs())
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".txtar") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("patch-shaped fixtures judge only the staged change", "[fixtures]") {
  int cases = 0;
  for (const auto& file : patch_fixtures()) {
    ++cases;
    const std::string rule = file.parent_path().filename().string();
    auto c = make_patch_case(file);
    // With a `message` file, head is committed with that message and the commit is checked.
    c->options.output.rules = rule;
    std::istringstream no_input;
    patchgate::Report report = patchgate::cli::build_check_report(c->options, c->repo, no_input);
    compare(report.findings, c->wants, rule + "/" + file.filename().string());
  }
  CHECK(cases > 0);
}

TEST_CASE("partial parse: each patch-shaped fixture's report, every rule on, is the whole parse's", "[fixtures]") {
  int cases = 0;
  for (const auto& file : patch_fixtures()) {
    ++cases;
    INFO(file.parent_path().filename().string() + "/" + file.filename().string());
    auto c = make_patch_case(file);
    std::istringstream no_input;
    std::ostringstream partial, whole;
    patchgate::report::write_json(patchgate::cli::build_check_report(c->options, c->repo, no_input), partial);
    {
      ScopedEnv no_partial("PATCHGATE_PARTIAL", "0");
      patchgate::report::write_json(patchgate::cli::build_check_report(c->options, c->repo, no_input), whole);
    }
    CHECK(partial.str() == whole.str());
  }
  CHECK(cases > 0);
}
