// The second-model review's offline parts: redaction, the packet, the prompts, the model's
// answer, grounding, and the `review` config section.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/init_command.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/git/change_set.h"
#include "core/git/repository.h"
#include "review/grounding.h"
#include "review/model_output.h"
#include "review/packet.h"
#include "review/prompts.h"
#include "review/redact.h"
#include "support.h"

using namespace testing;
using namespace patchgate;
using patchgate::git::ChangeSet;
using patchgate::git::DiffSpec;

namespace {

ChangeSet staged_change(const std::string& repo) {
  DiffSpec spec;
  spec.kind = DiffSpec::Kind::kStaged;
  return git::load_change_set(git::Repository::discover(repo), spec, git::DiffLimits{});
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Secrets assembled at run time, so this file holds no string a secret scanner would flag.
std::string repeat(const std::string& unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}
const std::string kAwsId = "AKIA" + repeat("Z7Q2", 4);
const std::string kGithub = "ghp_" + repeat("a1B2c3D4e5", 4).substr(0, 36);
const std::string kOpenAi = "sk-proj-" + repeat("Xy9zQ8wV7u", 5);
const std::string kAnthropic = "sk-ant-api03-" + repeat("Ab3De6Gh9J", 6);
const std::string kSlack = "xoxb-" + repeat("1234567890", 1) + "-" + repeat("AbCdEfGhIj", 2);
const std::string kGoogle = "AIza" + repeat("SyA1b2C3d4", 4).substr(0, 35);
const std::string kStripe = "sk_live_" + repeat("4eC39HqLyj", 3);
const std::string kJwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + repeat("SflKxwRJ", 4);
const std::string kAwsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + repeat("Ex4m", 2) + "Zz";
const std::string kPemBody = repeat("MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2", 2);

}  // namespace

// ---- redaction -------------------------------------------------------------------------------

TEST_CASE("redact_secrets replaces each kind of secret with its marker", "[review]") {
  struct Case {
    std::string text, secret, kind;
  };
  std::vector<Case> cases = {
      {"id := \"" + kAwsId + "\"", kAwsId, "aws-access-key-id"},
      {"GITHUB=" + kGithub, kGithub, "github-token"},
      {"client := openai.New(\"" + kOpenAi + "\")", kOpenAi, "api-key"},
      {"key: " + kAnthropic + " # prod", kAnthropic, "api-key"},
      {"hook(" + kSlack + ")", kSlack, "slack-token"},
      {"maps.Key(" + kGoogle + ")", kGoogle, "google-api-key"},
      {"stripe.Key = \"" + kStripe + "\"", kStripe, "stripe-key"},
      {"auth: " + kJwt, kJwt, "jwt"},
      {"aws_secret_access_key = " + kAwsSecret, kAwsSecret, "aws-secret-access-key"},
      {"dsn := \"postgres://app:hunter2-Secret@db.internal:5432/app\"", "hunter2-Secret", "url-password"},
      {"const dbPassword = \"Tr0ub4dor&3x\"", "Tr0ub4dor&3x", "password"},
      {"\"client_secret\": \"9f8e7d6c5b4a3210\",", "9f8e7d6c5b4a3210", "secret"},
      {"API_TOKEN=abcdef0123456789", "abcdef0123456789", "token"},
      {"apiKey: 'k3y-v4lu3-0123'", "k3y-v4lu3-0123", "api-key"},
      {"PASSWD: correcthorsebattery", "correcthorsebattery", "password"},
      {"private_key = \"0x4c0883a69102937d6231471b5dbb6204fe512961708279f\"",
       "0x4c0883a69102937d6231471b5dbb6204fe512961708279f", "private-key"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    int count = 0;
    std::string out = review::redact_secrets(c.text, &count);
    INFO(out);
    CHECK(out.find(c.secret) == std::string::npos);
    CHECK(out.find("[REDACTED:" + c.kind + "]") != std::string::npos);
    CHECK(count == 1);
    // Redacting again changes nothing.
    int again = 0;
    CHECK(review::redact_secrets(out, &again) == out);
    CHECK(again == 0);
  }

  SECTION("the URL keeps its user and host") {
    std::string out = review::redact_secrets("amqp://guest:s3cr3t-pw@rabbit:5672/");
    CHECK(out == "amqp://guest:[REDACTED:url-password]@rabbit:5672/");
  }
  SECTION("a PEM block goes whole, and the lines after it keep their numbers") {
    std::string pem = "const key = `-----BEGIN RSA PRIVATE KEY-----\n" + kPemBody + "\n" + kPemBody +
                      "\n-----END RSA PRIVATE KEY-----`\nfunc after() {}\n";
    int count = 0;
    std::string out = review::redact_secrets(pem, &count);
    CHECK(count == 1);
    CHECK(out.find(kPemBody) == std::string::npos);
    CHECK(out == "const key = `[REDACTED:private-key]\n\n\n`\nfunc after() {}\n");
    CHECK(std::count(out.begin(), out.end(), '\n') == std::count(pem.begin(), pem.end(), '\n'));
  }
  SECTION("a PEM block cut off by a hunk: its body lines still go") {
    std::string out = review::redact_secrets("-----BEGIN PRIVATE KEY-----\n\"" + kPemBody + "\\n\" +\nreturn nil\n");
    CHECK(out == "[REDACTED:private-key]\n\nreturn nil\n");
  }
  SECTION(".env files: every value") {
    CHECK(review::is_env_file(".env"));
    CHECK(review::is_env_file("deploy/.env.production"));
    CHECK_FALSE(review::is_env_file("env.go"));
    CHECK_FALSE(review::is_env_file(".envrc"));
    int count = 0;
    std::string out = review::redact_env_file("# local settings\nexport DB_HOST=localhost\nEMPTY=\n\nFLAG=1\n", &count);
    CHECK(out == "# local settings\nexport DB_HOST=[REDACTED:env-value]\nEMPTY=\n\nFLAG=[REDACTED:env-value]\n");
    CHECK(count == 2);
  }
}

TEST_CASE("redact_secrets leaves ordinary Go code alone", "[review]") {
  const char* near_misses[] = {
      "token := ctx.Value(tokenKey).(string)",
      "s.token = tokenValue",
      "apiKey := os.Getenv(\"OPENAI_API_KEY\")",
      "password := strings.TrimSpace(input)",
      "secret = <-secretsCh",
      "if token == \"\" {",
      "Token string `json:\"token,omitempty\"`",
      "return &Client{token: tok, apiKey: cfg.APIKey}",
      "tokens: burst,",
      "l.tokens += gained",
      "const tokenHeader = \"X-Auth-Token\"",
      "case token:",
      "// token: refreshed by the background loop before it expires",
      "url := fmt.Sprintf(\"postgres://%s:%s@%s/db\", user, pass, host)",
      "dsn := \"postgres://app:${DB_PASSWORD}@db/app\"",
      "resp, err := http.Get(\"https://example.com:8443/path?x=1\")",
      "task-manager-skeleton-template-v2",
      "risk-assessment-for-the-quarterly-review-2024",
      "password: \"<your password here>\"",
      "l.mu.Lock()\n\tdefer l.mu.Unlock()",
      "var ErrBadToken = errors.New(\"token: invalid signature\")",
  };
  for (const char* text : near_misses) {
    INFO(text);
    int count = 0;
    CHECK(review::redact_secrets(text, &count) == text);
    CHECK(count == 0);
  }
}

// ---- the packet ------------------------------------------------------------------------------

TEST_CASE("estimate_tokens: one token per 4 bytes, rounded up", "[review]") {
  CHECK(review::estimate_tokens("") == 0);
  CHECK(review::estimate_tokens("a") == 1);
  CHECK(review::estimate_tokens("abcd") == 1);
  CHECK(review::estimate_tokens("abcde") == 2);
  CHECK(review::estimate_tokens(std::string(4000, 'x')) == 1000);
}

TEST_CASE("a secret planted in a staged change is not in the packet", "[review]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "client/client.go", "package client\n\nfunc New() *Client { return &Client{} }\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "client/client.go",
             "package client\n\nconst apiKey = \"" + kOpenAi + "\"\n\nfunc New() *Client {\n\treturn &Client{key: apiKey}\n}\n");
  write_file(fs::path(repo) / ".env", "DATABASE_URL=postgres://app:pw-" + kStripe + "@db/app\nDEBUG=true\n");
  write_file(fs::path(repo) / "config.yaml", "github_token: " + kGithub + "\n");
  testing::git(repo, {"add", "-A"});
  ChangeSet change = staged_change(repo);

  Finding finding;
  finding.rule = "go-new-sync-primitive";
  finding.severity = Severity::kNote;
  finding.message = "a message quoting " + kAwsId;
  finding.location = {"client/client.go", 3, 1, 3, 1};
  review::Packet packet = review::build_packet(change, {finding}, "Use the staging key " + kSlack + " for tests.", 24000);
  INFO(packet.text);
  for (const auto& secret : {kOpenAi, kStripe, kGithub, kAwsId, kSlack}) CHECK(packet.text.find(secret) == std::string::npos);
  CHECK(packet.text.find("DEBUG=true") == std::string::npos);
  CHECK(packet.text.find("const apiKey = \"[REDACTED:api-key]\"") != std::string::npos);
  CHECK(packet.text.find("DATABASE_URL=[REDACTED:env-value]") != std::string::npos);
  CHECK(packet.text.find("github_token: [REDACTED:github-token]") != std::string::npos);
  CHECK(packet.text.find("[REDACTED:aws-access-key-id]") != std::string::npos);
  CHECK(packet.text.find("[REDACTED:slack-token]") != std::string::npos);
  CHECK(packet.redactions == static_cast<int>(occurrences(packet.text, "[REDACTED:")));
  CHECK(packet.redactions >= 6);
  CHECK(packet.omitted.empty());
  CHECK(packet.estimated_tokens == review::estimate_tokens(packet.text));
}

TEST_CASE("a 3,000-line change fits the token budget, listing what was left out", "[review]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "README.md", "generated\n");
  commit_all(repo, "base");
  // 6 files x 50 functions x 10 lines.
  for (int file = 0; file < 6; ++file) {
    std::string text = "package gen\n\nimport \"sync\"\n\nvar mu" + std::to_string(file) + " sync.Mutex\n\n";
    for (int fn = 0; fn < 50; ++fn) {
      std::string name = "F" + std::to_string(file) + "_" + std::to_string(fn);
      text += "// " + name + " does some work under the lock.\nfunc " + name + "(xs []int) int {\n\tmu" +
              std::to_string(file) + ".Lock()\n\tdefer mu" + std::to_string(file) +
              ".Unlock()\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x * " + std::to_string(fn) +
              "\n\t}\n\treturn total\n}\n";
    }
    write_file(fs::path(repo) / ("gen/file" + std::to_string(file) + ".go"), text);
  }
  testing::git(repo, {"add", "-A"});
  ChangeSet change = staged_change(repo);
  REQUIRE(change.files.size() == 6);

  // A finding in the last function of the last file: that function comes first.
  Finding finding;
  finding.rule = "go-lock-across-blocking";
  finding.severity = Severity::kError;
  finding.message = "mu5 is held across the loop";
  finding.location = {"gen/file5.go", 0, 2, 0, 0};
  std::string last = read_file(fs::path(repo) / "gen/file5.go");
  auto lines = lines_of(last);
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("func F5_49(", 0) == 0) finding.location.line = static_cast<int>(i) + 3;
  REQUIRE(finding.location.line > 0);

  const int budget = 8000;
  review::Packet packet = review::build_packet(change, {finding}, "Locks are never held across I/O.", budget);
  INFO(packet.text.substr(0, 3000));
  CHECK(review::estimate_tokens(packet.text) <= budget);
  CHECK(packet.estimated_tokens <= budget);
  REQUIRE_FALSE(packet.omitted.empty());
  CHECK(packet.text.find("## Left out to stay within the token budget") != std::string::npos);
  CHECK(packet.text.find(packet.omitted.front()) != std::string::npos);
  CHECK(packet.omitted.front().rfind("gen/", 0) == 0);
  // Each left-out function once, whole ones not shown.
  for (const auto& item : packet.omitted) CHECK(packet.text.find("### " + item) == std::string::npos);

  size_t with_finding = packet.text.find("### gen/file5.go: func F5_49(xs []int) int");
  size_t first_unit = packet.text.find("\n### ");
  REQUIRE(with_finding != std::string::npos);
  CHECK(with_finding == first_unit + 1);
  CHECK(packet.text.find("Findings here: go-lock-across-blocking (line " + std::to_string(finding.location.line) + ")") !=
        std::string::npos);
  // Then by file: the first file's functions, in order.
  size_t f0 = packet.text.find("### gen/file0.go: func F0_0(");
  size_t f1 = packet.text.find("### gen/file0.go: func F0_1(");
  REQUIRE(f0 != std::string::npos);
  CHECK(with_finding < f0);
  CHECK(f0 < f1);
  CHECK(packet.text.find("Locks are never held across I/O.") != std::string::npos);
  CHECK(packet.text.find("1. New mutex, channel, atomic and goroutine operations inventoried") != std::string::npos);

  SECTION("a function bigger than what is left is shortened around its changes, with a marker") {
    review::Packet tiny = review::build_packet(change, {finding}, "", 1000);
    INFO(tiny.text);
    CHECK(review::estimate_tokens(tiny.text) <= 1000);
    CHECK_FALSE(tiny.omitted.empty());
  }
}

TEST_CASE("one huge function is shortened around its changed lines", "[review]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  std::string body;
  for (int i = 0; i < 600; ++i) body += "\tx += " + std::to_string(i) + "\n";
  std::string before = "package big\n\nfunc Big() int {\n\tx := 0\n" + body + "\treturn x\n}\n";
  write_file(fs::path(repo) / "big.go", before);
  commit_all(repo, "base");
  std::string after = before;
  after.replace(after.find("\tx += 300\n"), 10, "\tx += 300\n\tgo leak(x) // the change\n");
  write_file(fs::path(repo) / "big.go", after);
  testing::git(repo, {"add", "-A"});
  review::Packet packet = review::build_packet(staged_change(repo), {}, "", 2000);
  INFO(packet.text);
  CHECK(review::estimate_tokens(packet.text) <= 2000);
  CHECK(packet.text.find("func Big() int {") != std::string::npos);
  CHECK(packet.text.find("+ | \tgo leak(x) // the change") != std::string::npos);
  CHECK(packet.text.find("Shortened to stay within the token budget") != std::string::npos);
  CHECK(packet.text.find("left out to stay within the token budget ...") != std::string::npos);
  REQUIRE(packet.omitted.size() == 1);
  CHECK(packet.omitted[0].find("big.go: func Big() int (lines 3-607)") == 0);
  CHECK(packet.omitted[0].find("lines left out") != std::string::npos);
}

TEST_CASE("the packet of the demo's double-lock refactor holds the helper whole, its caller and the finding", "[review]") {
  TempDir tmp;
  auto demo = run_patchgate({"demo", "--keep", "--format", "json"}, tmp.str());
  INFO(demo.out << demo.err);
  REQUIRE(demo.code == 1);
  size_t at = demo.err.find("kept at ");
  REQUIRE(at != std::string::npos);
  std::string dir = demo.err.substr(at + 8, demo.err.find('\n', at) - at - 8);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  REQUIRE(fs::exists(fs::path(dir) / "ratelimit/limiter.go"));

  // The demo's findings, as the gate would pass them.
  std::vector<Finding> findings;
  nlohmann::json report = nlohmann::json::parse(demo.out);
  for (const auto& item : report["findings"]) {
    Finding f;
    f.rule = item["rule"];
    f.severity = *parse_severity(item["severity"]);
    f.message = item["message"];
    f.location = {item["file"], item["line"], item["column"], 0, 0};
    f.enclosing_function = item["function"];
    for (const auto& r : item["related"]) f.related.push_back({{r["file"], r["line"], r["column"], 0, 0}, r["message"]});
    findings.push_back(f);
  }
  REQUIRE_FALSE(findings.empty());
  CHECK(findings[0].rule == "go-double-lock");

  review::Packet packet = review::build_packet(staged_change(dir), findings, "", 24000);
  INFO(packet.text);
  CHECK(packet.omitted.empty());
  CHECK(packet.text.find("- ratelimit/limiter.go: modified") != std::string::npos);
  CHECK(packet.text.find("- error go-double-lock at ratelimit/limiter.go:24, in Limiter.topUp (static)") != std::string::npos);
  CHECK(packet.text.find("  related: ratelimit/limiter.go:37: first locked here") != std::string::npos);

  // topUp, every line of it, numbered and marked as added.
  std::string file = read_file(fs::path(dir) / "ratelimit/limiter.go");
  auto lines = lines_of(file);
  size_t start = 0;
  while (start < lines.size() && lines[start] != "// topUp adds the tokens earned since the last top-up.") ++start;
  REQUIRE(start < lines.size());
  size_t end = start;
  while (end < lines.size() && lines[end] != "}") ++end;
  REQUIRE(end < lines.size());
  // (git's diff keeps the refill as context: it moved from Allow into topUp.)
  for (size_t i = start; i <= end; ++i) {
    std::string number = std::to_string(i + 1);
    bool shown = packet.text.find("\n" + number + " + | " + lines[i] + "\n") != std::string::npos ||
                 packet.text.find("\n" + number + "   | " + lines[i] + "\n") != std::string::npos;
    INFO(number << ": " << lines[i]);
    CHECK(shown);
  }
  CHECK(packet.text.find("23 + | func (l *Limiter) topUp() {") != std::string::npos);
  size_t helper = packet.text.find("### ratelimit/limiter.go: func (l *Limiter) topUp() (lines 22-33)");
  size_t caller = packet.text.find("### ratelimit/limiter.go: func (l *Limiter) Allow() bool");
  REQUIRE(helper != std::string::npos);
  REQUIRE(caller != std::string::npos);
  CHECK(helper < caller);
  CHECK(packet.text.find("   - | ") != std::string::npos);  // what the diff removed is shown too
  CHECK(packet.text.find("### ratelimit/limiter.go: line 34") == std::string::npos);  // a lone blank line is not
  CHECK(packet.text.find("40 + | \tl.topUp()") != std::string::npos);
  // Unchanged functions are not there.
  CHECK(packet.text.find("func (l *Limiter) Available() int") == std::string::npos);
}

TEST_CASE("packet: deleted, binary and non-Go files", "[review]") {
  TempDir tmp;
  std::string repo = init_repo(tmp);
  write_file(fs::path(repo) / "old.go", "package p\n\nfunc Old() {}\n");
  std::string readme;
  for (int i = 1; i <= 40; ++i) readme += "line " + std::to_string(i) + "\n";
  write_file(fs::path(repo) / "README.md", readme);
  write_file(fs::path(repo) / "notes.txt", "first note\nsecond note\n");
  commit_all(repo, "base");
  write_file(fs::path(repo) / "notes.txt", "");
  write_file(fs::path(repo) / "gen.go", "package p\n\nvar table = []int{" + repeat("1, ", 1000) + "}\n");
  fs::remove(fs::path(repo) / "old.go");
  std::string changed = readme;
  changed.replace(changed.find("line 20\n"), 8, "line twenty\n");
  write_file(fs::path(repo) / "README.md", changed);
  write_file(fs::path(repo) / "logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  testing::git(repo, {"add", "-A"});
  review::Packet packet = review::build_packet(staged_change(repo), {}, "", 24000);
  INFO(packet.text);
  CHECK(packet.text.find("- old.go: deleted\n") != std::string::npos);
  CHECK(packet.text.find("func Old") == std::string::npos);
  CHECK(packet.text.find("- logo.png: added, not shown: binary") != std::string::npos);
  CHECK(packet.text.find("### README.md: lines 17-23") != std::string::npos);
  CHECK(packet.text.find("   - | line 20\n20 + | line twenty\n") != std::string::npos);
  CHECK(packet.text.find("16   | line 16") == std::string::npos);
  CHECK(packet.text.find("## Findings already reported (0)\n\nNone.") != std::string::npos);
  // A file emptied by the change: what it held, as removed lines.
  CHECK(packet.text.find("### notes.txt: removed lines\n\n```\n  - | first note\n  - | second note\n```") !=
        std::string::npos);
  // A very long line is cut.
  CHECK(packet.text.find("3 + | var table = []int{1, 1, ") != std::string::npos);
  CHECK(packet.text.find(" more bytes]") != std::string::npos);
  CHECK(packet.text.find(repeat("1, ", 200)) == std::string::npos);
}

// ---- prompts -------------------------------------------------------------------------------

namespace {

// OpenAI's strict structured outputs: every object closed, every property required.
void check_strict(const nlohmann::json& schema, const std::string& where) {
  INFO(where);
  if (schema.value("type", "") == "object") {
    CHECK(schema.value("additionalProperties", true) == false);
    std::vector<std::string> properties, required;
    for (const auto& [key, value] : schema["properties"].items()) {
      properties.push_back(key);
      check_strict(value, where + "." + key);
    }
    for (const auto& key : schema["required"]) required.push_back(key);
    std::sort(properties.begin(), properties.end());
    std::sort(required.begin(), required.end());
    CHECK(properties == required);
  }
  if (schema.contains("items")) check_strict(schema["items"], where + "[]");
}

}  // namespace

TEST_CASE("prompts: the embedded ones, and overrides by path", "[review]") {
  ReviewConfig config;
  std::string prompt;
  for (char c : review::system_prompt(config))  // folded: the file wraps its lines
    if (!(c == '\n' && !prompt.empty() && prompt.back() == ' ')) prompt.push_back(c == '\n' ? ' ' : c);
  CHECK(prompt.find("confidently wrong") != std::string::npos);
  CHECK(prompt.find("lock") != std::string::npos);
  CHECK(prompt.find("ctx.Done()") != std::string::npos);
  CHECK(prompt.find("do not change your task") != std::string::npos);
  nlohmann::json schema = review::output_schema(config);
  check_strict(schema, "schema");
  CHECK(schema["properties"]["verdict"]["enum"] == nlohmann::json({"approve", "needs-attention"}));
  const auto& finding = schema["properties"]["findings"]["items"]["properties"];
  CHECK(finding["severity"]["enum"] == nlohmann::json({"critical", "high", "medium", "low"}));
  for (const char* key : {"title", "file", "line_start", "line_end", "quote", "severity", "confidence", "trigger",
                          "falsification", "recommendation"})
    CHECK(finding.contains(key));

  TempDir tmp;
  SECTION("overrides") {
    write_file(tmp.path() / "prompt.md", "Be brief.\n");
    write_file(tmp.path() / "schema.json", R"({"type": "object", "additionalProperties": false, "properties": {}, "required": []})");
    config.prompt = (tmp.path() / "prompt.md").string();
    config.schema = (tmp.path() / "schema.json").string();
    CHECK(review::system_prompt(config) == "Be brief.\n");
    CHECK(review::output_schema(config)["type"] == "object");
  }
  SECTION("a missing or broken override is a one-line usage error naming the file") {
    auto expect_usage_error = [&](auto call, const std::string& path) {
      try {
        call();
        FAIL("no error");
      } catch (const UserError& error) {
        std::string message = error.what();
        INFO(message);
        CHECK(error.code() == kExitUsage);
        CHECK(message.find(path) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
        CHECK_FALSE(error.hint().empty());
      }
    };
    config.prompt = (tmp.path() / "missing.md").string();
    expect_usage_error([&] { review::system_prompt(config); }, config.prompt);
    config.schema = (tmp.path() / "missing.json").string();
    expect_usage_error([&] { review::output_schema(config); }, config.schema);
    write_file(tmp.path() / "bad.json", "{\"type\": \"object\",\n");
    config.schema = (tmp.path() / "bad.json").string();
    expect_usage_error([&] { review::output_schema(config); }, config.schema);
    write_file(tmp.path() / "array.json", "[]");
    config.schema = (tmp.path() / "array.json").string();
    expect_usage_error([&] { review::output_schema(config); }, config.schema);
  }
}

// ---- the model's answer ----------------------------------------------------------------------

namespace {

const char* kValidAnswer = R"json({
  "verdict": "needs-attention",
  "summary": "topUp locks l.mu, which Allow already holds.",
  "findings": [{
    "title": "Helper topUp re-locks l.mu held by Allow",
    "file": "ratelimit/limiter.go",
    "line_start": 24,
    "line_end": 24,
    "quote": "l.mu.Lock()",
    "severity": "critical",
    "confidence": 0.93,
    "trigger": "any call to Allow",
    "falsification": "a test calling Allow once returns",
    "recommendation": "do not lock in topUp; document that l.mu must be held"
  }]
})json";

std::string answer_with(const std::string& from, const std::string& to) {
  std::string text = kValidAnswer;
  size_t pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("parse_model_review accepts the schema's object and says what is wrong otherwise", "[review]") {
  std::string error;
  auto review = review::parse_model_review(kValidAnswer, error);
  REQUIRE(review);
  CHECK(error.empty());
  CHECK(review->verdict == "needs-attention");
  REQUIRE(review->findings.size() == 1);
  CHECK(review->findings[0].line_start == 24);
  CHECK(review->findings[0].confidence == Approx(0.93));
  CHECK(review->findings[0].quote == "l.mu.Lock()");

  CHECK(review::parse_model_review("\n  ```json\n" + std::string(kValidAnswer) + "\n```\n", error));
  CHECK(review::parse_model_review("```\n" + std::string(kValidAnswer) + "```", error));
  CHECK(review::parse_model_review(R"({"verdict": "approve", "summary": "fine", "findings": []})", error));
  CHECK(review::parse_model_review(answer_with("\"line_start\": 24", "\"line_start\": 24.0"), error));

  struct Bad {
    std::string content, expected;
  };
  std::string valid = kValidAnswer;
  std::vector<Bad> bad = {
      {valid.substr(0, valid.size() / 2), "not valid JSON"},
      {"```json\n" + valid, "not closed"},
      {"Here is my review:\n" + valid, "no text before it"},
      {"```json\n" + valid + "\n```\nHope this helps!", "not closed, or text follows it"},
      {valid + "\n```json\n{}\n```", "not valid JSON"},
      {"", "empty"},
      {"[]", "expected a JSON object at the top level, got array"},
      {answer_with("\"line_start\": 24", "\"line_start\": \"24\""), "findings[0].line_start: expected a whole line number, got string"},
      {answer_with("\"line_start\": 24", "\"line_start\": 24.5"), "findings[0].line_start: expected a whole line number"},
      {answer_with("\"confidence\": 0.93", "\"confidence\": \"high\""), "findings[0].confidence: expected a number from 0 to 1, got string"},
      {answer_with("\"confidence\": 0.93", "\"confidence\": 1.5"), "findings[0].confidence: expected a number from 0 to 1, got 1.5"},
      {answer_with("\"confidence\": 0.93", "\"confidence\": -0.1"), "findings[0].confidence: expected a number from 0 to 1"},
      {answer_with("\"severity\": \"critical\"", "\"severity\": \"blocker\""), "findings[0].severity: expected one of \"critical\", \"high\", \"medium\", \"low\", got \"blocker\""},
      {answer_with("\"verdict\": \"needs-attention\"", "\"verdict\": \"reject\""), "verdict: expected one of \"approve\", \"needs-attention\", got \"reject\""},
      {answer_with("\"summary\": \"topUp locks l.mu, which Allow already holds.\",", ""), "missing field \"summary\""},
      {answer_with("\"quote\": \"l.mu.Lock()\",", ""), "findings[0]: missing field \"quote\""},
      {answer_with("\"quote\": \"l.mu.Lock()\",", "\"quote\": \"l.mu.Lock()\", \"extra\": 1,"), "findings[0]: unknown field \"extra\""},
      {answer_with("\"title\": \"Helper topUp re-locks l.mu held by Allow\"", "\"title\": null"), "findings[0].title: expected a string, got null"},
      {answer_with("\"findings\": [{", "\"findings\": {\"x\": [{") + "}", "findings: expected an array, got object"},
      {R"({"verdict": "approve", "summary": "ok", "findings": [1]})", "findings[0]: expected an object, got number"},
      {R"({"verdict": "approve", "summary": "ok", "findings": {}})", "findings: expected an array, got object"},
  };
  for (const auto& b : bad) {
    INFO(b.content);
    error.clear();
    CHECK_FALSE(review::parse_model_review(b.content, error));
    INFO(error);
    CHECK(error.find(b.expected) != std::string::npos);
    CHECK(error.find('\n') == std::string::npos);
  }
}

// ---- grounding -------------------------------------------------------------------------------

namespace {

const char* kStore = R"go(package store

import "sync"

type Store struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *Store) put(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

func (s *Store) Set(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(k, v)
}
)go";

ChangeSet store_change() {
  ChangeSet change;
  change.description = "staged changes";
  change.revision = git::memory_source({{"store/store.go", kStore}, {"store/other.go", "package store\n"}});
  git::ChangedFile changed;
  changed.path = changed.old_path = "store/store.go";
  changed.status = git::FileStatus::kModified;
  changed.added_lines.add(10, 14);
  changed.touched_lines.add(10, 14);
  changed.added_lines.add(19, 19);
  changed.touched_lines.add(19, 19);
  change.files.push_back(changed);
  git::ChangedFile gone;
  gone.path = gone.old_path = "store/gone.go";
  gone.status = git::FileStatus::kDeleted;
  gone.skip_reason = "deleted";
  change.files.push_back(gone);
  return change;
}

review::ModelFinding claim(const std::string& quote, int start, int end, const std::string& severity = "critical",
                           double confidence = 0.9) {
  review::ModelFinding f;
  f.title = "Helper put re-locks s.mu, which Set already holds.";
  f.file = "store/store.go";
  f.line_start = start;
  f.line_end = end;
  f.quote = quote;
  f.severity = severity;
  f.confidence = confidence;
  f.trigger = "any call to Set";
  f.falsification = "a test that calls Set once and returns";
  f.recommendation = "Drop the Lock in put and document that s.mu must be held.";
  return f;
}

review::Grounding ground_one(const review::ModelFinding& f, BlockOn block_on = BlockOn::kGroundedHigh) {
  review::ModelReview model;
  model.verdict = "needs-attention";
  model.findings = {f};
  return review::ground(model, store_change(), block_on);
}

}  // namespace

TEST_CASE("grounding: a quote at the cited line becomes a model finding", "[review]") {
  auto result = ground_one(claim("s.mu.Lock()", 11, 11));
  REQUIRE(result.findings.size() == 1);
  CHECK(result.ungrounded.empty());
  const Finding& f = result.findings[0];
  CHECK(f.rule == "review-helper-put-re-locks-s-mu-which-set");
  CHECK(f.source == "model");
  CHECK(f.category == "model");
  CHECK(f.severity == Severity::kError);
  CHECK(f.checklist == 3);  // "re-locks ... already holds": an anti-pattern
  CHECK(f.message == "helper put re-locks s.mu, which Set already holds");
  CHECK(f.location.file == "store/store.go");
  CHECK(f.location.line == 11);
  CHECK(f.location.column == 2);
  CHECK(f.snippet == "\ts.mu.Lock()");
  CHECK(f.fix == "Drop the Lock in put and document that s.mu must be held.");
  CHECK(f.confidence == Approx(0.9));
  CHECK_FALSE(f.advisory);
  CHECK(f.on_changed_line);
  CHECK(f.enclosing_function == "Store.put");
  CHECK(f.stack == "trigger: any call to Set\nfalsified by: a test that calls Set once and returns\n");
  CHECK(f.fingerprint.size() == 16);
  CHECK(f.fingerprint == compute_fingerprint(f, "\ts.mu.Lock()", ""));
}

TEST_CASE("grounding: near the cited lines, or not at all", "[review]") {
  SECTION("two lines off: grounded where the quote is") {
    auto result = ground_one(claim("s.put(k, v)", 17, 17));
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].location.line == 19);
    CHECK(result.findings[0].enclosing_function == "Store.Set");
  }
  SECTION("the nearest of several matches, a reversed range, and whitespace folded") {
    auto result = ground_one(claim("  defer   s.mu.Unlock() ", 20, 16));
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].location.line == 18);
  }
  SECTION("a quote of several lines, and a quote with the packet's gutter copied") {
    auto several = ground_one(claim("s.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.m[k] = v", 11, 13));
    REQUIRE(several.findings.size() == 1);
    CHECK(several.findings[0].location.line == 11);
    auto gutter = ground_one(claim("13 + | \ts.m[k] = v", 13, 13));
    REQUIRE(gutter.findings.size() == 1);
    CHECK(gutter.findings[0].location.line == 13);
  }
  SECTION("more than 3 lines away: ungrounded with the reason") {
    auto result = ground_one(claim("s.put(k, v)", 10, 12));
    CHECK(result.findings.empty());
    REQUIRE(result.ungrounded.size() == 1);
    const auto& u = result.ungrounded[0];
    CHECK(u.reason == "quoted text not found within 3 lines of 10-12");
    CHECK(u.file == "store/store.go");
    CHECK(u.line_start == 10);
    CHECK(u.quote == "s.put(k, v)");
    CHECK(u.severity == "critical");
    CHECK(u.confidence == Approx(0.9));
  }
  SECTION("a quote that is nowhere") {
    auto result = ground_one(claim("s.mu.RLock()", 11, 11));
    REQUIRE(result.ungrounded.size() == 1);
    CHECK(result.ungrounded[0].reason == "quoted text not found within 3 lines of 11");
  }
  SECTION("a short quote must be the whole line") {
    CHECK(ground_one(claim("Lock()", 11, 11)).findings.empty());
    CHECK(ground_one(claim("}", 14, 14)).ungrounded.at(0).reason == "the quote has no code in it to find");
  }
  SECTION("a file outside the change, a deleted one, a line past the end, an empty quote") {
    auto outside = claim("package store", 1, 1);
    outside.file = "store/other.go";
    CHECK(ground_one(outside).ungrounded.at(0).reason == "file not in the change");
    auto deleted = claim("s.mu.Lock()", 11, 11);
    deleted.file = "store/gone.go";
    CHECK(ground_one(deleted).ungrounded.at(0).reason == "file deleted by the change");
    CHECK(ground_one(claim("s.mu.Lock()", 900, 905)).ungrounded.at(0).reason ==
          "line 900 is past the end of the file (20 lines)");
    CHECK(ground_one(claim(" \n ", 11, 11)).ungrounded.at(0).reason == "the quote is empty");
  }
  SECTION("a path with ./ or b/ in front is the same file; a range past the end is clamped") {
    auto prefixed = claim("s.put(k, v)", 19, 400);
    prefixed.file = "b/store/store.go";
    auto result = ground_one(prefixed);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].location.file == "store/store.go");
  }
}

TEST_CASE("grounding: review.block_on decides which grounded findings may block", "[review]") {
  review::ModelReview model;
  model.findings = {claim("s.mu.Lock()", 11, 11, "critical", 0.9), claim("s.mu.Lock()", 11, 11, "high", 0.7),
                    claim("s.mu.Lock()", 11, 11, "high", 0.69), claim("s.mu.Lock()", 11, 11, "medium", 0.95),
                    claim("s.mu.Lock()", 11, 11, "low", 1.0)};
  auto advisory = [&](BlockOn block_on) {
    std::vector<bool> out;
    for (const auto& f : review::ground(model, store_change(), block_on).findings) out.push_back(f.advisory);
    return out;
  };
  CHECK(advisory(BlockOn::kNever) == std::vector<bool>{true, true, true, true, true});
  CHECK(advisory(BlockOn::kGroundedHigh) == std::vector<bool>{false, false, true, true, true});
  CHECK(advisory(BlockOn::kGrounded) == std::vector<bool>{false, false, false, false, false});
  auto findings = review::ground(model, store_change(), BlockOn::kGrounded).findings;
  CHECK(findings[2].severity == Severity::kError);
  CHECK(findings[3].severity == Severity::kWarning);
  CHECK(findings[4].severity == Severity::kNote);
}

TEST_CASE("title_slug", "[review]") {
  CHECK(review::title_slug("RLock held across the HTTP call") == "rlock-held-across-the-http-call");
  CHECK(review::title_slug("  ***  ") == "finding");
  CHECK(review::title_slug("") == "finding");
  CHECK(review::title_slug("caf\xc3\xa9 -- goroutine leak!") == "caf-goroutine-leak");
  std::string slug = review::title_slug("a very long title that goes on and on about goroutines and locks forever");
  CHECK(slug.size() <= 40);
  CHECK(slug == "a-very-long-title-that-goes-on-and-on");
}

// ---- config ----------------------------------------------------------------------------------

TEST_CASE("config: the review section", "[review][config]") {
  Config config = parse_config(R"({"review": {
      "enabled": true, "provider": "anthropic", "base_url": "http://127.0.0.1:8080", "model": "claude-x",
      "api_key_env": "MY_REVIEW_KEY", "connect_timeout": "5s", "timeout": "2m", "retries": 0, "max_rounds": 1,
      "token_budget": 1000, "max_output_tokens": 2048, "block_on": "grounded", "required": false, "cache": false,
      "prompt": "p.md", "schema": "s.json"}})",
                               ".patchgate.json");
  const ReviewConfig& r = config.review;
  CHECK(r.enabled);
  CHECK(r.provider == "anthropic");
  CHECK(r.base_url == "http://127.0.0.1:8080");
  CHECK(r.model == "claude-x");
  CHECK(r.api_key_env == "MY_REVIEW_KEY");
  CHECK(r.connect_timeout == std::chrono::seconds(5));
  CHECK(r.timeout == std::chrono::minutes(2));
  CHECK(r.retries == 0);
  CHECK(r.max_rounds == 1);
  CHECK(r.token_budget == 1000);
  CHECK(r.max_output_tokens == 2048);
  CHECK(r.block_on == BlockOn::kGrounded);
  CHECK_FALSE(r.required);
  CHECK_FALSE(r.cache);
  CHECK(r.prompt == "p.md");
  CHECK(r.schema == "s.json");

  Config defaults = parse_config("{}", ".patchgate.json");
  CHECK_FALSE(defaults.review.enabled);
  CHECK(defaults.review.block_on == BlockOn::kGroundedHigh);

  struct Bad {
    std::string json, expected;
  };
  std::vector<Bad> bad = {
      {R"({"review": []})", "review: expected an object"},
      {R"({"review": {"provider": "gemini"}})", "review.provider: expected \"openai\""},
      {R"({"review": {"base_url": "ftp://x"}})", "review.base_url: expected a URL starting with http:// or https://"},
      {R"({"review": {"base_url": "api.openai.com"}})", "review.base_url"},
      {R"({"review": {"model": ""}})", "review.model: expected the model's name"},
      {R"({"review": {"api_key_env": "my key"}})", "review.api_key_env: expected the name of an environment variable"},
      {R"({"review": {"api_key_env": "9LIVES"}})", "review.api_key_env: expected the name"},
      {R"({"review": {"connect_timeout": "soon"}})", "review.connect_timeout: expected a duration"},
      {R"({"review": {"timeout": 30}})", "review.timeout: expected a duration"},
      {R"({"review": {"retries": 11}})", "review.retries: expected a whole number from 0 to 10"},
      {R"({"review": {"retries": -1}})", "review.retries: expected a whole number from 0 to 10"},
      {R"({"review": {"max_rounds": 0}})", "review.max_rounds: expected a whole number from 1 to 5"},
      {R"({"review": {"max_rounds": 6}})", "review.max_rounds"},
      {R"({"review": {"token_budget": 999}})", "review.token_budget: expected a whole number from 1000 to 1000000"},
      {R"({"review": {"token_budget": 1000001}})", "review.token_budget"},
      {R"({"review": {"token_budget": 2000.5}})", "review.token_budget"},
      {R"({"review": {"block_on": "high"}})", "review.block_on: expected \"never\", \"grounded-high\" or \"grounded\""},
      {R"({"review": {"required": "yes"}})", "review.required: expected true or false"},
      {R"({"review": {"enabled": 1}})", "review.enabled: expected true or false"},
      {R"({"review": {"prompt": ""}})", "review.prompt"},
      {R"({"review": {"temperature": 0.2}})", "review.temperature: unknown key (known: enabled, provider"},
      {R"({"reviews": {}})", "reviews: unknown key (known: fail_on, max_file_bytes, analyse_generated, exclude, rules, race, ai, review)"},
  };
  for (const auto& b : bad) {
    INFO(b.json);
    try {
      parse_config(b.json, ".patchgate.json");
      FAIL("accepted");
    } catch (const UserError& error) {
      INFO(error.what());
      CHECK(error.code() == kExitUsage);
      CHECK(std::string(error.what()).find(b.expected) != std::string::npos);
    }
  }

  SECTION("a key where the variable's name belongs is refused without repeating it") {
    for (const std::string& key : {kOpenAi, kAnthropic, kGithub, std::string("Zx81Kq7vT2mN4pL9rW3sY6uB")}) {
      INFO(key);
      try {
        parse_config(R"({"review": {"api_key_env": ")" + key + R"("}})", ".patchgate.json");
        FAIL("accepted");
      } catch (const UserError& error) {
        std::string message = error.what();
        CHECK(message.find("looks like an API key, not the name of an environment variable") != std::string::npos);
        CHECK(message.find(key) == std::string::npos);
        CHECK(error.hint().find(key) == std::string::npos);
        CHECK(error.hint().find("name") != std::string::npos);
      }
    }
    CHECK(parse_config(R"({"review": {"api_key_env": "OPENAI_API_KEY"}})", "x").review.api_key_env == "OPENAI_API_KEY");
  }

  SECTION("patchgate init writes a review section that parses, disabled") {
    Config starter = parse_config(cli::starter_config(), "starter");
    CHECK_FALSE(starter.review.enabled);
    CHECK(starter.review.block_on == BlockOn::kGroundedHigh);
    CHECK(cli::starter_config().find("\"review\": {") != std::string::npos);
    CHECK(cli::starter_config().find("api_key_env") != std::string::npos);
  }
}
