#include "report/json_reader.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/shard.h"

namespace patchgate::report {

namespace {

using nlohmann::json;

// Field access that names what is wrong instead of throwing nlohmann's message.
class Reader {
 public:
  explicit Reader(const std::string& name) : name_(name) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw UserError(kExitUsage, name_ + ": " + where + ": " + what,
                    "merge JSON reports written by `patchgate check|race|gate --format json`");
  }
  const json& member(const json& object, const char* key, const std::string& where) const {
    if (!object.is_object()) fail(where, "expected an object");
    auto it = object.find(key);
    if (it == object.end()) fail(where, std::string("missing \"") + key + "\"");
    return *it;
  }
  std::string text(const json& object, const char* key, const std::string& where, bool required = true) const {
    if (!required && (!object.contains(key) || object[key].is_null())) return "";
    const json& value = member(object, key, where);
    if (!value.is_string()) fail(where + "." + key, "expected a string");
    return value.get<std::string>();
  }
  long long number(const json& object, const char* key, const std::string& where, bool required = true) const {
    if (!required && !object.contains(key)) return 0;
    const json& value = member(object, key, where);
    if (!value.is_number_integer()) fail(where + "." + key, "expected an integer");
    return value.get<long long>();
  }
  bool flag(const json& object, const char* key, const std::string& where, bool required = true) const {
    if (!required && !object.contains(key)) return false;
    const json& value = member(object, key, where);
    if (!value.is_boolean()) fail(where + "." + key, "expected true or false");
    return value.get<bool>();
  }
  const json& array(const json& object, const char* key, const std::string& where, bool required = true) const {
    static const json empty = json::array();
    if (!required && !object.contains(key)) return empty;
    const json& value = member(object, key, where);
    if (!value.is_array()) fail(where + "." + key, "expected an array");
    return value;
  }

 private:
  const std::string& name_;
};

Location location_of(const Reader& r, const json& item, const std::string& where) {
  Location location;
  location.file = r.text(item, "file", where);
  location.line = static_cast<int>(r.number(item, "line", where));
  location.column = static_cast<int>(r.number(item, "column", where));
  location.end_line = static_cast<int>(r.number(item, "end_line", where, false));
  location.end_column = static_cast<int>(r.number(item, "end_column", where, false));
  return location;
}

Finding finding_of(const Reader& r, const json& item, const std::string& where) {
  Finding f;
  f.rule = r.text(item, "rule", where);
  auto severity = parse_severity(r.text(item, "severity", where));
  if (!severity) r.fail(where + ".severity", "expected error, warning or note");
  f.severity = *severity;
  f.category = r.text(item, "category", where);
  f.checklist = static_cast<int>(r.number(item, "checklist", where));
  f.message = r.text(item, "message", where);
  f.location = location_of(r, item, where);
  const json& related = r.array(item, "related", where);
  for (size_t i = 0; i < related.size(); ++i) {
    std::string at = where + ".related[" + std::to_string(i) + "]";
    f.related.push_back({location_of(r, related[i], at), r.text(related[i], "message", at)});
  }
  f.fix = r.text(item, "fix", where);
  f.enclosing_function = r.text(item, "function", where);
  f.snippet = r.text(item, "snippet", where);
  f.fingerprint = r.text(item, "fingerprint", where);
  f.source = r.text(item, "source", where);
  f.ai_authored = r.flag(item, "ai_authored", where);
  f.on_changed_line = r.flag(item, "on_changed_line", where, false);
  f.stack = r.text(item, "stack", where, false);
  if (item.contains("confidence") && item["confidence"].is_number()) f.confidence = item["confidence"].get<double>();
  f.advisory = r.flag(item, "advisory", where, false);
  return f;
}

}  // namespace

Report read_json_report(const std::string& text, const std::string& name) {
  Reader r(name);
  json root = json::parse(text, nullptr, false);
  if (root.is_discarded()) r.fail("(top level)", "not valid JSON");
  if (!root.is_object()) r.fail("(top level)", "expected a JSON object");
  std::string schema = r.text(root, "schema", "(top level)");
  if (schema != "patchgate.report/1") r.fail("schema", "expected \"patchgate.report/1\", got \"" + schema + "\"");
  Report report;
  report.tool_version = r.text(r.member(root, "tool", "(top level)"), "version", "tool");
  report.change = r.text(root, "change", "(top level)");
  std::string verdict = r.text(root, "verdict", "(top level)");
  if (verdict == "pass") report.verdict = Verdict::kPass;
  else if (verdict == "block") report.verdict = Verdict::kBlock;
  else if (verdict == "error") report.verdict = Verdict::kError;
  else r.fail("verdict", "expected pass, block or error");
  auto fail_on = parse_fail_on(r.text(root, "fail_on", "(top level)"));
  if (!fail_on) r.fail("fail_on", "expected error, warning, note or never");
  report.fail_on = *fail_on;
  const json& ai = r.member(root, "ai", "(top level)");
  report.ai_authored = r.flag(ai, "authored", "ai");
  report.ai_reason = r.text(ai, "reason", "ai");
  const json& summary = r.member(root, "summary", "(top level)");
  report.suppressed = static_cast<int>(r.number(summary, "suppressed", "summary", false));
  report.baselined = static_cast<int>(r.number(summary, "baselined", "summary", false));
  const json& findings = r.array(root, "findings", "(top level)");
  for (size_t i = 0; i < findings.size(); ++i)
    report.findings.push_back(finding_of(r, findings[i], "findings[" + std::to_string(i) + "]"));
  const json& files = r.array(root, "files", "(top level)");
  for (size_t i = 0; i < files.size(); ++i) {
    std::string at = "files[" + std::to_string(i) + "]";
    FileRecord file;
    file.path = r.text(files[i], "path", at);
    file.old_path = r.text(files[i], "old_path", at, false);
    file.status = r.text(files[i], "status", at);
    file.language = r.text(files[i], "language", at);
    file.analysed = r.flag(files[i], "analysed", at);
    file.syntax_errors = r.flag(files[i], "syntax_errors", at);
    file.changed_lines = static_cast<int>(r.number(files[i], "changed_lines", at));
    report.files.push_back(std::move(file));
  }
  for (const auto& item : r.array(root, "skipped", "(top level)"))
    report.skipped.push_back({r.text(item, "path", "skipped"), r.text(item, "reason", "skipped")});
  for (const auto& item : r.array(root, "errors", "(top level)"))
    report.errors.push_back({r.text(item, "file", "errors"), r.text(item, "message", "errors")});
  for (const auto& item : r.array(root, "stages", "(top level)", false))
    report.stages.push_back({r.text(item, "name", "stages"), r.text(item, "status", "stages"), r.text(item, "detail", "stages")});
  if (root.contains("race")) {
    for (const auto& item : r.array(r.member(root, "race", "(top level)"), "packages", "race")) {
      RacePackageRecord pkg;
      pkg.dir = r.text(item, "dir", "race.packages");
      pkg.status = r.text(item, "status", "race.packages");
      pkg.cached = r.flag(item, "cached", "race.packages");
      pkg.elapsed_ms = r.number(item, "elapsed_ms", "race.packages");
      pkg.command = r.text(item, "command", "race.packages");
      pkg.note = r.text(item, "note", "race.packages");
      report.race_packages.push_back(std::move(pkg));
    }
  }
  if (root.contains("review")) {
    const json& item = r.member(root, "review", "(top level)");
    ReviewRecord review;
    review.provider = r.text(item, "provider", "review");
    review.model = r.text(item, "model", "review");
    review.status = r.text(item, "status", "review");
    review.verdict = r.text(item, "verdict", "review");
    review.summary = r.text(item, "summary", "review");
    review.grounded = static_cast<int>(r.number(item, "grounded", "review"));
    for (const auto& u : r.array(item, "ungrounded", "review")) {
      UngroundedRecord record;
      record.file = r.text(u, "file", "review.ungrounded");
      record.line_start = static_cast<int>(r.number(u, "line_start", "review.ungrounded"));
      record.line_end = static_cast<int>(r.number(u, "line_end", "review.ungrounded"));
      record.quote = r.text(u, "quote", "review.ungrounded");
      record.title = r.text(u, "title", "review.ungrounded");
      record.severity = r.text(u, "severity", "review.ungrounded");
      if (u.contains("confidence") && u["confidence"].is_number()) record.confidence = u["confidence"].get<double>();
      record.reason = r.text(u, "reason", "review.ungrounded");
      review.ungrounded.push_back(std::move(record));
    }
    for (const auto& part : r.array(item, "omitted", "review"))
      if (part.is_string()) review.omitted.push_back(part.get<std::string>());
    review.redactions = static_cast<int>(r.number(item, "redactions", "review", false));
    review.packet_tokens = static_cast<int>(r.number(item, "packet_tokens", "review", false));
    review.attempts = static_cast<int>(r.number(item, "attempts", "review", false));
    review.error = r.text(item, "error", "review", false);
    report.review = std::move(review);
  }
  if (root.contains("shard")) {
    const json& shard = root["shard"];
    Shard parsed{static_cast<int>(r.number(shard, "index", "shard")), static_cast<int>(r.number(shard, "count", "shard"))};
    if (!parse_shard(parsed.str())) r.fail("shard", "expected 1 <= index <= count <= 1000");
    report.shard = parsed.str();
  }
  return report;
}

namespace {

// How much a stage status says went wrong, for keeping the worst across shards.
int badness(const std::string& status) {
  if (status == "failed") return 4;
  if (status == "partial") return 3;
  if (status == "ran") return 2;
  if (status == "cached") return 1;
  return 0;  // skipped
}

}  // namespace

Report merge_reports(const std::vector<std::pair<std::string, Report>>& named_reports) {
  Report out;
  if (named_reports.empty()) return out;

  // Shards: all or none, one count, each index once.
  int count = 0;
  std::map<int, std::string> seen;
  for (const auto& [name, report] : named_reports) {
    if (report.shard.empty()) continue;
    Shard shard = *parse_shard(report.shard);
    if (count != 0 && shard.count != count)
      throw UserError(kExitUsage, name + ": shard " + shard.str() + " is from a run split " + std::to_string(shard.count) +
                                      " ways, the others " + std::to_string(count) + " ways",
                      "merge the reports of one split");
    count = shard.count;
    if (auto [it, fresh] = seen.emplace(shard.index, name); !fresh)
      throw UserError(kExitUsage, name + ": shard " + shard.str() + " is also in " + it->second,
                      "pass each shard's report once");
  }
  if (count != 0) {
    if (seen.size() != named_reports.size())
      throw UserError(kExitUsage, "some reports are shards and some are not", "merge the reports of one split");
    std::string missing;
    for (int i = 1; i <= count; ++i)
      if (!seen.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    if (!missing.empty())
      throw UserError(kExitUsage, "shard " + missing + " missing: a verdict over part of the packages would pass what it never saw",
                      "rerun the shard that did not finish, then merge all " + std::to_string(count) + " reports");
  }

  std::set<std::string> changes, fingerprints, skipped, errors, packages;
  std::map<std::string, size_t> file_index;  // path -> its place in out.files
  std::map<std::string, size_t> stage_index;
  out.fail_on = FailOn::kNever;
  for (const auto& [name, report] : named_reports) {
    changes.insert(report.change);
    if (static_cast<int>(report.fail_on) < static_cast<int>(out.fail_on)) out.fail_on = report.fail_on;
    if (report.ai_authored && !out.ai_authored) {
      out.ai_authored = true;
      out.ai_reason = report.ai_reason;
    }
    if (out.ai_reason.empty()) out.ai_reason = report.ai_reason;
    out.suppressed += report.suppressed;
    if (report.review && !out.review) out.review = report.review;  // one review per change, run once
    out.baselined += report.baselined;
    if (report.verdict == Verdict::kError) out.verdict = Verdict::kError;
    for (const auto& f : report.findings)
      if (fingerprints.insert(f.rule + "\n" + f.fingerprint + "\n" + f.location.file + ":" + std::to_string(f.location.line)).second)
        out.findings.push_back(f);
    for (const auto& file : report.files) {
      auto [it, fresh] = file_index.emplace(file.path, out.files.size());
      if (fresh) out.files.push_back(file);
      else out.files[it->second].analysed = out.files[it->second].analysed || file.analysed;
    }
    for (const auto& s : report.skipped)
      if (skipped.insert(s.path + "\n" + s.reason).second) out.skipped.push_back(s);
    for (const auto& e : report.errors)
      if (errors.insert(e.file + "\n" + e.message).second) out.errors.push_back(e);
    for (const auto& pkg : report.race_packages)
      if (packages.insert(pkg.dir).second) out.race_packages.push_back(pkg);
    for (const auto& stage : report.stages) {
      std::string detail = report.shard.empty() ? stage.detail : "shard " + report.shard + ": " + stage.detail;
      auto [it, fresh] = stage_index.emplace(stage.name, out.stages.size());
      if (fresh) {
        out.stages.push_back({stage.name, stage.status, detail});
        continue;
      }
      StageRecord& merged = out.stages[it->second];
      if (badness(stage.status) > badness(merged.status)) merged.status = stage.status;
      merged.detail += "; " + detail;
    }
  }
  for (const auto& change : changes) out.change += (out.change.empty() ? "" : "; ") + change;
  std::sort(out.findings.begin(), out.findings.end(), finding_less);
  std::sort(out.files.begin(), out.files.end(), [](const FileRecord& a, const FileRecord& b) { return a.path < b.path; });
  std::sort(out.race_packages.begin(), out.race_packages.end(),
            [](const RacePackageRecord& a, const RacePackageRecord& b) { return a.dir < b.dir; });
  return out;
}

}  // namespace patchgate::report
