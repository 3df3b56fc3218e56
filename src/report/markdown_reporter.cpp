// The pull-request report: verdict, the checklist, findings by file, race runs, coverage, and
// the rest collapsed. Everything from the repository goes through report/escape.h: a code
// span or a fenced block for paths and code, escaped text for messages.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include "core/config.h"
#include "report/checklist.h"
#include "report/escape.h"
#include "report/reporter.h"

namespace patchgate::report {

namespace {

const char* status_badge(const std::string& status) {
  if (status == "pass") return "\xE2\x9C\x85 pass";  // check mark
  if (status == "fail") return "\xE2\x9D\x8C fail";  // cross mark
  return "\xE2\x9E\x96 not run";                     // minus sign
}

const char* verdict_heading(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "\xE2\x9C\x85 patchgate: pass";
    case Verdict::kBlock:
      return "\xE2\x9D\x8C patchgate: blocked";
    case Verdict::kError:
      return "\xE2\x9A\xA0\xEF\xB8\x8F patchgate: error";  // warning sign
  }
  return "patchgate";
}

std::string place(const Location& at) {
  std::string text = at.file.empty() ? "(no file)" : at.file;
  if (at.line > 0) text += ":" + std::to_string(at.line);
  if (at.line > 0 && at.column > 0) text += ":" + std::to_string(at.column);
  return text;
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One line per finding, for the checklist items.
std::string finding_bullet(const Finding& f) {
  return "- **" + std::string(to_string(f.severity)) + "** " + markdown_code(f.rule) + " at " +
         markdown_code(place(f.location)) + ": " + markdown_text(f.message) + "\n";
}

std::string confidence_text(double confidence) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.2f", confidence);
  return buffer;
}

// A model finding's trigger and falsification: one list item per line of its `stack`.
void write_model_detail(const Finding& f, std::ostream& out) {
  out << "Second-model review, confidence " << confidence_text(f.confidence);
  if (f.advisory) out << "; advisory: " << markdown_code("review.block_on") << " keeps it from blocking";
  out << ".\n\n";
  size_t pos = 0;
  bool any = false;
  while (pos < f.stack.size()) {
    size_t end = std::min(f.stack.find('\n', pos), f.stack.size());
    if (end > pos) {
      out << "- " << markdown_text(f.stack.substr(pos, end - pos)) << '\n';
      any = true;
    }
    pos = end + 1;
  }
  if (any) out << '\n';
}

void write_finding(const Finding& f, std::ostream& out) {
  out << "**" << to_string(f.severity) << "** " << markdown_code(f.rule);
  if (f.location.line > 0) out << " at line " << f.location.line;
  if (f.location.line > 0 && f.location.column > 0) out << ", column " << f.location.column;
  out << ": " << markdown_text(f.message) << "\n\n";
  if (!f.snippet.empty()) out << markdown_code_block(f.snippet, ends_with(f.location.file, ".go") ? "go" : "") << '\n';
  if (!f.related.empty()) {
    for (const auto& r : f.related)
      out << "- " << markdown_code(place(r.location)) << ' ' << markdown_text(r.message) << '\n';
    out << '\n';
  }
  if (!f.fix.empty()) out << "Fix: " << markdown_text(f.fix) << "\n\n";
  if (f.source == "model") write_model_detail(f, out);
  if (f.source != "static" && f.on_changed_line) out << "On a line this change touches.\n\n";
}

// The second model's verdict and summary, with the claims grounding turned away collapsed.
void write_review(const ReviewRecord& review, std::ostream& out) {
  out << "### Second-model review\n\n";
  out << "**" << (review.verdict.empty() ? "no verdict" : markdown_text(review.verdict)) << "** from "
      << markdown_code(review.provider) << (review.model.empty() ? "" : " " + markdown_code(review.model)) << " \\("
      << markdown_text(review.status) << "\\)";
  out << (review.summary.empty() ? std::string(".") : ": " + markdown_text(review.summary)) << "\n\n";
  if (!review.error.empty()) out << "The review failed: " << markdown_text(review.error) << "\n\n";
  out << plural(static_cast<size_t>(review.grounded), "grounded finding")
      << (review.grounded > 0 ? " (with the findings above)" : "") << ", "
      << plural(review.ungrounded.size(), "ungrounded claim") << " (never blocking)";
  if (!review.omitted.empty()) out << ", " << plural(review.omitted.size(), "item") << " left out of the packet";
  if (review.redactions > 0) out << ", " << plural(static_cast<size_t>(review.redactions), "secret") << " redacted";
  out << ".\n\n";
  if (!review.ungrounded.empty()) {
    out << "<details>\n<summary>Ungrounded claims: the quoted line is not at the cited place</summary>\n\n"
        << "| File | Lines | Claim | Severity | Confidence | Why not grounded |\n|---|---|---|---|---|---|\n";
    for (const auto& u : review.ungrounded)
      out << "| " << markdown_code(u.file, true) << " | " << u.line_start
          << (u.line_end != u.line_start ? "-" + std::to_string(u.line_end) : "") << " | " << markdown_text(u.title)
          << " | " << markdown_text(u.severity) << " | " << confidence_text(u.confidence) << " | "
          << markdown_text(u.reason) << " |\n";
    out << "\n</details>\n\n";
  }
  if (!review.omitted.empty()) {
    out << "<details>\n<summary>Left out of the review packet to stay within the token budget</summary>\n\n";
    for (const auto& item : review.omitted) out << "- " << markdown_text(item) << '\n';
    out << "\n</details>\n\n";
  }
}

void render_markdown(const Report& report, std::ostream& out) {
  int analysed = 0;
  for (const auto& file : report.files) analysed += file.analysed ? 1 : 0;

  out << "## " << verdict_heading(report.verdict) << "\n\n";
  out << "**" << severity_counts(report) << "** in " << plural(analysed, "analysed file");
  if (!report.race_packages.empty()) out << " and " << plural(report.race_packages.size(), "tested package");
  out << " (" << markdown_text(report.change) << "); findings at or above " << markdown_code(to_string(report.fail_on))
      << " block.";
  if (report.ai_authored || !report.ai_reason.empty())
    out << " AI-authored: " << (report.ai_authored ? "yes" : "no")
        << (report.ai_reason.empty() ? "" : " \\(" + markdown_text(report.ai_reason) + "\\)") << '.';
  out << "\n\n";

  // The checklist: one row per item, then the findings under each item that has some.
  auto items = checklist_items(report);
  out << "### Checklist\n\n| # | Item | Result | Details |\n|---|---|---|---|\n";
  for (const auto& item : items)
    out << "| " << (item.number ? std::to_string(item.number) : "-") << " | " << markdown_text(item.title) << " | "
        << status_badge(item.status) << " | " << markdown_text(item.detail) << " |\n";
  out << '\n';
  for (const auto& item : items) {
    if (item.findings.empty()) continue;
    out << "#### " << (item.number ? std::to_string(item.number) + ". " : "") << markdown_text(item.title) << ": "
        << status_badge(item.status) << "\n\n";
    for (const Finding* f : item.findings) out << finding_bullet(*f);
    out << '\n';
  }

  // Findings by file, in report order (sorted by file already).
  if (!report.findings.empty()) {
    out << "### Findings by file\n\n";
    std::vector<std::pair<std::string, std::vector<const Finding*>>> by_file;
    for (const auto& f : report.findings) {
      if (by_file.empty() || by_file.back().first != f.location.file) by_file.push_back({f.location.file, {}});
      by_file.back().second.push_back(&f);
    }
    for (const auto& [file, findings] : by_file) {
      out << "#### " << (file.empty() ? "(no file)" : markdown_code(file)) << "\n\n";
      for (const Finding* f : findings) write_finding(*f, out);
    }
  }

  if (!report.race_packages.empty()) {
    out << "### Race and stress runs\n\n| Package | Status | Cached | Time | Note |\n|---|---|---|---|---|\n";
    for (const auto& pkg : report.race_packages)
      out << "| " << markdown_code(pkg.dir, true) << " | " << markdown_text(pkg.status) << " | "
          << (pkg.cached ? "yes" : "no") << " | "
          << (pkg.elapsed_ms > 0 ? format_duration(std::chrono::milliseconds(pkg.elapsed_ms)) : "-") << " | "
          << markdown_text(pkg.note) << " |\n";
    out << '\n';
  }
  if (report.review) write_review(*report.review, out);
  if (!report.stages.empty()) {
    out << "### Stages\n\n| Stage | Status | Detail |\n|---|---|---|\n";
    for (const auto& stage : report.stages)
      out << "| " << markdown_text(stage.name) << " | " << markdown_text(stage.status) << " | "
          << markdown_text(stage.detail) << " |\n";
    out << '\n';
  }

  out << "### Coverage\n\n"
      << plural(analysed, "file") << " analysed of " << plural(report.files.size(), "changed file");
  if (report.suppressed > 0 || report.baselined > 0)
    out << "; " << plural(static_cast<size_t>(report.suppressed), "finding") << " suppressed by "
        << markdown_code("patchgate:ignore") << ", " << report.baselined << " in the baseline";
  if (report.skipped.empty()) {
    out << ", none skipped.\n\n";
  } else {
    std::map<std::string, int> reasons;
    for (const auto& s : report.skipped) reasons[s.reason]++;
    out << "; " << plural(report.skipped.size(), "file") << " skipped:\n\n| File | Reason |\n|---|---|\n";
    for (const auto& s : report.skipped)
      out << "| " << markdown_code(s.path, true) << " | " << markdown_text(s.reason) << " |\n";
    out << '\n';
  }
  if (!report.errors.empty()) {
    out << "Problems while analysing:\n\n";
    for (const auto& e : report.errors)
      out << "- " << (e.file.empty() ? "" : markdown_code(e.file) + ": ") << markdown_text(e.message) << '\n';
    out << '\n';
  }

  // Everything else a reviewer may want, collapsed. The blank lines around the Markdown inside
  // <details> make GitHub render it.
  out << "<details>\n<summary>Details: changed files, race commands, stacks and fingerprints</summary>\n\n";
  if (!report.files.empty()) {
    out << "#### Changed files\n\n| File | Status | Language | Analysed | Changed lines |\n|---|---|---|---|---|\n";
    for (const auto& file : report.files) {
      out << "| " << markdown_code(file.path, true);
      if (!file.old_path.empty()) out << " (from " << markdown_code(file.old_path, true) << ")";
      out << " | " << markdown_text(file.status) << " | "
          << (file.language.empty() ? "-" : markdown_text(file.language)) << " | "
          << (file.analysed ? (file.syntax_errors ? "yes, with syntax errors" : "yes") : "no") << " | "
          << file.changed_lines << " |\n";
    }
    out << '\n';
  }
  bool commands = false;
  for (const auto& pkg : report.race_packages) commands |= !pkg.command.empty();
  if (commands) {
    out << "#### Race commands\n\n";
    for (const auto& pkg : report.race_packages)
      if (!pkg.command.empty()) out << "- " << markdown_code(pkg.dir) << ": " << markdown_code(pkg.command) << '\n';
    out << '\n';
  }
  for (const auto& f : report.findings) {
    if (f.stack.empty() || f.source == "model") continue;  // a model's trigger is shown with its finding
    out << "#### Stacks behind " << markdown_code(f.rule) << " at " << markdown_code(place(f.location)) << "\n\n"
        << markdown_code_block(f.stack) << '\n';
  }
  if (!report.findings.empty()) {
    out << "#### Fingerprints\n\n| Rule | Location | Function | Fingerprint |\n|---|---|---|---|\n";
    for (const auto& f : report.findings)
      out << "| " << markdown_code(f.rule, true) << " | " << markdown_code(place(f.location), true) << " | "
          << (f.enclosing_function.empty() ? "-" : markdown_code(f.enclosing_function, true)) << " | "
          << (f.fingerprint.empty() ? "-" : markdown_code(f.fingerprint, true)) << " |\n";
    out << '\n';
  }
  out << "patchgate " << markdown_text(report.tool_version) << "\n\n</details>\n";
}

}  // namespace

void write_markdown(const Report& report, std::ostream& out) {
  std::ostringstream rendered;
  render_markdown(report, rendered);
  out << fit_comment(defuse_ci_commands(rendered.str()), report.findings.size());
}

std::string fit_comment(std::string text, size_t findings) {
  // Bytes bound characters from above, so a report within the limit in bytes fits.
  const size_t limit = kGithubCommentLimit - 1024;
  if (text.size() <= limit) return text;
  const std::string left_out = "a pull-request comment holds at most 65,536 characters; the JSON and SARIF reports have "
                               "all " + std::to_string(findings) + " findings";
  if (size_t details = text.find("<details>\n<summary>Details"); details != std::string::npos)
    text = text.substr(0, details) + "<details>\n<summary>Details</summary>\n\nLeft out: " + left_out + ".\n\n</details>\n";
  if (text.size() <= limit) return text;
  // Still too long: keep whole findings up to the limit, cut at the start of one (a list
  // item under a checklist item, or a finding under its file).
  size_t item = text.rfind("\n- ", limit - 512), block = text.rfind("\n**", limit - 512);
  size_t cut = item == std::string::npos ? block : block == std::string::npos ? item : std::max(item, block);
  if (cut == std::string::npos) cut = text.rfind('\n', limit - 512);
  if (cut == std::string::npos) cut = limit - 512;
  return text.substr(0, cut) + "\n\n*The rest is left out: " + left_out + ".*\n";
}

}  // namespace patchgate::report
