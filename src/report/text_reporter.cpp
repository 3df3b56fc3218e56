#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include "core/config.h"
#include "core/policy.h"
#include "report/escape.h"
#include "report/reporter.h"

namespace patchgate::report {

namespace {

struct Palette {
  const char* bold = "";
  const char* red = "";
  const char* yellow = "";
  const char* cyan = "";
  const char* green = "";
  const char* dim = "";
  const char* reset = "";
};

Palette palette(bool color) {
  if (!color) return {};
  return {"\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[1;32m", "\x1b[2m", "\x1b[0m"};
}

const char* severity_color(const Palette& p, Severity s) {
  return s == Severity::kError ? p.red : s == Severity::kWarning ? p.yellow : p.cyan;
}

// A caret line under the primary range; tabs are kept so the caret lines up in a terminal,
// and UTF-8 continuation bytes take no column.
std::string caret_line(const std::string& line, int column, int length) {
  std::string out;
  for (int i = 0; i + 1 < column && i < static_cast<int>(line.size()); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out.push_back(c == '\t' ? '\t' : ' ');
  }
  out.push_back('^');
  for (int i = 1; i < length; ++i) out.push_back('~');
  return out;
}

std::string plural(int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// Everything from the repository is printed through this: no escape sequence, line break or
// other control character reaches the terminal raw.
std::string clean(const std::string& text) { return printable(text); }

std::string confidence_text(double confidence) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", confidence);
  return buffer;
}

std::string lines_text(int first, int last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

// Indented lines of repository text, tabs kept, every line break our own.
std::string indent_lines(const std::string& text, const char* indent) {
  std::string out = indent + printable(text, {.tab = true, .newline = true});
  for (size_t nl = out.find('\n'); nl != std::string::npos && nl + 1 < out.size(); nl = out.find('\n', nl + 1))
    out.insert(nl + 1, indent);
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

// The second model's review: who answered, what it concluded, and the claims that failed grounding.
void render_review(const ReviewRecord& review, const TextStyle& style, const Palette& p, std::ostream& out) {
  out << "review: " << clean(review.provider) << (review.model.empty() ? "" : " " + clean(review.model)) << " ("
      << clean(review.status) << ")";
  if (!review.verdict.empty())
    out << ": " << (review.verdict == "approve" ? p.green : p.yellow) << clean(review.verdict) << p.reset;
  out << '\n';
  if (!review.summary.empty()) out << indent_lines(review.summary, "  ");
  out << "  " << plural(review.grounded, "grounded finding") << ", "
      << plural(static_cast<int>(review.ungrounded.size()), "ungrounded claim");
  if (!review.omitted.empty())
    out << ", " << plural(static_cast<int>(review.omitted.size()), "item") << " left out of the packet";
  if (review.redactions > 0) out << ", " << plural(review.redactions, "secret") << " redacted";
  out << '\n';
  for (const auto& u : review.ungrounded)
    out << "  " << p.dim << "ungrounded" << p.reset << ": " << clean(u.file) << ':' << lines_text(u.line_start, u.line_end)
        << ": " << clean(u.title) << p.dim << " -- " << clean(u.reason) << p.reset << '\n';
  if (style.verbose)
    for (const auto& item : review.omitted) out << "  " << p.dim << "left out: " << clean(item) << p.reset << '\n';
  if (!review.error.empty()) out << "  " << p.red << "failed" << p.reset << ": " << clean(review.error) << '\n';
}

void render_text(const Report& report, const TextStyle& style, std::ostream& out) {
  Palette p = palette(style.color);
  for (const auto& f : report.findings) {
    const Location& at = f.location;
    out << p.bold << clean(at.file) << ':' << at.line << ':' << at.column << ":" << p.reset << ' '
        << severity_color(p, f.severity) << to_string(f.severity) << p.reset << ": " << p.bold << clean(f.message)
        << p.reset << ' ' << p.dim << '[' << clean(f.rule) << ']' << p.reset << '\n';
    if (!f.snippet.empty()) {
      std::string number = std::to_string(at.line);
      std::string gutter(number.size(), ' ');
      int length = at.end_line == at.line && at.end_column > at.column ? at.end_column - at.column : 1;
      // The caret goes under the escaped text: what precedes the column, escaped, sets its place.
      size_t before = at.column > 1 ? std::min(f.snippet.size(), static_cast<size_t>(at.column - 1)) : 0;
      std::string prefix = printable(f.snippet.substr(0, before), {.tab = true});
      std::string shown = printable(f.snippet, {.tab = true});
      out << ' ' << number << " | " << shown << '\n';
      out << ' ' << gutter << " | " << severity_color(p, f.severity)
          << caret_line(prefix, static_cast<int>(prefix.size()) + 1, length) << p.reset << '\n';
    }
    for (const auto& r : f.related)
      out << "  " << clean(r.location.file) << ':' << r.location.line << ':' << r.location.column << ": " << p.cyan
          << "note" << p.reset << ": " << clean(r.message) << '\n';
    if (!f.fix.empty() && !style.quiet) out << "  " << p.green << "fix" << p.reset << ": " << clean(f.fix) << '\n';
    if (f.on_changed_line) out << "  " << p.yellow << "on a line this change touches" << p.reset << '\n';
    if (f.source == "model") {
      out << "  " << p.dim << "confidence " << confidence_text(f.confidence) << p.reset;
      if (f.advisory) out << " (advisory: review.block_on)";
      out << '\n';
      // The model's trigger and what would falsify it: short, and the point of the claim.
      if (!f.stack.empty() && !style.quiet) out << p.dim << indent_lines(f.stack, "    ") << p.reset;
    } else if (!f.stack.empty() && style.verbose) {
      std::string indented = "    " + printable(f.stack, {.tab = true, .newline = true});
      for (size_t nl = indented.find('\n'); nl != std::string::npos && nl + 1 < indented.size(); nl = indented.find('\n', nl + 1))
        indented.insert(nl + 1, "    ");
      out << p.dim << indented << p.reset;
    }
    out << '\n';
  }

  // What the race run did, package by package.
  if (!style.quiet)
    for (const auto& pkg : report.race_packages) {
      const char* color = pkg.status == "passed" ? p.green : pkg.status == "no-tests" || pkg.status == "not-run" ? p.dim : p.red;
      out << "race: " << clean(pkg.dir) << ": " << color << clean(pkg.status) << p.reset;
      if (pkg.cached) out << " (cached)";
      if (pkg.elapsed_ms > 0) out << " in " << format_duration(std::chrono::milliseconds(pkg.elapsed_ms));
      if (!pkg.note.empty()) out << p.dim << " -- " << clean(pkg.note) << p.reset;
      out << '\n';
    }

  if (report.review && !style.quiet) render_review(*report.review, style, p, out);

  if (!style.quiet) {
    for (const auto& e : report.errors)
      out << p.yellow << "warning" << p.reset << ": " << (e.file.empty() ? "" : clean(e.file) + ": ") << clean(e.message)
          << '\n';
    if (style.verbose) {
      for (const auto& file : report.files)
        out << p.dim << "file: " << clean(file.path) << " (" << clean(file.status) << (file.analysed ? ", analysed" : "")
            << ")" << p.reset << '\n';
      for (const auto& s : report.skipped)
        out << p.dim << "skipped: " << clean(s.path) << " (" << clean(s.reason) << ")" << p.reset << '\n';
    } else if (!report.skipped.empty()) {
      std::map<std::string, int> reasons;
      for (const auto& s : report.skipped) reasons[clean(s.reason.substr(0, s.reason.find(" (")))]++;
      out << p.dim << "skipped " << plural(static_cast<int>(report.skipped.size()), "file") << ":";
      const char* sep = " ";
      for (const auto& [reason, count] : reasons) {
        out << sep << count << ' ' << reason;
        sep = ", ";
      }
      out << " (--verbose lists them)" << p.reset << '\n';
    }
  }

  int errors = 0, warnings = 0, notes = 0;
  for (const auto& f : report.findings)
    (f.severity == Severity::kError ? errors : f.severity == Severity::kWarning ? warnings : notes)++;
  int analysed = 0;
  for (const auto& file : report.files) analysed += file.analysed ? 1 : 0;
  const char* verdict_color = report.verdict == Verdict::kPass ? p.green : p.red;
  out << p.bold << "patchgate" << p.reset << ": " << plural(errors, "error") << ", " << plural(warnings, "warning") << ", "
      << plural(notes, "note") << " in "
      << (report.files.empty() && !report.race_packages.empty()
              ? plural(static_cast<int>(report.race_packages.size()), "package")
              : plural(analysed, "analysed file"))
      << " (" << clean(report.change) << "): "
      << verdict_color << (report.verdict == Verdict::kPass ? "pass" : report.verdict == Verdict::kBlock ? "blocked" : "error")
      << p.reset << '\n';
}

}  // namespace

void write_text(const Report& report, const TextStyle& style, std::ostream& out) {
  std::ostringstream rendered;
  render_text(report, style, rendered);
  out << defuse_ci_commands(rendered.str());
}

}  // namespace patchgate::report
