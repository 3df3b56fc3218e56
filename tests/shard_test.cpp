// `--shard K/N` and `patchgate merge`: split runs put back together give the one-run answer.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/shard.h"
#include "support.h"

using namespace testing;

namespace {

// Every rule's bad.go in its own package, plus the seed stories: many packages, many findings.
std::string fixture_monorepo(const TempDir& dir) {
  std::string repo = init_repo(dir);
  for (const auto& entry : fs::directory_iterator(fs::path(source_dir()) / "testdata/go")) {
    fs::path bad = entry.path() / "bad.go";
    if (fs::exists(bad)) write_file(fs::path(repo) / "svc" / entry.path().filename() / "bad.go", read_file(bad));
  }
  for (const char* name : {"bad.go", "good.go"})
    write_file(fs::path(repo) / "stories" / name, read_file(fs::path(source_dir()) / "testdata/stories" / name));
  write_file(fs::path(repo) / "README.md", "not Go\n");
  commit_all(repo, "monorepo");
  return repo;
}

std::set<std::string> findings_of(const nlohmann::json& report) {
  std::set<std::string> out;
  for (const auto& f : report["findings"])
    out.insert(f["rule"].get<std::string>() + " " + f["file"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()) +
               " " + f["fingerprint"].get<std::string>());
  return out;
}

std::set<std::string> files_of(const nlohmann::json& report) {
  std::set<std::string> out;
  for (const auto& f : report["files"]) out.insert(f["path"].get<std::string>() + (f["analysed"].get<bool>() ? "" : " (not analysed)"));
  return out;
}

}  // namespace

TEST_CASE("shard: K/N parses strictly and the slices partition the items deterministically", "[shard]") {
  CHECK(patchgate::parse_shard("2/4")->index == 2);
  CHECK(patchgate::parse_shard("4/4")->count == 4);
  for (const char* bad : {"0/4", "5/4", "1/0", "1/1001", "a/b", "1/", "/2", "1/2/3", "1 /2", "-1/2", ""})
    CHECK_FALSE(patchgate::parse_shard(bad));

  std::vector<std::pair<std::string, uint64_t>> items;
  for (int i = 0; i < 50; ++i) items.emplace_back("pkg" + std::to_string(i), static_cast<uint64_t>((i * 7919) % 1000));
  std::set<std::string> seen;
  size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    auto mine = patchgate::shard_items(items, {k, 3});
    auto again = patchgate::shard_items({items.rbegin(), items.rend()}, {k, 3});  // order of discovery does not matter
    CHECK(mine == again);
    CHECK(mine.size() > 10);  // balanced enough that no runner idles
    total += mine.size();
    seen.insert(mine.begin(), mine.end());
  }
  CHECK(total == items.size());  // each item in exactly one shard
  CHECK(seen.size() == items.size());
}

TEST_CASE("shard: check --all split three ways and merged equals one unsharded run", "[shard]") {
  TempDir dir;
  std::string repo = fixture_monorepo(dir);
  auto whole = run_patchgate({"check", "--all", "--format", "json", "--output", dir.str() + "/whole.json"}, repo);
  REQUIRE(whole.code == 1);  // the bad.go files block
  std::vector<std::string> merge_args{"merge"};
  std::set<std::string> union_of_shards;
  for (int k = 1; k <= 3; ++k) {
    std::string out = dir.str() + "/shard-" + std::to_string(k) + ".json";
    auto shard = run_patchgate({"check", "--all", "--jobs", "1", "--shard", std::to_string(k) + "/3", "--format", "json",
                                "--output", out},
                               repo);
    REQUIRE(shard.code <= 1);
    auto json = nlohmann::json::parse(read_file(out));
    CHECK(json["shard"]["index"] == k);
    CHECK(json["shard"]["count"] == 3);
    CHECK_FALSE(json["files"].empty());  // every runner has work
    auto files = files_of(json);
    for (const auto& f : files) CHECK(union_of_shards.insert(f).second);  // no file analysed twice
    merge_args.push_back(out);
  }
  for (const char* format : {"json", "text"}) {
    merge_args.push_back("--format");
    merge_args.push_back(format);
  }
  merge_args.push_back("--output");
  merge_args.push_back(dir.str() + "/merged.json");
  auto merged = run_patchgate(merge_args, repo);
  CHECK(merged.code == 1);
  CHECK(merged.out.find("block") != std::string::npos);  // the text verdict line

  auto expected = nlohmann::json::parse(read_file(dir.str() + "/whole.json"));
  auto actual = nlohmann::json::parse(read_file(dir.str() + "/merged.json"));
  CHECK(findings_of(expected).size() > 30);
  CHECK(findings_of(actual) == findings_of(expected));
  CHECK(files_of(actual) == files_of(expected));
  CHECK(union_of_shards == files_of(expected));
  CHECK(actual["verdict"] == expected["verdict"]);
  CHECK(actual["summary"] == expected["summary"]);
}

TEST_CASE("shard: --jobs does not change the report", "[shard]") {
  TempDir dir;
  std::string repo = fixture_monorepo(dir);
  REQUIRE(run_patchgate({"check", "--all", "--jobs", "1", "--format", "json", "--output", dir.str() + "/one.json"}, repo).code == 1);
  REQUIRE(run_patchgate({"check", "--all", "--jobs", "4", "--format", "json", "--output", dir.str() + "/four.json"}, repo).code == 1);
  CHECK(read_file(dir.str() + "/one.json") == read_file(dir.str() + "/four.json"));
}

TEST_CASE("check --all: the workers take the largest packages first, and the report keeps directory order", "[shard]") {
  // The packages grow in size against the alphabet, so the order the workers take them in
  // (largest first) is the reverse of the report's: each holds a generated file and a file
  // with a syntax error, listed per package.
  TempDir dir;
  std::string repo = init_repo(dir);
  const std::vector<std::string> packages = {"a", "b", "c", "d"};
  for (size_t i = 0; i < packages.size(); ++i) {
    const std::string& p = packages[i];
    std::string body = "package " + p + "\n\nfunc F() int { return 1 }\n";
    for (size_t k = 0; k < (i + 1) * 200; ++k) body += "\nfunc G" + std::to_string(k) + "() int { return " + std::to_string(k) + " }\n";
    write_file(fs::path(repo) / p / "big.go", body);
    write_file(fs::path(repo) / p / "gen.go", "// Code generated by hand. DO NOT EDIT.\n\npackage " + p + "\n");
    write_file(fs::path(repo) / p / "broken.go", "package " + p + "\n\nfunc Broken( {\n");
  }
  commit_all(repo, "four packages");
  for (const char* jobs : {"1", "2"}) {
    INFO("--jobs " << jobs);
    auto run = run_patchgate({"check", "--all", "--jobs", jobs, "--format", "json"}, repo);
    REQUIRE(run.code == 0);
    auto report = nlohmann::json::parse(run.out);
    std::vector<std::string> skipped, errors;
    for (const auto& s : report["skipped"]) skipped.push_back(s["path"].get<std::string>());
    for (const auto& e : report["errors"]) errors.push_back(e["file"].get<std::string>());
    CHECK(skipped == std::vector<std::string>{"a/gen.go", "b/gen.go", "c/gen.go", "d/gen.go"});
    CHECK(errors == std::vector<std::string>{"a/broken.go", "b/broken.go", "c/broken.go", "d/broken.go"});
  }
}

TEST_CASE("a staged package's rules on two threads give the report one thread gives", "[shard]") {
  // One package, as a pre-commit run has: with two jobs, the rules that do not read the lock
  // analysis run beside the ones that do. Findings of both kinds must come out the same.
  TempDir dir;
  std::string repo = init_repo(dir);
  write_file(fs::path(repo) / "README.md", "svc\n");
  commit_all(repo, "start");
  int n = 0;
  for (const char* fixture : {"stories/bad.go", "go/go-double-lock/bad.go", "go/go-lock-order/bad.go", "go/go-guarded-access/bad.go"}) {
    std::string text = read_file(fs::path(source_dir()) / "testdata" / fixture);
    size_t clause = text.rfind("package ", 0) == 0 ? 0 : text.find("\npackage ") + 1;
    REQUIRE((clause != 0 || text.rfind("package ", 0) == 0));
    text.replace(clause, text.find('\n', clause) - clause, "package svc");
    write_file(fs::path(repo) / "svc" / ("f" + std::to_string(++n) + ".go"), text);
  }
  git(repo, {"add", "-A"});
  REQUIRE(run_patchgate({"check", "--staged", "--jobs", "1", "--format", "json", "--output", dir.str() + "/one.json"}, repo).code == 1);
  REQUIRE(run_patchgate({"check", "--staged", "--jobs", "2", "--format", "json", "--output", dir.str() + "/two.json"}, repo).code == 1);
  std::string one = read_file(dir.str() + "/one.json");
  CHECK(one == read_file(dir.str() + "/two.json"));
  std::set<std::string> categories;
  auto report = nlohmann::json::parse(one);
  for (const auto& f : report["findings"]) categories.insert(f["category"].get<std::string>());
  CHECK(categories.count("lock-state"));
  CHECK(categories.count("cancellation"));
  CHECK(categories.count("sync-primitive"));
}

TEST_CASE("merge: a missing, repeated or foreign report is a usage error naming it", "[shard]") {
  TempDir dir;
  std::string repo = fixture_monorepo(dir);
  for (int k = 1; k <= 2; ++k)
    run_patchgate({"check", "--all", "--shard", std::to_string(k) + "/2", "--format", "json", "--output",
                   dir.str() + "/s" + std::to_string(k) + ".json"},
                  repo);
  std::string s1 = dir.str() + "/s1.json", s2 = dir.str() + "/s2.json";

  auto missing = run_patchgate({"merge", s1}, repo);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("shard 2/2 missing") != std::string::npos);

  auto twice = run_patchgate({"merge", s1, s1, s2}, repo);
  CHECK(twice.code == 2);
  CHECK(twice.err.find("also in") != std::string::npos);

  write_file(dir.path() / "other.json", "{\"schema\": \"something/else\"}");
  auto foreign = run_patchgate({"merge", s1, dir.str() + "/other.json"}, repo);
  CHECK(foreign.code == 2);
  CHECK(foreign.err.find("other.json") != std::string::npos);

  auto absent = run_patchgate({"merge", dir.str() + "/nope.json"}, repo);
  CHECK(absent.code == 2);
  CHECK(absent.err.find("nope.json") != std::string::npos);

  auto bad_shard = run_patchgate({"check", "--all", "--shard", "3/2"}, repo);
  CHECK(bad_shard.code == 2);
  CHECK(bad_shard.err.find("--shard") != std::string::npos);
}

TEST_CASE("shard: race --shard splits the packages, and merged, every package ran once", "[shard][race]") {
  TempDir dir;
  std::string repo = init_repo(dir);
  write_file(fs::path(repo) / "go.mod", "module example.com/split\n\ngo 1.19\n");
  std::vector<std::string> dirs = {"alpha", "beta", "gamma"};
  for (const auto& d : dirs) {
    write_file(fs::path(repo) / d / "count.go", "package " + d + "\n\nfunc Double(n int) int { return 2 * n }\n");
    write_file(fs::path(repo) / d / "count_test.go", "package " + d +
                                                         "\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n"
                                                         "\tif Double(2) != 4 {\n\t\tt.Fatal(\"2*2\")\n\t}\n}\n");
  }
  commit_all(repo, "three packages");
  std::vector<std::string> merge_args{"merge", "--format", "json", "--output", dir.str() + "/merged.json"};
  std::multiset<std::string> ran;
  for (int k = 1; k <= 2; ++k) {
    std::string out = dir.str() + "/race-" + std::to_string(k) + ".json";
    auto shard = run_patchgate({"race", "--pkgs", "alpha,beta,gamma", "--count", "1", "--cpu", "1", "--shard",
                                std::to_string(k) + "/2", "--format", "json", "--output", out},
                               repo, "", 300);
    REQUIRE(shard.code == 0);
    auto json = nlohmann::json::parse(read_file(out));
    CHECK(json["shard"]["count"] == 2);
    CHECK_FALSE(json["race"]["packages"].empty());
    for (const auto& pkg : json["race"]["packages"]) ran.insert(pkg["dir"].get<std::string>());
    merge_args.push_back(out);
  }
  CHECK(ran == std::multiset<std::string>(dirs.begin(), dirs.end()));  // each package on exactly one runner
  auto merged = run_patchgate(merge_args, repo);
  CHECK(merged.code == 0);
  auto json = nlohmann::json::parse(read_file(dir.str() + "/merged.json"));
  CHECK(json["race"]["packages"].size() == 3);
  CHECK(json["verdict"] == "pass");
  REQUIRE(json["stages"].size() == 1);
  CHECK(json["stages"][0]["detail"].get<std::string>().find("shard 1/2") != std::string::npos);
}
