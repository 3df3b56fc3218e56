#include "review/packet.h"

#include <git2.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "core/git/handle.h"
#include "lang/go.h"
#include "report/checklist.h"
#include "report/escape.h"
#include "review/go_source.h"
#include "review/redact.h"

namespace patchgate::review {

int estimate_tokens(std::string_view text) { return static_cast<int>((text.size() + 3) / 4); }

namespace {

constexpr int kContextLines = 3;
constexpr int kMaxWholeOtherDeclaration = 80;  // longer type/var blocks: only around the changes
constexpr int kMinShortenedTokens = 120;       // less than this of a function says too little
constexpr size_t kMaxListedFiles = 100;
constexpr size_t kMaxStackLines = 12;
constexpr size_t kMaxStackLineBytes = 160;
constexpr size_t kMaxMessageLines = 40;
constexpr size_t kMaxCodeLineBytes = 400;  // minified or generated lines are cut


// A line of code as shown: controls visible, tabs kept, cut (on a character boundary) when long.
std::string code_line(const std::string& line) {
  if (line.size() <= kMaxCodeLineBytes) return report::printable(line, {.tab = true});
  size_t cut = kMaxCodeLineBytes;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return report::printable(line.substr(0, cut), {.tab = true}) + " ... [" + std::to_string(line.size() - cut) +
         " more bytes]";
}

// One line of repository text, safe to show anywhere: secrets out, controls visible.
std::string clean(std::string_view text) { return report::printable(redact_secrets(text)); }

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string range_text(int first, int last) {
  return first == last ? "line " + std::to_string(first) : "lines " + std::to_string(first) + "-" + std::to_string(last);
}

// A changed file as the packet shows it: its new-revision lines (redacted; line numbers are
// kept), which of them the change added, and the removed lines with where they were.
struct FileView {
  const git::ChangedFile* file = nullptr;
  std::string path;       // cleaned for display
  std::string not_shown;  // why its code is not in the packet
  bool go = false;
  std::vector<std::string> lines, old_lines;
  std::set<int> added;
  std::map<int, std::vector<int>> removed_before;  // new line -> old lines removed just before it
  std::vector<std::pair<int, int>> hunks;         // new-side ranges, with context
  int plus = 0, minus = 0;
};

void diff_file(FileView& view, const std::string& old_text, const std::string& new_text) {
  git::ensure_initialised();
  git_diff_options options;
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.context_lines = kContextLines;
  git::PatchHandle patch;
  git::check(git_patch_from_buffers(patch.out(), old_text.data(), old_text.size(), view.file->old_path.c_str(),
                                    new_text.data(), new_text.size(), view.file->path.c_str(), &options),
             "cannot compute the diff of " + view.file->path);
  if (!patch) return;
  if (git_patch_get_delta(patch.get())->flags & GIT_DIFF_FLAG_BINARY) {
    view.not_shown = "binary";
    return;
  }
  size_t hunks = git_patch_num_hunks(patch.get());
  for (size_t h = 0; h < hunks; ++h) {
    const git_diff_hunk* hunk = nullptr;
    size_t count = 0;
    git::check(git_patch_get_hunk(&hunk, &count, patch.get(), h), "cannot read a hunk of " + view.file->path);
    int last_new = hunk->new_start + hunk->new_lines - 1;
    view.hunks.push_back({std::max(1, hunk->new_start), last_new});
    std::vector<int> pending;
    for (size_t l = 0; l < count; ++l) {
      const git_diff_line* line = nullptr;
      git::check(git_patch_get_line_in_hunk(&line, patch.get(), h, l), "cannot read a line of " + view.file->path);
      if (line->origin == GIT_DIFF_LINE_DELETION) {
        pending.push_back(line->old_lineno);
        ++view.minus;
        continue;
      }
      if (line->origin != GIT_DIFF_LINE_ADDITION && line->origin != GIT_DIFF_LINE_CONTEXT) continue;
      if (line->origin == GIT_DIFF_LINE_ADDITION) {
        view.added.insert(line->new_lineno);
        ++view.plus;
      }
      if (!pending.empty()) {
        auto& before = view.removed_before[line->new_lineno];
        before.insert(before.end(), pending.begin(), pending.end());
        pending.clear();
      }
    }
    if (!pending.empty()) {
      auto& before = view.removed_before[last_new + 1];
      before.insert(before.end(), pending.begin(), pending.end());
    }
  }
}

std::string redacted_content(const std::string& path, const std::string& text) {
  return is_env_file(path) ? redact_env_file(text) : redact_secrets(text);
}

// `wanted` false (the whole tree, a file no finding points into): listed, not read.
FileView view_of(const git::ChangeSet& change, const git::ChangedFile& file, bool wanted) {
  FileView view;
  view.file = &file;
  view.path = clean(file.path);
  view.go = lang::is_go_file(file.path);
  if (file.status == git::FileStatus::kDeleted || !wanted) return view;
  if (!file.skip_reason.empty()) {
    view.not_shown = file.skip_reason;
    return view;
  }
  auto content = change.revision ? change.revision->read(file.path) : std::nullopt;
  if (!content) {
    view.not_shown = "not readable at the new revision";
    return view;
  }
  if (content->find('\0') != std::string::npos) {
    view.not_shown = "binary";
    return view;
  }
  view.lines = split_lines(redacted_content(file.path, *content));
  if (change.whole_tree) return view;
  std::string old_text;
  bool existed = file.status != git::FileStatus::kAdded && change.base;
  if (existed) {
    if (auto old = change.base->read(file.old_path)) old_text = std::move(*old);
  }
  view.old_lines = split_lines(redacted_content(file.old_path, old_text));
  diff_file(view, old_text, *content);
  return view;
}

// A piece of code the packet may show: a declaration, a function literal, or lines around a
// change outside them.
struct Unit {
  size_t view = 0;
  int first = 0, last = 0;
  std::string title;  // "func (l *Limiter) topUp()"; empty for plain line ranges
  int decl_line = 0;  // the declaration's own line: kept first when the unit is shortened
  int rank = 3;       // 0: holds a finding's location, 1: a related location, 2: changed Go, 3: other changed
  bool changed = false;
  bool function = false;  // a function (or literal): shown whole, never merged with its neighbours
  std::set<int> finding_lines;
  std::vector<std::string> finding_notes;  // "go-double-lock (line 24)"
};

// The finding locations of one file: line -> (rank, note).
struct Marks {
  std::multimap<int, std::pair<int, std::string>> at;
};

void note_findings(Unit& unit, const Marks& marks) {
  for (auto it = marks.at.lower_bound(unit.first); it != marks.at.end() && it->first <= unit.last; ++it) {
    unit.rank = std::min(unit.rank, it->second.first);
    unit.finding_lines.insert(it->first);
    if (it->second.first == 0 &&
        std::find(unit.finding_notes.begin(), unit.finding_notes.end(), it->second.second) == unit.finding_notes.end())
      unit.finding_notes.push_back(it->second.second);
  }
}

// Small pieces next to each other (the package clause, imports, a var, the lines around them)
// read better as one.
void merge_neighbours(std::vector<Unit>& units) {
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.first < b.first; });
  std::vector<Unit> merged;
  for (auto& unit : units) {
    if (!merged.empty() && !merged.back().function && !unit.function && unit.first <= merged.back().last + 2) {
      Unit& into = merged.back();
      into.last = std::max(into.last, unit.last);
      into.title.clear();
      into.decl_line = into.first;
      into.changed |= unit.changed;
      into.rank = std::min(into.rank, unit.rank);
      into.finding_lines.insert(unit.finding_lines.begin(), unit.finding_lines.end());
      into.finding_notes.insert(into.finding_notes.end(), unit.finding_notes.begin(), unit.finding_notes.end());
      continue;
    }
    merged.push_back(std::move(unit));
  }
  units = std::move(merged);
}

std::vector<Unit> units_of(size_t index, const FileView& view, const Marks& marks) {
  std::vector<Unit> units;
  int count = static_cast<int>(view.lines.size());
  // Changed lines: added ones, and where lines were removed (the line after the gap).
  std::set<int> changed(view.added.begin(), view.added.end());
  for (const auto& [line, removed] : view.removed_before) changed.insert(std::clamp(line, 1, std::max(count, 1)));
  std::set<int> wanted = changed;
  for (const auto& [line, mark] : marks.at) wanted.insert(line);
  if (wanted.empty() && view.hunks.empty()) return units;
  int base_rank = view.go ? 2 : 3;

  std::vector<GoDeclaration> decls;
  if (view.go) {
    std::string joined;
    for (const auto& line : view.lines) joined += line + "\n";
    decls = go_declarations(joined);
  }
  if (!view.go || decls.empty()) {
    // Hunks with their context (for a Go file that did not parse in time, too).
    for (const auto& [first, last] : view.hunks) {
      Unit unit{index, first, last, "", first, base_rank, true, false, {}, {}};
      note_findings(unit, marks);
      units.push_back(std::move(unit));
    }
    return units;
  }

  // Each wanted line to the declaration (or function literal) that holds it.
  std::map<std::pair<int, int>, Unit> by_range;
  std::set<int> orphans;
  for (int line : wanted) {
    // Declarations are in source order and do not overlap.
    auto after = std::upper_bound(decls.begin(), decls.end(), line,
                                  [](int l, const GoDeclaration& decl) { return l < decl.first_line; });
    const GoDeclaration* holder =
        after != decls.begin() && line <= std::prev(after)->last_line ? &*std::prev(after) : nullptr;
    std::pair<int, int> range{0, 0};
    std::string title;
    bool function = holder && holder->kind == GoDeclaration::Kind::kFunction;
    if (holder && (function || holder->last_line - holder->first_line < kMaxWholeOtherDeclaration)) {
      range = {holder->first_line, holder->last_line};
      title = holder->signature;
    } else if (holder) {
      for (const auto& [first, last] : holder->literals)
        if (line >= first && line <= last) {
          range = {first, last};
          title = "function literal in " + holder->signature;
          function = true;
        }
    }
    if (range.first == 0) {
      // An added blank line between declarations says nothing on its own.
      bool lone_blank = view.added.count(line) && !view.removed_before.count(line) && !marks.at.count(line) &&
                        line <= count && view.lines[line - 1].find_first_not_of(" \t") == std::string::npos;
      if (!lone_blank) orphans.insert(line);
      continue;
    }
    auto [it, inserted] = by_range.try_emplace(
        range, Unit{index, range.first, range.second, title, std::max(holder->decl_line, range.first), 3, false,
                    function, {}, {}});
    if (changed.count(line)) it->second.changed = true;
  }
  std::vector<bool> covered(count + 2, false);
  for (auto& [range, unit] : by_range) {
    if (unit.changed) unit.rank = base_rank;
    note_findings(unit, marks);
    for (int l = unit.first; l <= unit.last && l <= count; ++l) covered[l] = true;
    units.push_back(std::move(unit));
  }
  // Lines outside declarations: each with a few lines of context, runs merged.
  std::vector<bool> around(count + 2, false);
  for (int line : orphans)
    for (int l = std::max(1, line - kContextLines); l <= std::min(count, line + kContextLines); ++l) around[l] = !covered[l];
  for (int l = 1; l <= count; ++l) {
    if (!around[l] || around[l - 1]) continue;
    int end = l;
    while (end + 1 <= count && around[end + 1]) ++end;
    Unit unit{index, l, end, "", l, 3, false, false, {}, {}};
    for (int c = l; c <= end; ++c) unit.changed |= changed.count(c) > 0;
    if (unit.changed) unit.rank = base_rank;
    note_findings(unit, marks);
    units.push_back(std::move(unit));
  }
  merge_neighbours(units);
  return units;
}

std::string fence_for(const std::vector<std::string_view>& lines) {
  size_t longest = 0;
  for (auto line : lines) {
    size_t run = 0;
    for (char c : line) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

// The unit's code block. `keep`, when given, is the set of lines to show; the others become
// "left out" markers. Returns the number of lines left out through `left_out`.
std::string render_code(const FileView& view, const Unit& unit, const std::set<int>* keep, int* left_out) {
  int count = static_cast<int>(view.lines.size());
  int width = static_cast<int>(std::to_string(std::max(unit.last, 1)).size());
  std::string pad(width, ' ');
  std::vector<std::string> rows;
  int skipped = 0, gap_start = 0;
  auto close_gap = [&](int end) {
    if (gap_start == 0) return;
    rows.push_back(pad + "   | ... " + range_text(gap_start, end) + " left out to stay within the token budget ...");
    gap_start = 0;
  };
  auto removed = [&](int line) {
    auto it = view.removed_before.find(line);
    if (it == view.removed_before.end()) return;
    for (int old : it->second)
      if (old >= 1 && old <= static_cast<int>(view.old_lines.size()))
        rows.push_back(pad + " - | " + code_line(view.old_lines[old - 1]));
  };
  for (int line = unit.first; line <= unit.last && line <= count; ++line) {
    if (keep && !keep->count(line)) {
      if (gap_start == 0) gap_start = line;
      ++skipped;
      continue;
    }
    close_gap(line - 1);
    removed(line);
    std::string number = std::to_string(line);
    rows.push_back(std::string(width - number.size(), ' ') + number + (view.added.count(line) ? " + | " : "   | ") +
                   code_line(view.lines[line - 1]));
  }
  close_gap(std::min(unit.last, count));
  if (unit.last >= count || unit.first > unit.last)  // removed at the end of the file (or all of it)
    for (const auto& [line, lines] : view.removed_before)
      if (line > count || line < 1) removed(line);
  if (left_out) *left_out = skipped;
  std::vector<std::string_view> views(rows.begin(), rows.end());
  std::string fence = fence_for(views);
  std::string out = fence + (view.go ? "go" : "") + "\n";
  for (const auto& row : rows) out += row + "\n";
  return out + fence + "\n\n";
}

std::string unit_label(const FileView& view, const Unit& unit) {
  std::string where = range_text(unit.first, unit.last);
  if (unit.first > unit.last) where = "removed lines";
  return view.path + ": " + (unit.title.empty() ? where : report::printable(unit.title) + " (" + where + ")");
}

std::string render_unit(const FileView& view, const Unit& unit, const std::set<int>* keep, int* left_out) {
  int skipped = 0;
  std::string code = render_code(view, unit, keep, &skipped);
  std::string out = "### " + unit_label(view, unit) + "\n\n";
  if (!unit.finding_notes.empty()) {
    out += "Findings here:";
    for (size_t i = 0; i < unit.finding_notes.size(); ++i) out += (i ? ", " : " ") + unit.finding_notes[i];
    out += ".\n";
  }
  if (!unit.changed) out += "Not changed by the patch; shown because a finding points into it.\n";
  if (skipped > 0)
    out += "Shortened to stay within the token budget: " + std::to_string(skipped) + " of " +
           plural(static_cast<size_t>(unit.last - unit.first + 1), "line") + " left out.\n";
  if (!unit.finding_notes.empty() || !unit.changed || skipped > 0) out += "\n";
  if (left_out) *left_out = skipped;
  return out + code;
}

// The unit cut to fit max_tokens: its declaration line, changed lines and finding lines
// first, then the lines nearest them. Empty if not even those fit.
std::string shorten_unit(const FileView& view, const Unit& unit, int max_tokens, int* left_out) {
  // Each line's distance to the nearest anchor (a changed line, a finding's line); with no
  // anchor, from the top.
  const int size = unit.last - unit.first + 1;
  std::vector<int> distance(size, size);
  bool anchored = false;
  for (int i = 0; i < size; ++i) {
    int line = unit.first + i;
    if (view.added.count(line) || view.removed_before.count(line) || unit.finding_lines.count(line)) {
      distance[i] = 0;
      anchored = true;
    }
  }
  if (!anchored) distance[0] = 0;
  for (int i = 1; i < size; ++i) distance[i] = std::min(distance[i], distance[i - 1] + 1);
  for (int i = size - 2; i >= 0; --i) distance[i] = std::min(distance[i], distance[i + 1] + 1);
  std::vector<int> order;
  for (int i = 0; i < size; ++i) order.push_back(unit.first + i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    bool a_decl = a == unit.decl_line, b_decl = b == unit.decl_line;
    if (a_decl != b_decl) return a_decl;  // the signature first
    return distance[a - unit.first] < distance[b - unit.first];
  });

  // The most lines, in that order, whose rendering fits.
  size_t low = 0, high = order.size();
  std::string best;
  while (low < high) {
    size_t mid = (low + high + 1) / 2;
    std::set<int> keep(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(mid));
    int skipped = 0;
    std::string text = render_unit(view, unit, &keep, &skipped);
    if (estimate_tokens(text) <= max_tokens) {
      low = mid;
      best = std::move(text);
      if (left_out) *left_out = skipped;
    } else {
      high = mid - 1;
    }
  }
  return best;
}

std::string render_finding(const Finding& f) {
  std::string out = "- " + std::string(to_string(f.severity)) + " " + clean(f.rule) + " at " + clean(f.location.file);
  if (f.location.line > 0) out += ":" + std::to_string(f.location.line);
  if (!f.enclosing_function.empty()) out += ", in " + clean(f.enclosing_function);
  out += " (" + clean(f.source) + ")\n  " + clean(f.message) + "\n";
  for (const auto& r : f.related) {
    out += "  related: " + clean(r.location.file);
    if (r.location.line > 0) out += ":" + std::to_string(r.location.line);
    out += ": " + clean(r.message) + "\n";
  }
  if (!f.fix.empty()) out += "  fix: " + clean(f.fix) + "\n";
  if (!f.stack.empty()) {
    auto lines = split_lines(redact_secrets(f.stack));
    out += "  stack" + std::string(lines.size() > kMaxStackLines ? " (trimmed)" : "") + ":\n";
    for (size_t i = 0; i < lines.size() && i < kMaxStackLines; ++i) {
      std::string line = lines[i].size() > kMaxStackLineBytes ? lines[i].substr(0, kMaxStackLineBytes) + " ..." : lines[i];
      out += "      " + report::printable(line, {.tab = true}) + "\n";
    }
    if (lines.size() > kMaxStackLines) out += "      ... " + plural(lines.size() - kMaxStackLines, "more line") + "\n";
  }
  return out;
}

std::string finding_label(const Finding& f) {
  std::string out = "finding " + clean(f.rule) + " at " + clean(f.location.file);
  if (f.location.line > 0) out += ":" + std::to_string(f.location.line);
  return out;
}

std::string render_head(const git::ChangeSet& change, const std::vector<FileView>& views) {
  std::string out = "# Review packet: " + clean(change.description) + "\n\n";
  if (!change.commits.empty()) {
    out += "Commits (newest first):";
    for (size_t i = 0; i < change.commits.size() && i < 10; ++i)
      out += (i ? ", " : " ") + clean(change.commits[i].substr(0, 12));
    if (change.commits.size() > 10) out += ", and " + std::to_string(change.commits.size() - 10) + " more";
    out += "\n\n";
  }
  auto message = split_lines(redact_secrets(change.message));
  while (!message.empty() && message.back().find_first_not_of(" \t") == std::string::npos) message.pop_back();
  if (!message.empty()) {
    out += "Commit message:\n\n";
    for (size_t i = 0; i < message.size() && i < kMaxMessageLines; ++i)
      out += "    " + report::printable(message[i], {.tab = true}) + "\n";
    if (message.size() > kMaxMessageLines) out += "    ... " + plural(message.size() - kMaxMessageLines, "more line") + "\n";
    out += "\n";
  }
  if (change.whole_tree) {
    out += "Files: the whole tree (" + plural(views.size(), "file") +
           "); only the code that findings point into is shown.\n\n";
    return out;
  }
  out += "Files changed (" + std::to_string(views.size()) + "):\n";
  for (size_t i = 0; i < views.size() && i < kMaxListedFiles; ++i) {
    const FileView& view = views[i];
    const git::ChangedFile& file = *view.file;
    out += "- " + view.path + ": " + to_string(file.status);
    if (file.old_path != file.path) out += " from " + clean(file.old_path);
    if (view.plus || view.minus) out += ", +" + std::to_string(view.plus) + " -" + std::to_string(view.minus);
    if (file.status != git::FileStatus::kDeleted && !view.not_shown.empty()) out += ", not shown: " + clean(view.not_shown);
    out += "\n";
  }
  if (views.size() > kMaxListedFiles) out += "- ... and " + plural(views.size() - kMaxListedFiles, "more file") + "\n";
  return out + "\n";
}

std::string render_checklist() {
  std::string out = "## Checklist\n\nThe team asks these of every concurrency change:\n\n";
  for (int n = 1; n <= 5; ++n) out += std::to_string(n) + ". " + report::checklist_title(n) + "\n";
  return out + "\n";
}

const char* kFindingsIntro =
    "From patchgate's static rules and race runs: leads to confirm, refute or extend, not conclusions.\n\n";
const char* kCodeIntro =
    "Each line starts with its number in the new revision; `+` marks an added or changed line and `-` a removed "
    "line (removed lines have no number). Quote code without the number and the gutter.\n\n";

// Adds pieces while their estimates fit; the estimate of the whole never exceeds the sum.
struct Assembly {
  std::string text;
  int used = 0;
  std::vector<std::string> omitted;

  bool fits(const std::string& piece, int limit) const { return used + estimate_tokens(piece) <= limit; }
  void add(const std::string& piece) {
    text += piece;
    used += estimate_tokens(piece);
  }
};

}  // namespace

Packet build_packet(const git::ChangeSet& change, const std::vector<Finding>& findings, const std::string& repo_notes,
                    int token_budget) {
  const int budget = std::max(token_budget, 1);
  std::vector<const Finding*> leads;
  std::set<std::string> finding_files;
  for (const auto& f : findings) {
    if (f.source == "model") continue;
    leads.push_back(&f);
    finding_files.insert(f.location.file);
    for (const auto& r : f.related) finding_files.insert(r.location.file);
  }
  std::vector<FileView> views;
  views.reserve(change.files.size());
  for (const auto& file : change.files)
    views.push_back(view_of(change, file, !change.whole_tree || finding_files.count(file.path)));

  // The code, most important first.
  std::vector<Unit> units;
  for (size_t i = 0; i < views.size(); ++i) {
    const FileView& view = views[i];
    if (view.lines.empty() && view.removed_before.empty()) continue;
    Marks marks;
    for (const Finding* f : leads) {
      if (f->location.file == view.file->path && f->location.line > 0)
        marks.at.insert({f->location.line, {0, clean(f->rule) + " (line " + std::to_string(f->location.line) + ")"}});
      for (const auto& r : f->related)
        if (r.location.file == view.file->path && r.location.line > 0) marks.at.insert({r.location.line, {1, ""}});
    }
    for (auto& unit : units_of(i, view, marks)) units.push_back(std::move(unit));
  }
  std::stable_sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    return std::tie(a.rank, a.view, a.first) < std::tie(b.rank, b.view, b.first);
  });

  std::string findings_head = "## Findings already reported (" + std::to_string(leads.size()) + ")\n\n" +
                              (leads.empty() ? std::string("None.\n\n") : std::string(kFindingsIntro));
  std::vector<std::string> finding_texts;
  for (const Finding* f : leads) finding_texts.push_back(render_finding(*f));
  std::vector<std::string> note_lines;
  for (const auto& line : split_lines(redact_secrets(repo_notes)))
    note_lines.push_back(line.empty() ? ">" : "> " + report::printable(line, {.tab = true}));
  while (!note_lines.empty() && note_lines.back() == ">") note_lines.pop_back();
  const std::string notes_head = "## Repository notes (.patchgate/review-notes.md)\n\n";
  auto notes_text = [&](size_t lines) {
    std::string out = notes_head;
    for (size_t i = 0; i < lines && i < note_lines.size(); ++i) out += note_lines[i] + "\n";
    if (lines < note_lines.size())
      out += ">\n> ... " + plural(note_lines.size() - lines, "more line") + " left out to stay within the token budget\n";
    return out + "\n";
  };
  const std::string code_head = "## Changed code\n\n" + std::string(units.empty() ? "No code to show.\n\n" : kCodeIntro);

  Assembly packet_text;
  packet_text.add(render_head(change, views));
  packet_text.add(render_checklist());

  // Everything, when it fits.
  Assembly whole = packet_text;
  whole.add(findings_head);
  for (const auto& text : finding_texts) whole.add(text);
  if (!note_lines.empty()) whole.add(notes_text(note_lines.size()));
  whole.add(code_head);
  for (const auto& unit : units) whole.add(render_unit(views[unit.view], unit, nullptr, nullptr));
  if (whole.used <= budget) {
    packet_text = std::move(whole);
  } else {
    // Room is kept for the list of what was left out.
    const int reserve = std::clamp(budget / 10, 64, 2000);
    const int limit = std::max(budget - reserve, packet_text.used);
    std::vector<std::string>& omitted = packet_text.omitted;

    // Findings: up to a third of the budget.
    const int findings_limit = std::min(limit, packet_text.used + budget / 3);
    bool head_added = false;
    for (size_t i = 0; i < finding_texts.size(); ++i) {
      std::string piece = (head_added ? "" : findings_head) + finding_texts[i];
      if (packet_text.fits(piece, findings_limit)) {
        packet_text.add(piece);
        head_added = true;
      } else {
        omitted.push_back(finding_label(*leads[i]));
      }
    }
    if (!head_added && leads.empty() && packet_text.fits(findings_head, limit)) packet_text.add(findings_head);

    // Notes: up to a quarter, shortened from the end.
    if (!note_lines.empty()) {
      const int notes_limit = std::min(limit, packet_text.used + budget / 4);
      size_t lines = note_lines.size();
      while (lines > 0 && !packet_text.fits(notes_text(lines), notes_limit)) lines = lines * 3 / 4;
      if (lines > 0) packet_text.add(notes_text(lines));
      if (lines < note_lines.size())
        omitted.push_back("repository notes, " +
                          range_text(static_cast<int>(lines) + 1, static_cast<int>(note_lines.size())));
    }

    // Code: whole units while they fit; one too big for what is left is shortened.
    bool code_added = false;
    for (const auto& unit : units) {
      const FileView& view = views[unit.view];
      std::string head = code_added ? "" : code_head;
      std::string piece = head + render_unit(view, unit, nullptr, nullptr);
      if (packet_text.fits(piece, limit)) {
        packet_text.add(piece);
        code_added = true;
        continue;
      }
      int room = limit - packet_text.used - estimate_tokens(head);
      int left_out = 0;
      std::string shortened = room >= kMinShortenedTokens ? shorten_unit(view, unit, room, &left_out) : "";
      if (!shortened.empty()) {
        packet_text.add(head + shortened);
        code_added = true;
        omitted.push_back(unit_label(view, unit) + ": " + std::to_string(left_out) + " of its " +
                          plural(static_cast<size_t>(unit.last - unit.first + 1), "line") + " left out");
      } else {
        omitted.push_back(unit_label(view, unit));
      }
    }

    if (!omitted.empty()) {
      int room = budget - packet_text.used;
      std::string section = "## Left out to stay within the token budget\n\nThe packet is limited to about " +
                            std::to_string(budget) + " tokens; " + plural(omitted.size(), "item") + " left out:\n\n";
      size_t listed = 0;
      for (; listed < omitted.size(); ++listed) {
        std::string line = "- " + omitted[listed] + "\n";
        std::string more = "- ... and " + std::to_string(omitted.size() - listed - 1) + " more\n";
        bool last = listed + 1 == omitted.size();
        if (estimate_tokens(section + line + (last ? "" : more)) > room) break;
        section += line;
      }
      if (listed < omitted.size()) section += "- ... and " + std::to_string(omitted.size() - listed) + " more\n";
      if (estimate_tokens(section) <= room) packet_text.add(section);
    }
  }

  Packet packet;
  packet.text = std::move(packet_text.text);
  while (packet.text.size() >= 2 && packet.text.compare(packet.text.size() - 2, 2, "\n\n") == 0) packet.text.pop_back();
  packet.estimated_tokens = estimate_tokens(packet.text);
  packet.omitted = std::move(packet_text.omitted);
  for (size_t pos = packet.text.find("[REDACTED:"); pos != std::string::npos; pos = packet.text.find("[REDACTED:", pos + 1))
    ++packet.redactions;
  return packet;
}

}  // namespace patchgate::review
