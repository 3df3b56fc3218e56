#include "core/policy.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/files.h"

namespace patchgate {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kBlock: return "block";
    case Verdict::kError: return "error";
  }
  return "error";
}

bool blocks(const Finding& finding, FailOn fail_on) {
  if (finding.advisory) return false;
  switch (fail_on) {
    case FailOn::kNever: return false;
    case FailOn::kNote: return true;
    case FailOn::kWarning: return finding.severity >= Severity::kWarning;
    case FailOn::kError: return finding.severity >= Severity::kError;
  }
  return true;
}

Verdict decide(const Report& report) {
  for (const auto& finding : report.findings)
    if (blocks(finding, report.fail_on)) return Verdict::kBlock;
  return Verdict::kPass;
}

ExitCode exit_code_for(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return kExitPass;
    case Verdict::kBlock: return kExitBlocked;
    case Verdict::kError: return kExitOperational;
  }
  return kExitOperational;
}

}  // namespace patchgate

namespace patchgate {

namespace {

std::string trim(std::string text) {
  size_t start = text.find_first_not_of(" \t\r");
  size_t end = text.find_last_not_of(" \t\r");
  return start == std::string::npos ? "" : text.substr(start, end - start + 1);
}

}  // namespace

std::vector<Suppression> parse_suppressions(const std::string& path, const std::string& text) {
  std::vector<Suppression> out;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    size_t at = line.find("patchgate:ignore");
    if (at == std::string::npos) continue;
    size_t comment = line.rfind("//", at);
    if (comment == std::string::npos) comment = line.rfind('#', at);
    if (comment == std::string::npos) continue;  // in a string, not a comment
    Suppression s;
    s.file = path;
    s.line = number;
    s.own_line = trim(line.substr(0, comment)).empty();
    std::string rest = line.substr(at + 16);
    size_t dashes = rest.find("--");
    std::string ids = trim(rest.substr(0, dashes));
    if (dashes != std::string::npos) s.reason = trim(rest.substr(dashes + 2));
    std::string id;
    std::istringstream list(ids);
    while (std::getline(list, id, ',')) {
      std::istringstream words(id);
      std::string word;
      while (words >> word) s.rules.push_back(word);
    }
    out.push_back(std::move(s));
  }
  return out;
}

void apply_suppressions(Report& report, const std::function<std::optional<std::string>(const std::string&)>& read) {
  std::map<std::string, std::vector<Suppression>> by_file;
  for (const auto& f : report.findings) {
    if (f.location.file.empty() || by_file.count(f.location.file)) continue;
    auto text = read(f.location.file);
    by_file[f.location.file] = text ? parse_suppressions(f.location.file, *text) : std::vector<Suppression>{};
  }
  std::vector<Finding> kept;
  for (auto& f : report.findings) {
    bool covered = false;
    for (const auto& s : by_file[f.location.file]) {
      int target = s.own_line ? s.line + 1 : s.line;
      if (target != f.location.line || s.reason.empty()) continue;
      for (const auto& rule : s.rules) covered |= rule == f.rule || rule == "all";
    }
    if (covered) {
      ++report.suppressed;
    } else {
      kept.push_back(std::move(f));
    }
  }
  for (const auto& [file, list] : by_file)
    for (const auto& s : list) {
      if (!s.reason.empty() && !s.rules.empty()) continue;
      Finding finding;
      finding.rule = "suppression-without-reason";
      finding.severity = Severity::kWarning;
      finding.category = "policy";
      finding.checklist = 0;
      finding.location = Location{file, s.line, 1, s.line, 1};
      finding.message = s.rules.empty() ? "patchgate:ignore names no rule, so it suppresses nothing"
                                        : "patchgate:ignore without a reason suppresses nothing: say why after ` -- `";
      finding.fix = "write `// patchgate:ignore <rule-id> -- <why this is safe>`";
      finding.fingerprint = compute_fingerprint(finding, "", "suppression");
      kept.push_back(std::move(finding));
    }
  std::sort(kept.begin(), kept.end(), finding_less);
  report.findings = std::move(kept);
}

std::string baseline_json(const Report& report) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  std::set<std::string> seen;
  for (const auto& f : report.findings)
    if (seen.insert(f.fingerprint).second)
      entries.push_back({{"fingerprint", f.fingerprint}, {"rule", f.rule}, {"file", f.location.file}, {"message", f.message}});
  nlohmann::ordered_json root = {{"schema", "patchgate.baseline/1"},
                                 {"note", "findings the codebase had when it adopted patchgate; they do not block. "
                                          "Regenerate with `patchgate baseline`."},
                                 {"findings", std::move(entries)}};
  return root.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void apply_baseline(Report& report, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  std::set<std::string> known;
  try {
    auto root = nlohmann::json::parse(read_file(path));
    for (const auto& entry : root.at("findings")) known.insert(entry.at("fingerprint").get<std::string>());
  } catch (const nlohmann::json::exception&) {
    throw UserError(kExitUsage, path + ": not a patchgate baseline", "regenerate it with `patchgate baseline`");
  }
  std::vector<Finding> kept;
  for (auto& f : report.findings) {
    if (known.count(f.fingerprint)) {
      ++report.baselined;
    } else {
      kept.push_back(std::move(f));
    }
  }
  report.findings = std::move(kept);
}

}  // namespace patchgate
