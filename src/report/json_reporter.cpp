#include <nlohmann/json.hpp>

#include "core/shard.h"

#include "report/escape.h"
#include "report/reporter.h"

namespace patchgate::report {

namespace {

nlohmann::ordered_json location_json(const Location& location) {
  return {{"file", location.file}, {"line", location.line}, {"column", location.column}};
}

nlohmann::ordered_json finding_json(const Finding& f) {
  nlohmann::ordered_json related = nlohmann::ordered_json::array();
  for (const auto& r : f.related) {
    nlohmann::ordered_json item = location_json(r.location);
    item["message"] = r.message;
    related.push_back(std::move(item));
  }
  nlohmann::ordered_json out = {
      {"rule", f.rule},
      {"severity", to_string(f.severity)},
      {"category", f.category},
      {"checklist", f.checklist},
      {"message", f.message},
      {"file", f.location.file},
      {"line", f.location.line},
      {"column", f.location.column},
      {"end_line", f.location.end_line},
      {"end_column", f.location.end_column},
      {"related", std::move(related)},
      {"fix", f.fix},
      {"function", f.enclosing_function},
      {"snippet", f.snippet},
      {"fingerprint", f.fingerprint},
      {"source", f.source},
      {"ai_authored", f.ai_authored},
  };
  if (f.source != "static") {
    out["on_changed_line"] = f.on_changed_line;
    out["stack"] = f.stack;
  }
  if (f.source == "model") {
    out["confidence"] = f.confidence;
    out["advisory"] = f.advisory;
  }
  return out;
}

nlohmann::ordered_json review_json(const ReviewRecord& review) {
  nlohmann::ordered_json ungrounded = nlohmann::ordered_json::array();
  for (const auto& u : review.ungrounded)
    ungrounded.push_back({{"file", u.file},
                          {"line_start", u.line_start},
                          {"line_end", u.line_end},
                          {"quote", u.quote},
                          {"title", u.title},
                          {"severity", u.severity},
                          {"confidence", u.confidence},
                          {"reason", u.reason}});
  return {{"provider", review.provider},
          {"model", review.model},
          {"status", review.status},
          {"verdict", review.verdict},
          {"summary", review.summary},
          {"grounded", review.grounded},
          {"ungrounded", std::move(ungrounded)},
          {"omitted", review.omitted},
          {"redactions", review.redactions},
          {"packet_tokens", review.packet_tokens},
          {"attempts", review.attempts},
          {"error", review.error}};
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  int errors = 0, warnings = 0, notes = 0;
  for (const auto& f : report.findings) {
    findings.push_back(finding_json(f));
    (f.severity == Severity::kError ? errors : f.severity == Severity::kWarning ? warnings : notes)++;
  }
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& file : report.files) {
    nlohmann::ordered_json item = {{"path", file.path},
                           {"status", file.status},
                           {"language", file.language},
                           {"analysed", file.analysed},
                           {"syntax_errors", file.syntax_errors},
                           {"changed_lines", file.changed_lines}};
    if (!file.old_path.empty()) item["old_path"] = file.old_path;
    files.push_back(std::move(item));
  }
  nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
  for (const auto& s : report.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  nlohmann::ordered_json errors_json = nlohmann::ordered_json::array();
  for (const auto& e : report.errors) errors_json.push_back({{"file", e.file}, {"message", e.message}});

  nlohmann::ordered_json root = {
      {"schema", "patchgate.report/1"},
      {"tool", {{"name", "patchgate"}, {"version", report.tool_version}}},
      {"change", report.change},
      {"verdict", to_string(report.verdict)},
      {"fail_on", to_string(report.fail_on)},
      {"ai", {{"authored", report.ai_authored}, {"reason", report.ai_reason}}},
      {"summary", {{"errors", errors}, {"warnings", warnings}, {"notes", notes}, {"suppressed", report.suppressed},
                   {"baselined", report.baselined}}},
      {"findings", std::move(findings)},
      {"files", std::move(files)},
      {"skipped", std::move(skipped)},
      {"errors", std::move(errors_json)},
  };
  if (!report.shard.empty()) {
    auto shard = parse_shard(report.shard);
    if (shard) root["shard"] = {{"index", shard->index}, {"count", shard->count}};
  }
  if (!report.stages.empty()) {
    nlohmann::ordered_json stages = nlohmann::ordered_json::array();
    for (const auto& stage : report.stages)
      stages.push_back({{"name", stage.name}, {"status", stage.status}, {"detail", stage.detail}});
    root["stages"] = std::move(stages);
  }
  if (!report.race_packages.empty()) {
    nlohmann::ordered_json packages = nlohmann::ordered_json::array();
    for (const auto& pkg : report.race_packages)
      packages.push_back({{"dir", pkg.dir},
                          {"status", pkg.status},
                          {"cached", pkg.cached},
                          {"elapsed_ms", pkg.elapsed_ms},
                          {"command", pkg.command},
                          {"note", pkg.note}});
    root["race"] = {{"packages", std::move(packages)}};
  }
  if (report.review) root["review"] = review_json(*report.review);
  // Source text may hold invalid UTF-8; replace it rather than fail the whole report.
  out << inert_json(root.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)) << '\n';
}

}  // namespace patchgate::report
