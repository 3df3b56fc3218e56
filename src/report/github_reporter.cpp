// GitHub Actions workflow commands: one annotation per finding on the pull request's diff.
#include <cstdio>
#include <sstream>

#include "report/checklist.h"
#include "report/escape.h"
#include "report/reporter.h"

namespace patchgate::report {

namespace {

// The runner decodes %25, %0D and %0A in a command's message...
std::string escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// ...and also %3A and %2C in property values, where `:` and `,` are syntax.
std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    switch (c) {
      case ':':
        out += "%3A";
        break;
      case ',':
        out += "%2C";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

const char* command(Severity severity) {
  return severity == Severity::kError ? "error" : severity == Severity::kWarning ? "warning" : "notice";
}

std::string position(const Location& at) {
  std::string text = printable(at.file);
  if (at.line > 0) text += ":" + std::to_string(at.line);
  if (at.line > 0 && at.column > 0) text += ":" + std::to_string(at.column);
  return text;
}

void render_github(const Report& report, std::ostream& out) {
  for (const auto& f : report.findings) {
    const Location& at = f.location;
    std::string properties;
    auto property = [&](const char* name, const std::string& value) {
      properties += (properties.empty() ? " " : ",") + std::string(name) + "=" + escape_property(value);
    };
    if (!at.file.empty()) {
      property("file", printable(at.file));
      if (at.line > 0) {
        property("line", std::to_string(at.line));
        if (at.column > 0) property("col", std::to_string(at.column));
        if (at.end_line >= at.line) {
          property("endLine", std::to_string(at.end_line));
          if (at.end_line == at.line && at.column > 0 && at.end_column > at.column)
            property("endColumn", std::to_string(at.end_column));
        }
      }
    }
    property("title", printable(f.rule));
    // Every line of the message is patchgate's own; text from the repository has its line
    // breaks made visible by printable() before the annotation's own breaks are added.
    std::string message = printable(f.message) + " [" + printable(f.rule) + "]";
    for (const auto& r : f.related) message += "\n" + position(r.location) + ": " + printable(r.message);
    if (!f.fix.empty()) message += "\nfix: " + printable(f.fix);
    // A model finding that may not block is a notice, whatever severity the model gave it.
    const char* kind = command(f.severity);
    if (f.source == "model") {
      char confidence[16];
      std::snprintf(confidence, sizeof confidence, "%.2f", f.confidence);
      message += "\nsecond-model review, confidence " + std::string(confidence);
      if (f.advisory) {
        message += " (advisory: review.block_on)";
        kind = "notice";
      }
    }
    out << "::" << kind << properties << "::" << escape_data(message) << '\n';
  }
  for (const auto& e : report.errors) {
    std::string properties = " title=patchgate";
    if (!e.file.empty()) properties = " file=" + escape_property(printable(e.file)) + "," + properties.substr(1);
    out << "::" << (report.verdict == Verdict::kError ? "error" : "warning") << properties
        << "::" << escape_data(printable(e.message)) << '\n';
  }
  int analysed = 0;
  for (const auto& file : report.files) analysed += file.analysed ? 1 : 0;
  out << "patchgate: " << severity_counts(report) << " in " << analysed << " analysed file"
      << (analysed == 1 ? "" : "s");
  if (!report.race_packages.empty())
    out << " and " << report.race_packages.size() << " tested package" << (report.race_packages.size() == 1 ? "" : "s");
  out << " (" << printable(report.change) << "): " << verdict_word(report.verdict) << '\n';
  if (report.review) {
    const ReviewRecord& review = *report.review;
    out << "patchgate: review: " << printable(review.provider) << (review.model.empty() ? "" : " " + printable(review.model))
        << " (" << printable(review.status) << ")" << (review.verdict.empty() ? "" : ": " + printable(review.verdict))
        << "; " << review.grounded << " grounded, " << review.ungrounded.size() << " ungrounded";
    if (!review.omitted.empty()) out << ", " << review.omitted.size() << " left out of the packet";
    out << '\n';
    for (const auto& u : review.ungrounded)
      out << "patchgate: review: ungrounded: " << printable(u.file) << ":" << u.line_start
          << (u.line_end != u.line_start ? "-" + std::to_string(u.line_end) : "") << ": " << printable(u.title) << " ("
          << printable(u.reason) << ")\n";
    if (!review.error.empty()) out << "patchgate: review failed: " << printable(review.error) << '\n';
  }
  // Coverage, as plain lines in the log: what was not analysed, and what did not run.
  for (const auto& s : report.skipped) out << "patchgate: skipped " << printable(s.path) << " (" << printable(s.reason) << ")\n";
  for (const auto& pkg : report.race_packages)
    if (pkg.status == "not-run" || pkg.status == "cancelled" || pkg.status == "no-tests")
      out << "patchgate: race: " << printable(pkg.dir) << ": " << printable(pkg.status)
          << (pkg.note.empty() ? "" : " (" + printable(pkg.note) + ")") << '\n';
}

}  // namespace

void write_github(const Report& report, std::ostream& out) {
  std::ostringstream rendered;
  render_github(report, rendered);
  out << defuse_ci_commands(rendered.str(), false);
}

}  // namespace patchgate::report
