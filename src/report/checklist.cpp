#include "report/checklist.h"

#include <algorithm>

#include "core/policy.h"

namespace patchgate::report {

namespace {

const StageRecord* find_stage(const Report& report, const std::string& name) {
  for (const auto& stage : report.stages)
    if (stage.name == name) return &stage;
  return nullptr;
}

bool stage_ran(const StageRecord& stage) {
  return stage.status == "ran" || stage.status == "cached" || stage.status == "partial";
}

bool package_failed(const RacePackageRecord& pkg) {
  return pkg.status == "failed" || pkg.status == "build-failed" || pkg.status == "timed-out" || pkg.status == "error";
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

std::string checklist_title(int number) {
  static const char* const kTitles[] = {
      "New mutex, channel, atomic and goroutine operations inventoried",
      "Helpers called in the right lock state, and documented",
      "No anti-patterns (double lock, lock held across blocking work, unsafe close, leaks)",
      "Errors from concurrent work propagated",
      "Race and stress runs pass",
  };
  return number >= 1 && number <= 5 ? kTitles[number - 1] : "";
}

std::vector<ChecklistItem> checklist_items(const Report& report) {
  std::vector<ChecklistItem> items;
  for (int n = 1; n <= 5; ++n) items.push_back({n, checklist_title(n), "", "", {}});
  ChecklistItem other{0, "Findings outside the checklist", "", "", {}};
  for (const auto& f : report.findings) {
    if (f.checklist >= 1 && f.checklist <= 5)
      items[f.checklist - 1].findings.push_back(&f);
    else
      other.findings.push_back(&f);
  }

  // A plain `check` report has no stages; a plain `race` report has only the race stage.
  const StageRecord* check = find_stage(report, "check");
  const StageRecord* race = find_stage(report, "race");
  bool static_ran = check ? stage_ran(*check) : race == nullptr;
  bool race_ran = (race && stage_ran(*race)) || !report.race_packages.empty();
  size_t failed_packages = std::count_if(report.race_packages.begin(), report.race_packages.end(), package_failed);

  auto judge = [&](ChecklistItem& item, bool ran, const std::string& not_run_detail) {
    size_t blocking = std::count_if(item.findings.begin(), item.findings.end(),
                                    [&](const Finding* f) { return blocks(*f, report.fail_on); });
    bool packages = item.number == 5 && failed_packages > 0;
    if (blocking > 0 || packages) {
      item.status = "fail";
      item.detail = blocking > 0 ? plural(blocking, "blocking finding") : "";
      if (packages) item.detail += (item.detail.empty() ? "" : ", ") + plural(failed_packages, "package") + " failed";
    } else if (!ran) {
      item.status = "not-run";
      item.detail = not_run_detail;
    } else {
      item.status = "pass";
      item.detail = item.findings.empty() ? "no findings" : plural(item.findings.size(), "non-blocking finding");
    }
  };
  for (int n = 1; n <= 4; ++n)
    judge(items[n - 1], static_ran, check ? "check stage " + check->status : "static check not run");
  std::string race_detail = "race stage not run";
  if (race && !race->detail.empty()) race_detail = "race stage " + race->status + ": " + race->detail;
  judge(items[4], race_ran, race_detail);
  if (race_ran && items[4].status == "pass" && !report.race_packages.empty()) {
    size_t passed = std::count_if(report.race_packages.begin(), report.race_packages.end(),
                                  [](const RacePackageRecord& p) { return p.status == "passed"; });
    items[4].detail =
        std::to_string(passed) + " of " + plural(report.race_packages.size(), "package") + " passed" +
        (items[4].findings.empty() ? "" : ", " + plural(items[4].findings.size(), "non-blocking finding"));
  }
  if (!other.findings.empty()) {
    judge(other, true, "");
    items.push_back(std::move(other));
  }
  return items;
}

std::string severity_counts(const Report& report) {
  size_t errors = 0, warnings = 0, notes = 0;
  for (const auto& f : report.findings)
    (f.severity == Severity::kError ? errors : f.severity == Severity::kWarning ? warnings : notes)++;
  return plural(errors, "error") + ", " + plural(warnings, "warning") + ", " + plural(notes, "note");
}

const char* verdict_word(Verdict verdict) {
  return verdict == Verdict::kPass ? "pass" : verdict == Verdict::kBlock ? "blocked" : "error";
}

}  // namespace patchgate::report
