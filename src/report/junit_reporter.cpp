// JUnit XML for CI test dashboards: one test case per checklist item, failing with the
// findings that block it.
#include <sstream>

#include "report/checklist.h"
#include "report/escape.h"
#include "report/reporter.h"

namespace patchgate::report {

namespace {

std::string attr(std::string_view text) { return xml_text(text, true); }

// Lines of patchgate's own; each field from the repository is one printable line in it.
std::string finding_text(const Finding& f) {
  auto place = [](const Location& at) {
    std::string text = at.file.empty() ? std::string("(no file)") : printable(at.file);
    if (at.line > 0) text += ":" + std::to_string(at.line);
    if (at.line > 0 && at.column > 0) text += ":" + std::to_string(at.column);
    return text;
  };
  std::string text =
      place(f.location) + ": " + to_string(f.severity) + ": " + printable(f.message) + " [" + printable(f.rule) + "]\n";
  if (!f.snippet.empty()) text += "    " + printable(f.snippet, {.tab = true}) + "\n";
  for (const auto& r : f.related) text += "  " + place(r.location) + ": " + printable(r.message) + "\n";
  if (!f.fix.empty()) text += "  fix: " + printable(f.fix) + "\n";
  return text;
}

std::string error_line(const ErrorRecord& e) {
  return (e.file.empty() ? "" : printable(e.file) + ": ") + printable(e.message) + "\n";
}

void render_junit(const Report& report, std::ostream& out) {
  auto items = checklist_items(report);
  bool run_error = report.verdict == Verdict::kError;
  int failures = 0, skipped = 0;
  for (const auto& item : items) {
    failures += item.status == "fail" ? 1 : 0;
    skipped += item.status == "not-run" ? 1 : 0;
  }
  size_t tests = items.size() + (run_error ? 1 : 0);
  std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                       "\" errors=\"" + std::string(run_error ? "1" : "0") + "\" skipped=\"" + std::to_string(skipped) +
                       "\"";

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"patchgate\"" << counts << ">\n";
  out << "  <testsuite name=\"patchgate checklist\"" << counts << ">\n";
  out << "    <properties>\n"
      << "      <property name=\"change\" value=\"" << attr(report.change) << "\"/>\n"
      << "      <property name=\"verdict\" value=\"" << to_string(report.verdict) << "\"/>\n"
      << "      <property name=\"fail_on\" value=\"" << to_string(report.fail_on) << "\"/>\n"
      << "      <property name=\"version\" value=\"" << attr(report.tool_version) << "\"/>\n"
      << "      <property name=\"ai_authored\" value=\"" << (report.ai_authored ? "true" : "false") << "\"/>\n"
      << "    </properties>\n";
  for (const auto& item : items) {
    std::string name = item.number ? std::to_string(item.number) + ". " + item.title : item.title;
    out << "    <testcase classname=\"patchgate.checklist\" name=\"" << attr(name) << "\">\n";
    std::string listing;
    for (const Finding* f : item.findings) listing += finding_text(*f);
    if (item.status == "fail") {
      out << "      <failure message=\"" << attr(item.detail) << "\" type=\"checklist-" << item.number << "\">"
          << xml_text(listing) << "</failure>\n";
    } else if (item.status == "not-run") {
      out << "      <skipped message=\"" << attr(item.detail) << "\"/>\n";
    }
    // Findings that do not block still belong to the item's record.
    if (item.status != "fail" && !listing.empty())
      out << "      <system-out>" << xml_text(listing) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  if (run_error) {
    std::string listing;
    for (const auto& e : report.errors) listing += error_line(e);
    out << "    <testcase classname=\"patchgate\" name=\"patchgate ran to completion\">\n"
        << "      <error message=\"patchgate could not complete every stage\" type=\"operational\">"
        << xml_text(listing) << "</error>\n    </testcase>\n";
  }
  std::string coverage;
  for (const auto& s : report.skipped) coverage += "skipped: " + printable(s.path) + " (" + printable(s.reason) + ")\n";
  for (const auto& e : report.errors) coverage += "warning: " + error_line(e);
  if (!coverage.empty()) out << "    <system-err>" << xml_text(coverage) << "</system-err>\n";
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace

void write_junit(const Report& report, std::ostream& out) {
  std::ostringstream rendered;
  render_junit(report, rendered);
  out << defuse_ci_commands(rendered.str());
}

}  // namespace patchgate::report
