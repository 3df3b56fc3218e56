// patchgate review against a local HTTP server that speaks each provider's wire format: the
// server checks every request's documented shape and answers from a script (successes,
// refusals, malformed output, 429/500/401, hangs); the tests check exit codes, the report, the
// cache, and that neither the key nor a secret in the diff goes anywhere it must not.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/git/change_set.h"
#include "core/git/repository.h"
#include "review/client.h"
#include "review/provider.h"
#include "http_server.h"
#include "cli/demo_command.h"
#include "support.h"

using namespace testing;
using json = nlohmann::json;
using patchgate::ReviewConfig;
namespace review = patchgate::review;

namespace {

const std::string kKey = "sk-test-KEY-must-not-leak-123";
const std::string kModel = "test-model";
const std::string kFile = "ratelimit/limiter.go";

// The demo's story (src/cli/demo_command.cpp): a helper extracted from Allow locks l.mu, which
// Allow already holds.
const std::string kLimiterBefore = patchgate::cli::demo_story().before;
const std::string kLimiterAfter = patchgate::cli::demo_story().after;

int line_of(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number)
    if (line.find(needle) != std::string::npos) return number;
  FAIL("no line holds " << needle);
  return 0;
}

// The demo repository: the limiter committed, the refactor staged; the config lives outside it.
struct ReviewRepo {
  TempDir tmp;
  std::string repo;
  std::string config;
  std::string after = kLimiterAfter;

  explicit ReviewRepo(const std::string& extra_after = "") {
    repo = init_repo(tmp);
    write_file(fs::path(repo) / "go.mod", "module example.com/gateway\n\ngo 1.19\n");
    write_file(fs::path(repo) / "main.go", "package main\n\nfunc main() {}\n");
    write_file(fs::path(repo) / kFile, kLimiterBefore);
    commit_all(repo, "rate limiter");
    after += extra_after;
    write_file(fs::path(repo) / kFile, after);
    git(repo, {"add", kFile});
    config = (tmp.path() / "patchgate.json").string();
  }

  void configure(const std::string& provider, const std::string& url, const json& extra = json::object()) const {
    json review = {{"provider", provider}, {"base_url", url}, {"model", kModel}, {"retries", 0},
                   {"timeout", "5s"},      {"cache", false}};
    for (const auto& [name, value] : extra.items()) review[name] = value;
    write_file(config, json({{"review", review}}).dump(2));
  }
};

std::map<std::string, std::string> cli_env(const std::string& provider, const std::string& key = kKey) {
  std::map<std::string, std::string> env = {{"NO_COLOR", "1"}, {"no_proxy", "127.0.0.1,localhost"},
                                            {"NO_PROXY", "127.0.0.1,localhost"}};
  // Set even when empty: a key in the developer's environment must not be used.
  env["OPENAI_API_KEY"] = provider == "openai" ? key : "";
  env["ANTHROPIC_API_KEY"] = provider == "anthropic" ? key : "";
  return env;
}

RunResult run_cli(const ReviewRepo& r, const std::string& command, std::vector<std::string> args,
                    const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {binary(), command, "--config", r.config};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, r.repo, "", 60, env);
}

json review_report(const RunResult& result) {
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE_FALSE(result.out.empty());
  return json::parse(result.out);
}

json model_finding(const std::string& file, int line, const std::string& quote, const std::string& severity = "critical",
                   double confidence = 0.9) {
  return {{"title", "topUp locks l.mu, which Allow already holds: every call deadlocks"},
          {"file", file},
          {"line_start", line},
          {"line_end", line},
          {"quote", quote},
          {"severity", severity},
          {"confidence", confidence},
          {"trigger", "any call to Allow"},
          {"falsification", "sync.Mutex being reentrant"},
          {"recommendation", "have topUp require the lock instead of taking it"}};
}

std::string review_content(const std::vector<json>& findings) {
  json out = {{"verdict", findings.empty() ? "approve" : "needs-attention"},
              {"summary", "checked the lock state of the extracted helper"},
              {"findings", findings}};
  return out.dump();
}

std::string grounded_content(const ReviewRepo& r) {
  return review_content({model_finding(kFile, line_of(r.after, "\tl.topUp()"), "l.topUp()")});
}

// A successful response in the provider's wire format carrying `content` as the model's answer.
ScriptedResponse answer(const std::string& provider, const std::string& content, const std::string& stop = "") {
  json body;
  if (provider == "anthropic") {
    json input = json::parse(content, nullptr, false);
    json block = input.is_discarded() || !input.is_object()
                     ? json{{"type", "text"}, {"text", content}}
                     : json{{"type", "tool_use"}, {"id", "toolu_01"}, {"name", "submit_review"}, {"input", input}};
    std::string stop_reason = !stop.empty() ? stop : block["type"] == "tool_use" ? "tool_use" : "end_turn";
    body = {{"id", "msg_01"},      {"type", "message"}, {"role", "assistant"}, {"model", kModel},
            {"content", {block}}, {"stop_reason", stop_reason},
            {"usage", {{"input_tokens", 10}, {"output_tokens", 10}}}};
  } else if (provider == "ollama") {
    body = {{"model", kModel}, {"created_at", "2025-01-01T00:00:00Z"}, {"message", {{"role", "assistant"}, {"content", content}}},
            {"done", true},    {"done_reason", stop.empty() ? "stop" : stop}};
  } else {
    body = {{"id", "chatcmpl-1"},
            {"object", "chat.completion"},
            {"model", kModel},
            {"choices", {{{"index", 0},
                          {"message", {{"role", "assistant"}, {"content", content}, {"refusal", nullptr}}},
                          {"finish_reason", stop.empty() ? "stop" : stop}}}},
            {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 10}, {"total_tokens", 20}}}};
  }
  return {200, {{"Content-Type", "application/json"}}, body.dump(), 0};
}

ScriptedResponse status(int code, const std::string& message, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return {code, std::move(headers), json({{"error", {{"message", message}, {"type", "server_error"}}}}).dump(), 0};
}

// Each provider's documented request shape; returns what is wrong, or "".
std::string check_wire(const std::string& provider, const RecordedRequest& request, const std::string& key) {
  auto header = [&](const std::string& name) {
    auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string() : it->second;
  };
  if (request.method != "POST") return "method " + request.method;
  if (header("content-type") != "application/json") return "content-type " + header("content-type");
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return "the body is not a JSON object";
  if (body.value("model", "") != kModel) return "model missing or wrong";
  if (provider == "openai") {
    if (request.path != "/v1/chat/completions") return "path " + request.path;
    if (header("authorization") != "Bearer " + key) return "authorization is not `Bearer <key>`";
    const json& messages = body["messages"];
    if (!messages.is_array() || messages.size() < 2 || messages[0]["role"] != "system" || messages[1]["role"] != "user")
      return "messages must start with system, user";
    const json& format = body["response_format"];
    if (!format.is_object() || format["type"] != "json_schema" || !format["json_schema"].is_object() ||
        !format["json_schema"]["name"].is_string() || format["json_schema"]["strict"] != true ||
        !format["json_schema"]["schema"].is_object())
      return "response_format is not a strict json_schema";
    if (!body.contains("max_tokens") && !body.contains("max_completion_tokens")) return "no max_tokens";
    if (body["temperature"] != 0) return "temperature is not 0";
  } else if (provider == "anthropic") {
    if (request.path != "/v1/messages") return "path " + request.path;
    if (header("x-api-key") != key) return "x-api-key is not the key";
    if (header("anthropic-version") != "2023-06-01") return "anthropic-version " + header("anthropic-version");
    if (!header("authorization").empty()) return "an authorization header as well";
    if (!body["max_tokens"].is_number_integer()) return "max_tokens missing";
    if (!body["system"].is_string()) return "system is not a top-level string";
    const json& messages = body["messages"];
    if (!messages.is_array() || messages.empty() || messages[0]["role"] != "user") return "messages must start with user";
    for (const auto& message : messages)
      if (message["role"] == "system") return "a system message inside messages";
    const json& tools = body["tools"];
    const json& choice = body["tool_choice"];
    if (!tools.is_array() || tools.size() != 1 || !tools[0]["input_schema"].is_object() ||
        tools[0]["input_schema"]["type"] != "object")
      return "tools[0].input_schema missing";
    if (!choice.is_object() || choice["type"] != "tool" || choice["name"] != tools[0]["name"])
      return "tool_choice does not force the tool";
  } else {
    if (request.path != "/api/chat") return "path " + request.path;
    if (!header("authorization").empty()) return "an authorization header without a configured key";
    if (body["stream"] != false) return "stream is not false";
    if (!body["format"].is_object()) return "format is not a schema";
    const json& messages = body["messages"];
    if (!messages.is_array() || messages.size() < 2 || messages[0]["role"] != "system") return "messages";
    if (body["options"]["temperature"] != 0) return "options.temperature is not 0";
  }
  return "";
}

void expect_wire(TestHttpServer& server, const std::string& provider, const std::string& key = kKey) {
  server.set_validator([provider, key](const RecordedRequest& request) { return check_wire(provider, request, key); });
}

json findings_from(const json& report, const std::string& source) {
  json out = json::array();
  for (const auto& finding : report["findings"])
    if (finding["source"] == source) out.push_back(finding);
  return out;
}

std::string violations_text(const TestHttpServer& server) {
  std::string out;
  for (const auto& v : server.violations()) out += v + "\n";
  return out;
}

}  // namespace

TEST_CASE("review: each provider's wire format, a grounded finding blocks and ungrounded ones do not", "[review]") {
  for (const std::string provider : {"openai", "anthropic", "ollama"}) {
    DYNAMIC_SECTION(provider) {
      ReviewRepo r;
      const int line = line_of(r.after, "\tl.topUp()");
      SECTION("grounded: high severity, confidence >= 0.7 -> exit 1 and the finding is in the report") {
        TestHttpServer server({answer(provider, grounded_content(r))});
        expect_wire(server, provider);
        r.configure(provider, server.url());
        RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env(provider));
        INFO(result.err << violations_text(server));
        CHECK(server.violations().empty());
        CHECK(result.code == 1);
        json report = review_report(result);
        json model = findings_from(report, "model");
        REQUIRE(model.size() == 1);
        CHECK(model[0]["file"] == kFile);
        CHECK(model[0]["line"] == line);
        CHECK(findings_from(report, "static").empty());  // shown to the model, not repeated here
        CHECK(report["review"]["status"] == "ran");
        CHECK(report["review"]["provider"] == provider);
        CHECK(report["review"]["grounded"] == 1);
        CHECK(report["review"]["attempts"] == 1);
        CHECK(server.requests().size() == 1);
        // The packet carried the static finding and the helper.
        std::string body = server.requests()[0].body;
        CHECK(body.find("go-double-lock") != std::string::npos);
        CHECK(body.find("topUp") != std::string::npos);
      }
      SECTION("ungrounded: a quote not in the file and a file outside the change -> exit 0, listed with reasons") {
        TestHttpServer server({answer(provider, review_content({model_finding(kFile, line, "l.refill()"),
                                                                 model_finding("main.go", 3, "func main() {}")}))});
        expect_wire(server, provider);
        r.configure(provider, server.url());
        RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env(provider));
        INFO(result.err << violations_text(server));
        CHECK(server.violations().empty());
        CHECK(result.code == 0);
        json report = review_report(result);
        CHECK(findings_from(report, "model").empty());
        CHECK(report["review"]["grounded"] == 0);
        REQUIRE(report["review"]["ungrounded"].size() == 2);
        for (const auto& item : report["review"]["ungrounded"]) CHECK_FALSE(item["reason"].get<std::string>().empty());
        std::string reasons = report["review"]["ungrounded"].dump();
        CHECK(reasons.find("l.refill()") != std::string::npos);
        CHECK(reasons.find("main.go") != std::string::npos);
      }
    }
  }
}

TEST_CASE("review: 429 with Retry-After: 1 waits a second and tries again", "[review]") {
  ReviewRepo r;
  TestHttpServer server({status(429, "rate limited", {{"Retry-After", "1"}}), answer("openai", review_content({}))});
  expect_wire(server, "openai");
  r.configure("openai", server.url(), {{"retries", 2}});
  RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
  INFO(result.err);
  CHECK(result.code == 0);
  CHECK(server.violations().empty());
  auto arrivals = server.arrivals();
  REQUIRE(arrivals.size() == 2);
  CHECK(arrivals[1] - arrivals[0] >= std::chrono::milliseconds(1000));
  CHECK(result.err.find("Retry-After") != std::string::npos);
  json report = review_report(result);
  CHECK(report["review"]["status"] == "ran");
  CHECK(report["review"]["attempts"] == 2);
}

TEST_CASE("review: 500 three times with retries=2 fails the review, and --fail-open passes with a warning", "[review]") {
  ReviewRepo r;
  SECTION("exit 3") {
    TestHttpServer server({status(500, "upstream exploded")});
    r.configure("openai", server.url(), {{"retries", 2}});
    RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
    INFO(result.err);
    CHECK(result.code == 3);
    CHECK(server.requests().size() == 3);
    json report = review_report(result);
    CHECK(report["review"]["status"] == "failed");
    CHECK(report["review"]["attempts"] == 3);
    CHECK(report["review"]["error"].get<std::string>().find("HTTP 500") != std::string::npos);
  }
  SECTION("--fail-open: exit 0 and a warning; the stage is marked failed") {
    TestHttpServer server({status(500, "upstream exploded")});
    r.configure("openai", server.url(), {{"retries", 2}});
    RunResult result = run_cli(r, "review", {"--format", "json", "--fail-open"}, cli_env("openai"));
    CHECK(result.code == 0);
    CHECK(server.requests().size() == 3);
    CHECK(result.err.find("WARNING") != std::string::npos);
    json report = review_report(result);
    CHECK(report["review"]["status"] == "failed");
    bool stage_failed = false;
    for (const auto& stage : report["stages"]) stage_failed |= stage["name"] == "review" && stage["status"] == "failed";
    CHECK(stage_failed);
  }
}

TEST_CASE("review: a server that hangs past the timeout fails the review quickly", "[review]") {
  ReviewRepo r;
  TestHttpServer server({ScriptedResponse{200, {}, "", 30}});
  r.configure("openai", server.url());
  auto start = std::chrono::steady_clock::now();
  RunResult result = run_cli(r, "review", {"--format", "json", "--timeout", "1s"}, cli_env("openai"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(result.err);
  CHECK(result.code == 3);
  CHECK(elapsed < std::chrono::seconds(8));
  CHECK(server.requests().size() == 1);
  json report = review_report(result);
  CHECK(report["review"]["status"] == "failed");
  CHECK(report["review"]["error"].get<std::string>().find("timed out") != std::string::npos);
}

TEST_CASE("review: malformed output gets one repair round carrying the answer and the error", "[review]") {
  ReviewRepo r;
  const std::string broken = R"({"verdict": "needs-attention", "summary": "the lock)";
  SECTION("repaired") {
    TestHttpServer server({answer("openai", broken), answer("openai", grounded_content(r))});
    expect_wire(server, "openai");
    r.configure("openai", server.url());
    RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
    INFO(result.err << violations_text(server));
    CHECK(result.code == 1);
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    json messages = json::parse(requests[1].body)["messages"];
    REQUIRE(messages.size() == 4);
    CHECK(messages[2]["role"] == "assistant");
    CHECK(messages[2]["content"] == broken);
    CHECK(messages[3]["role"] == "user");
    CHECK(messages[3]["content"].get<std::string>().find("could not be used") != std::string::npos);
    json report = review_report(result);
    CHECK(report["review"]["status"] == "ran");
    CHECK(report["review"]["attempts"] == 2);
  }
  SECTION("malformed twice: failed") {
    TestHttpServer server({answer("openai", broken), answer("openai", "I think the patch is fine.")});
    r.configure("openai", server.url());
    RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
    INFO(result.err);
    CHECK(result.code == 3);
    CHECK(server.requests().size() == 2);
    json report = review_report(result);
    CHECK(report["review"]["status"] == "failed");
    CHECK(report["review"]["error"].get<std::string>().find("not a valid review") != std::string::npos);
  }
  SECTION("anthropic: a text answer instead of the tool call is repaired the same way") {
    TestHttpServer server({answer("anthropic", "Looks good to me."), answer("anthropic", grounded_content(r))});
    expect_wire(server, "anthropic");
    r.configure("anthropic", server.url());
    RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("anthropic"));
    INFO(result.err << violations_text(server));
    CHECK(server.violations().empty());
    CHECK(result.code == 1);
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    json messages = json::parse(requests[1].body)["messages"];
    REQUIRE(messages.size() == 3);
    CHECK(messages[1]["role"] == "assistant");
    CHECK(messages[1]["content"] == "Looks good to me.");
  }
}

TEST_CASE("review: a refusal is a failed review with the model's words", "[review]") {
  ReviewRepo r;
  SECTION("openai: message.refusal") {
    json body = json::parse(answer("openai", "").body);
    body["choices"][0]["message"]["content"] = nullptr;
    body["choices"][0]["message"]["refusal"] = "I can't help with reviewing this code.";
    TestHttpServer server({ScriptedResponse{200, {}, body.dump(), 0}});
    r.configure("openai", server.url());
    RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
    CHECK(result.code == 3);
    json report = review_report(result);
    CHECK(report["review"]["status"] == "failed");
    CHECK(report["review"]["error"].get<std::string>().find("I can't help with reviewing this code.") != std::string::npos);
    CHECK(server.requests().size() == 1);
  }
  SECTION("anthropic: stop_reason refusal") {
    TestHttpServer server({answer("anthropic", "I won't do that.", "refusal")});
    r.configure("anthropic", server.url());
    RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("anthropic"));
    CHECK(result.code == 3);
    json report = review_report(result);
    CHECK(report["review"]["error"].get<std::string>().find("I won't do that.") != std::string::npos);
  }
}

TEST_CASE("review: 401 is not retried and names the variable, never the key", "[review]") {
  ReviewRepo r;
  TestHttpServer server({status(401, "Incorrect API key provided: " + kKey)});
  r.configure("openai", server.url(), {{"retries", 3}});
  RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
  CHECK(result.code == 3);
  CHECK(server.requests().size() == 1);
  CHECK(result.err.find("the provider rejected the key in $OPENAI_API_KEY") != std::string::npos);
  CHECK(result.err.find(kKey) == std::string::npos);
  CHECK(result.out.find(kKey) == std::string::npos);
}

TEST_CASE("review: the key reaches the server's auth header and nothing else", "[review]") {
  ReviewRepo r;
  const fs::path reports = r.tmp.path() / "reports";
  fs::create_directories(reports);
  std::vector<std::string> args;
  for (const std::string format : {"text", "json", "markdown", "sarif", "github", "junit"}) {
    args.insert(args.end(), {"--format", format, "--output", (reports / ("review." + format)).string()});
  }
  std::string printed;
  for (const std::string provider : {"openai", "anthropic"}) {
    // A grounded answer (cached), then a rejection whose message echoes the key.
    TestHttpServer server({answer(provider, grounded_content(r)), status(401, "invalid x-api-key " + kKey)});
    expect_wire(server, provider);
    r.configure(provider, server.url(), {{"cache", true}});
    for (const std::vector<std::string>& extra : {std::vector<std::string>{}, std::vector<std::string>{"--no-cache"}}) {
      std::vector<std::string> all = args;
      all.insert(all.end(), extra.begin(), extra.end());
      RunResult result = run_cli(r, "review", all, cli_env(provider));
      printed += result.out + result.err;
      for (const auto& entry : fs::directory_iterator(reports)) {
        std::string content = read_file(entry.path());
        INFO(entry.path());
        CHECK_FALSE(content.empty());
        CHECK(content.find(kKey) == std::string::npos);
      }
    }
    CHECK(server.violations().empty());  // the key arrived in the provider's header
    REQUIRE(server.requests().size() == 2);
    for (const auto& request : server.requests()) CHECK(request.body.find(kKey) == std::string::npos);
  }
  CHECK(printed.find(kKey) == std::string::npos);
  CHECK(printed.find("rejected the key in $ANTHROPIC_API_KEY") != std::string::npos);
  int cached = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(r.repo) / ".git" / "patchgate")) {
    if (!entry.is_regular_file()) continue;
    ++cached;
    INFO(entry.path());
    CHECK(read_file(entry.path()).find(kKey) == std::string::npos);
  }
  CHECK(cached >= 2);
}

TEST_CASE("review: a secret planted in the diff is redacted from every request", "[review]") {
  const std::string secret = "AKIA4PATCHGATETEST77";
  ReviewRepo r("\n// awsKeyID is the limiter's metrics uploader.\nconst awsKeyID = \"" + secret + "\"\n");
  TestHttpServer server({answer("openai", review_content({}))});
  expect_wire(server, "openai");
  r.configure("openai", server.url());
  RunResult result = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
  INFO(result.err);
  CHECK(result.code == 0);
  REQUIRE(server.requests().size() == 1);
  for (const auto& request : server.requests()) {
    CHECK(request.body.find(secret) == std::string::npos);
    CHECK(request.body.find("awsKeyID") != std::string::npos);  // the line went, its secret did not
  }
  json report = review_report(result);
  CHECK(report["review"]["redactions"].get<int>() >= 1);
}

TEST_CASE("review --dry-run prints the prompt, the schema and the packet and sends nothing", "[review]") {
  ReviewRepo r;
  write_file(fs::path(r.repo) / ".patchgate/review-notes.md", "Limiter.mu guards tokens and last; helpers expect it held.\n");
  git(r.repo, {"add", ".patchgate/review-notes.md"});
  TestHttpServer server({answer("openai", review_content({}))});
  r.configure("openai", server.url());
  RunResult result = run_cli(r, "review", {"--dry-run", "--token-budget", "5000"}, cli_env("openai", ""));  // no key needed
  INFO(result.err);
  CHECK(result.code == 0);
  CHECK(result.out.find("budget 5000") != std::string::npos);
  CHECK(result.out.find("helpers expect it held") != std::string::npos);  // the repository's notes
  for (const std::string heading : {"## System prompt", "## Output schema", "## Packet"})
    CHECK(result.out.find(heading) != std::string::npos);
  CHECK(result.out.find("func (l *Limiter) topUp()") != std::string::npos);
  CHECK(result.out.find("l.topUp()") != std::string::npos);
  CHECK(result.out.find("go-double-lock") != std::string::npos);
  CHECK(result.out.find("\"line_start\"") != std::string::npos);
  CHECK(server.requests().empty());
}

TEST_CASE("review: answers are cached by packet, and --no-cache asks again", "[review]") {
  ReviewRepo r;
  TestHttpServer server({answer("openai", grounded_content(r))});
  r.configure("openai", server.url(), {{"cache", true}});
  RunResult first = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
  CHECK(first.code == 1);
  CHECK(review_report(first)["review"]["status"] == "ran");
  RunResult second = run_cli(r, "review", {"--format", "json"}, cli_env("openai"));
  CHECK(second.code == 1);
  json report = review_report(second);
  CHECK(report["review"]["status"] == "cached");
  CHECK(report["review"]["grounded"] == 1);
  CHECK(server.requests().size() == 1);
  RunResult third = run_cli(r, "review", {"--format", "json", "--no-cache"}, cli_env("openai"));
  CHECK(review_report(third)["review"]["status"] == "ran");
  CHECK(server.requests().size() == 2);
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(r.repo) / ".git/patchgate/review")) {
    ++entries;
    json cached = json::parse(read_file(entry.path()));
    CHECK(cached.size() == 1);  // the answer only
    CHECK(cached.contains("content"));
  }
  CHECK(entries == 1);
}

TEST_CASE("review: a missing key is a failed review naming the variable, and required=false makes it a warning", "[review]") {
  ReviewRepo r;
  TestHttpServer server({answer("openai", review_content({}))});
  SECTION("required") {
    r.configure("openai", server.url());
    RunResult result = run_cli(r, "review", {}, cli_env("openai", ""));
    CHECK(result.code == 3);
    CHECK(result.err.find("set $OPENAI_API_KEY or review.api_key_env") != std::string::npos);
  }
  SECTION("review.required = false") {
    r.configure("openai", server.url(), {{"required", false}});
    RunResult result = run_cli(r, "review", {}, cli_env("openai", ""));
    CHECK(result.code == 0);
    CHECK(result.err.find("WARNING") != std::string::npos);
  }
  SECTION("a named variable") {
    r.configure("openai", server.url(), {{"api_key_env", "PATCHGATE_TEST_REVIEW_KEY"}});
    RunResult result = run_cli(r, "review", {}, cli_env("openai"));
    CHECK(result.code == 3);
    CHECK(result.err.find("set $PATCHGATE_TEST_REVIEW_KEY") != std::string::npos);
  }
  CHECK(server.requests().empty());
}

TEST_CASE("review: a base_url from .patchgate.json gets the key only on the provider's host or a listed one", "[review]") {
  // A pull request can edit .patchgate.json; CI must not post the key to the author's server.
  ReviewRepo r;
  r.configure("openai", "http://collector.example.invalid:9", {{"timeout", "2s"}, {"connect_timeout", "2s"}});
  RunResult refused = run_cli(r, "review", {}, cli_env("openai"));
  CHECK(refused.code == 2);
  CHECK(refused.err.find("collector.example.invalid") != std::string::npos);
  CHECK(refused.err.find("PATCHGATE_REVIEW_HOSTS") != std::string::npos);
  CHECK(refused.err.find(kKey) == std::string::npos);

  auto env = cli_env("openai");
  env["PATCHGATE_REVIEW_HOSTS"] = "other.example, collector.example.invalid";
  RunResult listed = run_cli(r, "review", {}, env);
  CHECK(listed.code == 3);  // allowed, then the host does not resolve: a failed review, not a refusal
  CHECK(listed.err.find("PATCHGATE_REVIEW_HOSTS") == std::string::npos);
  CHECK(listed.err.find(kKey) == std::string::npos);
}

TEST_CASE("gate --review: the packet holds the static findings and the report holds both", "[review]") {
  ReviewRepo r;
  TestHttpServer server({answer("openai", grounded_content(r))});
  expect_wire(server, "openai");
  SECTION("review.enabled runs it") {
    r.configure("openai", server.url(), {{"enabled", true}});
    RunResult result = run_cli(r, "gate", {"--format", "json"}, cli_env("openai"));
    INFO(result.err << violations_text(server));
    CHECK(result.code == 1);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].body.find("go-double-lock") != std::string::npos);
    json report = review_report(result);
    CHECK(findings_from(report, "model").size() == 1);
    CHECK_FALSE(findings_from(report, "static").empty());
    bool ran = false;
    for (const auto& stage : report["stages"]) ran |= stage["name"] == "review" && stage["status"] == "ran";
    CHECK(ran);
  }
  SECTION("--no-review skips it") {
    r.configure("openai", server.url(), {{"enabled", true}});
    RunResult result = run_cli(r, "gate", {"--format", "json", "--no-review"}, cli_env("openai"));
    json report = review_report(result);
    bool skipped = false;
    for (const auto& stage : report["stages"]) skipped |= stage["name"] == "review" && stage["status"] == "skipped";
    CHECK(skipped);
    CHECK(server.requests().empty());
  }
  SECTION("a failed review under --fail-open leaves the verdict to the findings") {
    TestHttpServer broken({status(503, "overloaded")});
    r.configure("openai", broken.url(), {{"enabled", true}});
    RunResult result = run_cli(r, "gate", {"--format", "json", "--fail-open"}, cli_env("openai"));
    CHECK(result.code == 1);  // the static double lock still blocks
    CHECK(result.err.find("WARNING") != std::string::npos);
  }
}

TEST_CASE("review client: backoff, Retry-After capped and logged, no retry on 400", "[review]") {
  setenv("no_proxy", "127.0.0.1,localhost", 1);
  TestHttpServer server({status(503, "busy", {{"Retry-After", "120"}}), status(500, "oops"), status(529, "overloaded"),
                         answer("openai", review_content({}))});
  review::ClientSettings settings;
  settings.config.provider = "openai";
  settings.config.base_url = server.url() + "/v1/";  // a trailing /v1 is not doubled
  settings.config.model = kModel;
  settings.config.retries = 3;
  settings.key = kKey;
  settings.key_env = "OPENAI_API_KEY";
  std::vector<std::chrono::milliseconds> slept;
  std::vector<std::string> log;
  settings.sleep = [&](std::chrono::milliseconds delay) { slept.push_back(delay); };
  settings.log = [&](const std::string& line) { log.push_back(line); };
  review::ChatRequest chat{"system", "packet", json::parse(read_file(fs::path(source_dir()) / "prompts/review-output.schema.json")), "", ""};
  expect_wire(server, "openai");
  review::ModelAnswer result = review::ask_model(chat, settings);
  CHECK(server.violations().empty());
  CHECK(result.status == "ran");
  CHECK(result.attempts == 4);
  REQUIRE(slept.size() == 3);
  CHECK(slept[0] == std::chrono::seconds(60));
  CHECK(slept[1] <= std::chrono::seconds(2));
  CHECK(slept[2] <= std::chrono::seconds(4));
  REQUIRE(log.size() == 3);
  CHECK(log[0].find("capped") != std::string::npos);

  TestHttpServer bad_request({status(400, "messages: field required")});
  settings.config.base_url = bad_request.url();
  slept.clear();
  review::ModelAnswer rejected = review::ask_model(chat, settings);
  CHECK(rejected.status == "failed");
  CHECK(rejected.attempts == 1);
  CHECK(slept.empty());
  CHECK(rejected.error.find("messages: field required") != std::string::npos);

  // OpenAI's reasoning models take only their default temperature: asked again without it, at once.
  TestHttpServer picky({status(400, "Unsupported value: 'temperature' does not support 0 with this model."),
                        answer("openai", "not json"), answer("openai", review_content({}))});
  settings.config.base_url = picky.url();
  slept.clear();
  review::ModelAnswer repaired = review::ask_model(chat, settings);
  CHECK(repaired.status == "ran");
  CHECK(repaired.attempts == 3);
  CHECK(slept.empty());
  auto requests = picky.requests();
  REQUIRE(requests.size() == 3);
  CHECK(json::parse(requests[0].body).contains("temperature"));
  CHECK_FALSE(json::parse(requests[1].body).contains("temperature"));
  CHECK_FALSE(json::parse(requests[2].body).contains("temperature"));  // the repair round remembers
}

TEST_CASE("review pieces: endpoints, Retry-After dates, scrubbing, token fields", "[review]") {
  ReviewConfig config;
  config.provider = "openai";
  config.base_url = "http://127.0.0.1:8000/v1";
  CHECK(review::endpoint_url(config) == "http://127.0.0.1:8000/v1/chat/completions");
  config.base_url = "https://api.openai.com/";
  CHECK(review::endpoint_url(config) == "https://api.openai.com/v1/chat/completions");
  config.base_url.clear();
  CHECK(review::endpoint_url(config) == "https://api.openai.com/v1/chat/completions");
  config.provider = "anthropic";
  CHECK(review::endpoint_url(config) == "https://api.anthropic.com/v1/messages");
  config.provider = "ollama";
  CHECK(review::endpoint_url(config) == "http://127.0.0.1:11434/api/chat");

  auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(review::parse_retry_after("3", now) == std::chrono::seconds(3));
  CHECK(review::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == std::chrono::seconds(30));
  CHECK(review::parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == std::chrono::seconds(0));
  CHECK_FALSE(review::parse_retry_after("soon", now));

  std::string scrubbed = review::scrub_provider_text("Incorrect API key provided: sk-test-***-123.\nSee docs " + kKey, kKey);
  CHECK(scrubbed.find("***") == std::string::npos);
  CHECK(scrubbed.find(kKey) == std::string::npos);
  CHECK(scrubbed.find('\n') == std::string::npos);

  config.provider = "openai";
  config.model = kModel;
  review::ChatRequest chat{"s", "u", json::object(), "", ""};
  json official = json::parse(review::build_provider_request(config, kKey, chat).body);
  CHECK(official.contains("max_completion_tokens"));
  config.base_url = "http://127.0.0.1:8080";
  json compatible = json::parse(review::build_provider_request(config, kKey, chat).body);
  CHECK(compatible.contains("max_tokens"));
}
