#pragma once

#include <string>
#include <vector>

#include "core/report.h"

namespace patchgate::report {

// One item of the 5-point concurrency checklist as a report answers it.
struct ChecklistItem {
  int number = 0;      // 1-5; 0 for findings that answer no item
  std::string title;   // "Helpers called in the right lock state, and documented"
  std::string status;  // pass, fail, not-run
  std::string detail;  // why, in a few words: "1 blocking finding", "race stage skipped: --no-race"
  std::vector<const Finding*> findings;
};

// The title of checklist item 1-5 ("Helpers called in the right lock state, and documented");
// "" for any other number.
std::string checklist_title(int number);

// Items 1-5 in order, then an item numbered 0 for findings outside them when there are any.
// An item fails when one of its findings blocks at the report's fail_on (item 5 also when a
// tested package failed); it was not run when the stage that answers it did not run (the
// static check for 1-4, the race stage for 5).
std::vector<ChecklistItem> checklist_items(const Report& report);

// "2 errors, 1 warning, 0 notes"
std::string severity_counts(const Report& report);
// "pass", "blocked", "error"
const char* verdict_word(Verdict verdict);

}  // namespace patchgate::report
