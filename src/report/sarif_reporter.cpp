// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers); checked in the tests with
// Microsoft's validator (npm @microsoft/sarif-multitool).
#include <cctype>
#include <map>
#include <string_view>
#include <nlohmann/json.hpp>

#include "checks/registry.h"
#include "checks/rule_docs.h"
#include "report/escape.h"
#include "report/reporter.h"
#include "runners/race_runner.h"

namespace patchgate::report {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kInformationUri = "https://github.com/patchgate/patchgate";
// Every artifact URI is relative to the repository root, which a consumer (code scanning, an
// IDE) knows and the report does not.
constexpr const char* kSourceRoot = "SRCROOT";
constexpr const char* kFingerprintKey = "patchgate/v1";

const char* level(Severity severity) {
  return severity == Severity::kError ? "error" : severity == Severity::kWarning ? "warning" : "note";
}

json text_message(const std::string& text) { return {{"text", printable(text, {.tab = true, .newline = true})}}; }

// "go-double-lock" -> "GoDoubleLock": SARIF's rule name is an identifier-like label.
std::string rule_name(const std::string& id) {
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    name.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return name;
}

// The body of the section `## title` of a rule doc, without its heading.
std::string doc_section(std::string_view doc, std::string_view title) {
  std::string heading = "\n## " + std::string(title) + "\n";
  size_t start = doc.find(heading);
  if (start == std::string_view::npos) return "";
  start += heading.size();
  size_t end = doc.find("\n## ", start);
  std::string_view body = doc.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  while (!body.empty() && (body.front() == '\n' || body.front() == ' ')) body.remove_prefix(1);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  return std::string(body);
}

// The first paragraph after the title.
std::string doc_lead(std::string_view doc) {
  size_t start = doc.find("\n\n");
  if (start == std::string_view::npos) return "";
  start += 2;
  size_t end = doc.find("\n\n", start);
  std::string lead(doc.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  for (char& c : lead)
    if (c == '\n') c = ' ';
  return lead;
}

const checks::RuleInfo* find_rule_info(const std::string& id) {
  if (const auto* entry = checks::find_rule(id)) return &entry->info;
  for (const auto& info : runners::runtime_rules())
    if (info.id == id) return &info;
  return nullptr;
}

// A reportingDescriptor from the registry and the embedded doc; a rule patchgate does not
// know (a model's finding, a rule of a newer version) gets what its first finding says.
json rule_descriptor(const std::string& id, const Finding& example) {
  const checks::RuleInfo* info = find_rule_info(id);
  std::string category = info ? info->category : example.category;
  int checklist = info ? info->checklist : example.checklist;
  Severity severity = info ? info->severity : example.severity;
  json rule = {{"id", id}, {"name", rule_name(id)}};
  std::string summary = checks::rule_summary(id);
  if (summary.empty() && example.source == "model")
    summary = "A claim of patchgate's second-model review whose quoted line was found at the cited place.";
  rule["shortDescription"] = text_message(summary.empty() ? category + " finding reported by patchgate" : summary);
  if (example.source == "model")
    rule["fullDescription"] = text_message(
        "A second model was asked to attack the patch and answered with this claim. patchgate checked that the line "
        "it quotes is in the new revision at (or within 3 lines of) the lines it cites; the claim itself is the "
        "model's, with the confidence it gave.");
  if (auto doc = checks::rule_doc(id)) {
    std::string full = doc_lead(*doc);
    std::string why = doc_section(*doc, "Why it matters");
    if (!why.empty()) full += "\n\n" + why;
    rule["fullDescription"] = text_message(full);
    rule["help"] = {{"text", printable(*doc, {.tab = true, .newline = true})},
                    {"markdown", printable(*doc, {.tab = true, .newline = true})}};
  }
  rule["defaultConfiguration"] = {{"level", level(severity)}};
  json tags = json::array({"concurrency"});
  if (!category.empty()) tags.push_back(category);
  rule["properties"] = {{"category", category}, {"checklist", checklist}, {"tags", std::move(tags)}};
  return rule;
}

// A physicalLocation, or null when the location names no file. `line_text` (the primary
// line's text) turns byte columns into code point columns; without it they are kept.
// A location with no line is about the whole file: it gets the file's first line, because
// code scanning places a result by its region (and the validator warns about results
// without one); `region_always` false leaves it out instead.
json physical_location(const Location& at, const std::string& line_text, const std::string& snippet,
                       bool region_always = true) {
  if (at.file.empty()) return nullptr;
  json physical = {{"artifactLocation", {{"uri", relative_uri(at.file)}, {"uriBaseId", kSourceRoot}}}};
  if (at.line <= 0) {
    if (region_always) physical["region"] = {{"startLine", 1}};
    return physical;
  }
  json region = {{"startLine", at.line}};
  if (at.column > 0) region["startColumn"] = code_point_column(line_text, at.column);
  if (at.end_line >= at.line) {
    region["endLine"] = at.end_line;
    // An empty range (end == start, as the runners write for a whole line) is left to mean
    // the rest of the line.
    bool ordered = at.end_line > at.line || at.end_column > at.column;
    if (at.column > 0 && at.end_column > 0 && ordered)
      region["endColumn"] = at.end_line == at.line ? code_point_column(line_text, at.end_column) : at.end_column;
  }
  if (!snippet.empty()) region["snippet"] = text_message(snippet);
  physical["region"] = std::move(region);
  return physical;
}

json location_json(const Location& at, const std::string& line_text = "", const std::string& snippet = "",
                   bool region_always = true) {
  json physical = physical_location(at, line_text, snippet, region_always);
  if (physical.is_null()) return nullptr;
  return {{"physicalLocation", std::move(physical)}};
}

json result_json(const Finding& f, int rule_index) {
  std::string text = f.message;
  if (!f.fix.empty()) text += "\nfix: " + f.fix;
  // An advisory model finding never blocks, so it is shown as a note whatever the model's severity.
  const char* result_level = f.source == "model" && f.advisory ? "note" : level(f.severity);
  json result = {
      {"ruleId", f.rule}, {"ruleIndex", rule_index}, {"level", result_level}, {"message", text_message(text)}};

  json primary = location_json(f.location, f.snippet, f.snippet);
  if (!primary.is_null()) {
    if (!f.enclosing_function.empty())
      primary["logicalLocations"] = json::array({{{"name", printable(f.enclosing_function)},
                                                  {"fullyQualifiedName", printable(f.enclosing_function)},
                                                  {"kind", "function"}}});
    result["locations"] = json::array({primary});
  }

  json related = json::array();
  int id = 1;
  for (const auto& r : f.related) {
    json item = location_json(r.location);
    if (item.is_null()) continue;
    item = json{{"id", id++}, {"physicalLocation", item["physicalLocation"]}, {"message", text_message(r.message)}};
    related.push_back(std::move(item));
  }
  if (!related.empty()) result["relatedLocations"] = std::move(related);
  if (!f.fingerprint.empty()) result["partialFingerprints"] = {{kFingerprintKey, f.fingerprint}};

  // Runtime findings come from stacks: a thread flow from where the goroutines started, through
  // the callers, to the primary line (the race's current access, the stuck frame).
  if (f.source != "static" && f.source != "model" && !primary.is_null()) {
    json steps = json::array();
    for (auto r = f.related.rbegin(); r != f.related.rend(); ++r) {
      json step = location_json(r->location);
      if (step.is_null()) continue;
      step["message"] = text_message(r->message);
      steps.push_back({{"location", std::move(step)}});
    }
    json last = location_json(f.location, f.snippet);
    last["message"] = text_message(f.message);
    steps.push_back({{"location", std::move(last)}, {"importance", "essential"}});
    result["codeFlows"] = json::array({{{"message", text_message("how the " + f.source + " run reached this line")},
                                        {"threadFlows", json::array({{{"locations", std::move(steps)}}})}}});
  }

  json properties = {{"category", f.category}, {"checklist", f.checklist}, {"source", f.source}};
  if (!f.location.file.empty() && f.location.line <= 0) properties["wholeFile"] = true;
  if (!f.fix.empty()) properties["fix"] = printable(f.fix);
  if (f.ai_authored) properties["aiAuthored"] = true;
  if (f.source != "static") {
    properties["onChangedLine"] = f.on_changed_line;
    if (!f.stack.empty()) properties["stack"] = printable(f.stack, {.tab = true, .newline = true});
  }
  if (f.source == "model") {
    properties["confidence"] = f.confidence;
    properties["advisory"] = f.advisory;
    properties["modelSeverity"] = level(f.severity);
  }
  result["properties"] = std::move(properties);
  return result;
}

// What was and was not looked at: analysed and skipped files (with why) and the stages, so a
// code-scanning view is as honest about coverage as the other formats.
json coverage_json(const Report& report) {
  json analysed = json::array(), skipped = json::array(), stages = json::array(), packages = json::array();
  for (const auto& file : report.files)
    if (file.analysed) analysed.push_back(printable(file.path));
  for (const auto& s : report.skipped) skipped.push_back({{"path", printable(s.path)}, {"reason", printable(s.reason)}});
  for (const auto& st : report.stages)
    stages.push_back({{"name", printable(st.name)}, {"status", printable(st.status)}, {"detail", printable(st.detail)}});
  for (const auto& pkg : report.race_packages)
    packages.push_back({{"dir", printable(pkg.dir)}, {"status", printable(pkg.status)}, {"cached", pkg.cached},
                        {"note", printable(pkg.note)}});
  return {{"analysedFiles", std::move(analysed)}, {"skippedFiles", std::move(skipped)}, {"stages", std::move(stages)},
          {"racePackages", std::move(packages)}};
}

json review_json(const ReviewRecord& review) {
  json ungrounded = json::array(), omitted = json::array();
  for (const auto& u : review.ungrounded)
    ungrounded.push_back({{"file", printable(u.file)},
                          {"lineStart", u.line_start},
                          {"lineEnd", u.line_end},
                          {"quote", printable(u.quote, {.tab = true})},
                          {"title", printable(u.title)},
                          {"severity", printable(u.severity)},
                          {"confidence", u.confidence},
                          {"reason", printable(u.reason)}});
  for (const auto& item : review.omitted) omitted.push_back(printable(item));
  return {{"provider", printable(review.provider)},
          {"model", printable(review.model)},
          {"status", printable(review.status)},
          {"verdict", printable(review.verdict)},
          {"summary", printable(review.summary, {.tab = true, .newline = true})},
          {"grounded", review.grounded},
          {"ungrounded", std::move(ungrounded)},
          {"omitted", std::move(omitted)},
          {"redactions", review.redactions},
          {"packetTokens", review.packet_tokens},
          {"attempts", review.attempts},
          {"error", printable(review.error)}};
}

}  // namespace

void write_sarif(const Report& report, std::ostream& out) {
  // Rules referenced by the results, sorted by id; ruleIndex points into this array.
  std::map<std::string, const Finding*> used;
  for (const auto& f : report.findings) used.emplace(f.rule, &f);
  std::map<std::string, int> index;
  json rules = json::array();
  for (const auto& [id, example] : used) {
    index[id] = static_cast<int>(rules.size());
    rules.push_back(rule_descriptor(id, *example));
  }

  json results = json::array();
  for (const auto& f : report.findings) results.push_back(result_json(f, index.at(f.rule)));

  json notifications = json::array();
  for (const auto& e : report.errors) {
    json notification = {{"level", report.verdict == Verdict::kError ? "error" : "warning"},
                         {"message", text_message(e.message)}};
    if (json at = location_json(Location{e.file, 0, 0, 0, 0}, "", "", false); !at.is_null())
      notification["locations"] = json::array({std::move(at)});
    notifications.push_back(std::move(notification));
  }
  json invocation = {{"executionSuccessful", report.verdict != Verdict::kError}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  json run = {
      {"tool",
       {{"driver",
         {{"name", "patchgate"},
          {"version", report.tool_version},
          {"semanticVersion", report.tool_version},
          {"informationUri", kInformationUri},
          {"rules", std::move(rules)}}}}},
      {"invocations", json::array({std::move(invocation)})},
      {"originalUriBaseIds", {{kSourceRoot, {{"description", text_message("the repository root")}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)},
      {"properties",
       {{"change", printable(report.change)},
        {"verdict", to_string(report.verdict)},
        {"failOn", to_string(report.fail_on)},
        {"aiAuthored", report.ai_authored},
        {"aiReason", printable(report.ai_reason)},
        {"suppressed", report.suppressed},
        {"baselined", report.baselined},
        {"coverage", coverage_json(report)}}},
  };
  if (report.review) run["properties"]["review"] = review_json(*report.review);
  json root = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
               {"version", "2.1.0"},
               {"runs", json::array({std::move(run)})}};
  out << inert_json(root.dump(2, ' ', false, json::error_handler_t::replace)) << '\n';
}

}  // namespace patchgate::report
