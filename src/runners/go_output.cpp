#include "runners/go_output.h"

#include <cctype>
#include <cstdlib>
#include <map>

namespace patchgate::runners {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int to_int(std::string_view s) {
  int value = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    if (value > 100000000) break;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "example.com/x.(*T).M(0xc000, ...)" -> "example.com/x.(*T).M"
std::string function_name(std::string_view line) {
  line = trim(line);
  if (!line.empty() && line.back() == ')') {
    size_t open = line.rfind('(');
    // `(*T).M()` has its args' '(' last; a bare `(*T)` would not end a call line.
    if (open != std::string_view::npos && open > 0) line = line.substr(0, open);
  }
  return std::string(line);
}

// "\t/path/file.go:7 +0x76" -> file and line; false if the line is not a location.
bool parse_location(std::string_view line, Frame& frame) {
  line = trim(line);
  if (size_t plus = line.find(" +0x"); plus != std::string_view::npos) line = line.substr(0, plus);
  size_t colon = line.rfind(':');
  if (colon == std::string_view::npos || !all_digits(line.substr(colon + 1))) return false;
  frame.file = std::string(line.substr(0, colon));
  frame.line = to_int(line.substr(colon + 1));
  return !frame.file.empty();
}

// Frames as Go prints them: a function line, then an indented location line. Stops at the
// first line that is neither (a blank line, a new heading). Returns the index after the stack.
size_t parse_frames(const std::vector<std::string_view>& lines, size_t i, std::vector<Frame>& frames,
                    Frame* created_by = nullptr) {
  while (i < lines.size()) {
    std::string_view line = lines[i];
    if (trim(line).empty()) break;
    if (starts_with(trim(line), "...additional frames elided...")) {
      ++i;
      continue;
    }
    bool indented = line.front() == ' ' || line.front() == '\t';
    // Race reports indent function lines by two spaces and locations by six; dumps use none and a tab.
    if (indented && starts_with(line, "\t")) break;  // a stray location
    if (i + 1 >= lines.size()) break;
    Frame frame;
    if (!parse_location(lines[i + 1], frame)) break;
    std::string_view fn = trim(line);
    if (starts_with(fn, "created by ")) {
      fn.remove_prefix(11);
      if (size_t in = fn.find(" in goroutine "); in != std::string_view::npos) fn = fn.substr(0, in);
      frame.function = std::string(fn);
      if (created_by) *created_by = frame;
    } else {
      frame.function = function_name(fn);
      frames.push_back(frame);
    }
    i += 2;
  }
  return i;
}

// "goroutine 7 [sync.Mutex.Lock, 2 minutes]:" -> id and state.
bool parse_goroutine_header(std::string_view line, Goroutine& g) {
  if (!starts_with(line, "goroutine ")) return false;
  size_t open = line.find(" [");
  size_t close = line.rfind("]:");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
  std::string_view id = line.substr(10, open - 10);
  if (!all_digits(id)) return false;
  g.id = to_int(id);
  std::string_view state = line.substr(open + 2, close - open - 2);
  if (size_t comma = state.find(','); comma != std::string_view::npos) state = state.substr(0, comma);
  g.state = std::string(state);
  return true;
}

// "Write at 0x00c000018228 by goroutine 8:" / "Previous read at ... by main goroutine:"
bool parse_access_header(std::string_view line, Access& access) {
  line = trim(line);
  size_t at = line.find(" at 0x");
  size_t by = line.find(" by ");
  if (at == std::string_view::npos || by == std::string_view::npos || line.empty() || line.back() != ':') return false;
  std::string kind;
  for (char c : line.substr(0, at)) kind.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  access.kind = kind;
  std::string_view who = line.substr(by + 4);
  if (size_t g = who.find("goroutine "); g != std::string_view::npos) access.goroutine = to_int(who.substr(g + 10));
  return true;
}

DataRace parse_race_block(const std::vector<std::string_view>& lines, size_t begin, size_t end) {
  DataRace race;
  for (size_t i = begin; i < end; ++i) race.text += std::string(lines[i]) + "\n";
  size_t i = begin;
  while (i < end) {
    std::string_view line = lines[i];
    Access access;
    if (parse_access_header(line, access)) {
      i = parse_frames(lines, i + 1, access.frames);
      if (starts_with(access.kind, "previous")) {
        race.previous = std::move(access);
      } else if (race.current.kind.empty()) {
        race.current = std::move(access);
      }
      continue;
    }
    if (starts_with(line, "Goroutine ") && line.find(" created at:") != std::string_view::npos) {
      int id = to_int(line.substr(10));
      std::vector<Frame> frames;
      i = parse_frames(lines, i + 1, frames);
      race.created_at.emplace_back(id, std::move(frames));
      continue;
    }
    ++i;
  }
  return race;
}

}  // namespace

std::vector<Goroutine> parse_goroutines(std::string_view text) {
  std::vector<Goroutine> out;
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size();) {
    Goroutine g;
    if (!parse_goroutine_header(lines[i], g)) {
      ++i;
      continue;
    }
    i = parse_frames(lines, i + 1, g.frames, &g.created_by);
    out.push_back(std::move(g));
  }
  return out;
}

GoTestOutput parse_go_test_output(std::string_view text) {
  GoTestOutput out;
  auto lines = split_lines(text);
  std::string dump_text;
  bool in_dump = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line == "WARNING: DATA RACE") {
      size_t end = i + 1;
      while (end < lines.size() && !starts_with(lines[end], "==================")) ++end;
      out.races.push_back(parse_race_block(lines, i + 1, end));
      i = end;
      continue;
    }
    if (line == kLeakBegin) {
      std::string block;
      size_t end = i + 1;
      while (end < lines.size() && lines[end] != kLeakEnd) block += std::string(lines[end++]) + "\n";
      auto leaked = parse_goroutines(block);
      out.leaked.insert(out.leaked.end(), leaked.begin(), leaked.end());
      i = end;
      continue;
    }
    if (starts_with(line, "fatal error: all goroutines are asleep - deadlock!")) {
      out.deadlock = true;
      in_dump = true;
      continue;
    }
    if (starts_with(line, "panic: test timed out after ")) {
      out.timed_out_after = std::string(trim(line.substr(28)));
      in_dump = true;
      continue;
    }
    if ((starts_with(line, "panic: ") || starts_with(line, "fatal error: ")) && out.panic.empty() &&
        out.timed_out_after.empty() && !out.deadlock) {
      out.panic = std::string(line);
      in_dump = true;
      continue;
    }
    if (in_dump) {
      // The dump runs to the FAIL line of the package (or the end).
      if (starts_with(line, "FAIL\t") || line == "FAIL" || starts_with(line, "exit status ")) {
        in_dump = false;
      } else {
        dump_text += std::string(line) + "\n";
        continue;
      }
    }
    if (starts_with(trim(line), "--- FAIL: ")) {  // subtests are indented under their parent
      TestFailure failure;
      std::string_view name = trim(line).substr(10);
      failure.test = std::string(name.substr(0, name.find(' ')));
      // The first `    file_test.go:12: message` under it.
      for (size_t j = i + 1; j < lines.size() && j < i + 50; ++j) {
        std::string_view detail = trim(lines[j]);
        if (starts_with(detail, "--- ") || starts_with(lines[j], "FAIL") || starts_with(lines[j], "=== ")) break;
        if (starts_with(detail, "testing.go:") && detail.find("race detected") == std::string_view::npos) continue;
        size_t colon = detail.find(".go:");
        if (colon == std::string_view::npos) continue;
        std::string_view rest = detail.substr(colon + 4);
        size_t end = rest.find(':');
        if (end == std::string_view::npos || !all_digits(rest.substr(0, end))) continue;
        failure.file = std::string(detail.substr(0, colon + 3));
        failure.line = to_int(rest);
        failure.message = std::string(trim(rest.substr(end + 1)));
        break;
      }
      out.failures.push_back(std::move(failure));
      continue;
    }
    if (starts_with(line, "ok  ") || starts_with(line, "ok\t")) out.passed = true;
    if (line.find("[no test files]") != std::string_view::npos) out.no_test_files = true;
    if (line.find("[build failed]") != std::string_view::npos || line.find("[setup failed]") != std::string_view::npos)
      out.build_failed = true;
    if (starts_with(line, "go: ") || starts_with(line, "package ") || starts_with(line, "can't load package")) {
      out.build_failed = true;
      out.build_errors.push_back({"", 0, 0, std::string(line)});
      continue;
    }
    // Compiler and vet errors: `./x.go:5:2: undefined: foo` (indented continuation lines are skipped).
    if (!line.empty() && line.front() != ' ' && line.front() != '\t') {
      size_t go = line.find(".go:");
      if (go != std::string_view::npos && line.find(' ') > go) {
        std::string_view rest = line.substr(go + 4);
        size_t c1 = rest.find(':');
        size_t c2 = c1 == std::string_view::npos ? c1 : rest.find(':', c1 + 1);
        if (c1 != std::string_view::npos && all_digits(rest.substr(0, c1))) {
          BuildError error;
          std::string_view file = line.substr(0, go + 3);
          if (starts_with(file, "./")) file.remove_prefix(2);
          error.file = std::string(file);
          error.line = to_int(rest);
          bool has_column = c2 != std::string_view::npos && all_digits(rest.substr(c1 + 1, c2 - c1 - 1));
          error.column = has_column ? to_int(rest.substr(c1 + 1)) : 0;
          error.message = std::string(trim(rest.substr((has_column ? c2 : c1) + 1)));
          out.build_errors.push_back(std::move(error));
        }
      }
    }
  }
  if (!out.build_errors.empty() && !out.passed && out.races.empty() && out.failures.empty()) out.build_failed = true;
  out.dump = parse_goroutines(dump_text);
  return out;
}

std::vector<GoroutineGroup> group_goroutines(const std::vector<Goroutine>& goroutines,
                                             const std::function<bool(const std::string& file)>& inside) {
  std::vector<GoroutineGroup> groups;
  std::map<std::string, size_t> index;
  for (const auto& g : goroutines) {
    size_t first = g.frames.size();
    for (size_t i = 0; i < g.frames.size(); ++i)
      if (inside(g.frames[i].file)) {
        first = i;
        break;
      }
    std::string key = g.state + "|" +
                      (first < g.frames.size() ? g.frames[first].file + ":" + std::to_string(g.frames[first].line) : "");
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back({g.state, 0, first, g});
    groups[it->second].count++;
  }
  return groups;
}

std::vector<TsanReport> parse_tsan_output(std::string_view text) {
  std::vector<TsanReport> reports;
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    constexpr std::string_view kWarning = "WARNING: ThreadSanitizer: ";
    if (!starts_with(line, kWarning)) continue;
    TsanReport report;
    std::string_view kind = line.substr(kWarning.size());
    if (size_t pid = kind.find(" (pid="); pid != std::string_view::npos) kind = kind.substr(0, pid);
    report.kind = std::string(kind);
    size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      std::string_view l = lines[j];
      if (starts_with(l, "==================") || starts_with(l, "SUMMARY: ThreadSanitizer") || starts_with(l, kWarning))
        break;
      report.text += std::string(l) + "\n";
      std::string_view t = trim(l);
      if (t.empty()) continue;
      if (t.front() == '#') {
        // "#0 inc() /tmp/race.cpp:3 (race+0x122f)": function, then file:line[:col], then the module.
        if (report.stacks.empty()) continue;
        std::string_view rest = t.substr(t.find(' ') == std::string_view::npos ? t.size() : t.find(' ') + 1);
        if (size_t module = rest.rfind(" ("); module != std::string_view::npos) rest = rest.substr(0, module);
        size_t space = rest.rfind(' ');
        Frame frame;
        std::string_view where = space == std::string_view::npos ? rest : rest.substr(space + 1);
        frame.function = std::string(space == std::string_view::npos ? std::string_view{} : rest.substr(0, space));
        // file:line or file:line:col
        size_t c1 = where.rfind(':');
        if (c1 != std::string_view::npos && all_digits(where.substr(c1 + 1))) {
          std::string_view head = where.substr(0, c1);
          size_t c0 = head.rfind(':');
          if (c0 != std::string_view::npos && all_digits(head.substr(c0 + 1))) {
            frame.file = std::string(head.substr(0, c0));
            frame.line = to_int(head.substr(c0 + 1));
          } else {
            frame.file = std::string(head);
            frame.line = to_int(where.substr(c1 + 1));
          }
        } else {
          frame.file = std::string(where);
        }
        report.stacks.back().second.push_back(std::move(frame));
        continue;
      }
      if (t.back() == ':') report.stacks.push_back({std::string(t.substr(0, t.size() - 1)), {}});
    }
    reports.push_back(std::move(report));
    i = j - 1;
  }
  return reports;
}

}  // namespace patchgate::runners
