#include "review/grounding.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>

#include "lang/go.h"
#include "review/go_source.h"
#include "review/redact.h"

namespace patchgate::review {

namespace {



bool has_code(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

// The packet's gutter, if the model copied it: "  24 + | code" -> "code".
std::optional<std::string> without_gutter(const std::string& line) {
  size_t i = line.find_first_not_of(' ');
  if (i == std::string::npos || !std::isdigit(static_cast<unsigned char>(line[i]))) return std::nullopt;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i < line.size() && (line[i] == '+' || line[i] == '-')) ++i;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i >= line.size() || line[i] != '|') return std::nullopt;
  ++i;
  if (i < line.size() && line[i] == ' ') ++i;
  return line.substr(i);
}

// The quote as lines worth matching: folded, blank ones dropped, each with its gutter-free
// variant when the model copied the packet's gutter.
std::vector<std::vector<std::string>> quote_lines(const std::string& quote) {
  std::vector<std::vector<std::string>> out;
  for (const auto& line : split_lines(quote)) {
    std::vector<std::string> forms;
    if (std::string folded = fold_whitespace(line); !folded.empty()) forms.push_back(folded);
    if (auto bare = without_gutter(line)) {
      if (std::string folded = fold_whitespace(*bare); !folded.empty()) forms.push_back(folded);
    }
    if (!forms.empty()) out.push_back(std::move(forms));
  }
  return out;
}

constexpr size_t kMinPartialQuote = 10;  // shorter quotes must be the whole line

bool matches(const std::string& line, const std::vector<std::string>& forms) {
  for (const auto& form : forms)
    if (line == form || (form.size() >= kMinPartialQuote && line.find(form) != std::string::npos)) return true;
  return false;
}

struct FileLines {
  std::vector<std::string> raw, folded, redacted;  // redacted: folded, filled when a quote needs it
};

// The line (1-based) where the quote is found nearest to [first, last], searching
// [first - slack, last + slack]; 0 if nowhere.
int find_quote(FileLines& file, const std::vector<std::vector<std::string>>& quote, int first, int last,
               bool redacted_quote) {
  int count = static_cast<int>(file.folded.size());
  if (redacted_quote && file.redacted.empty()) {
    std::string joined;
    for (const auto& line : file.raw) joined += line + "\n";
    for (const auto& line : split_lines(redact_secrets(joined))) file.redacted.push_back(fold_whitespace(line));
    file.redacted.resize(file.raw.size());
  }
  auto line_matches = [&](int line, const std::vector<std::string>& forms) {
    if (line < 1 || line > count) return false;
    return matches(file.folded[line - 1], forms) || (redacted_quote && matches(file.redacted[line - 1], forms));
  };
  // All of the quote's lines, one after another; else its first line that has code on it.
  auto whole = [&](int line) {
    for (size_t k = 0; k < quote.size(); ++k)
      if (!line_matches(line + static_cast<int>(k), quote[k])) return false;
    return true;
  };
  size_t anchor = 0;
  while (anchor + 1 < quote.size() && !has_code(quote[anchor].front())) ++anchor;
  auto first_line = [&](int line) { return line_matches(line, quote[anchor]); };

  int low = std::max(1, first - kGroundingSlack), high = std::min(count, last + kGroundingSlack);
  for (auto test : {std::function<bool(int)>(whole), std::function<bool(int)>(first_line)}) {
    int best = 0, best_distance = 0;
    for (int line = low; line <= high; ++line) {
      if (!test(line)) continue;
      int distance = line < first ? first - line : line > last ? line - last : 0;
      if (best == 0 || distance < best_distance) best = line, best_distance = distance;
    }
    if (best) return best;
  }
  return 0;
}

Severity severity_of(const std::string& word) {
  if (word == "critical" || word == "high") return Severity::kError;
  if (word == "medium") return Severity::kWarning;
  return Severity::kNote;
}

// Which checklist item a claim answers, by what it talks about: errors (4), a helper's or
// caller's lock state (2), new primitives (1); anything else is an anti-pattern (3).
int checklist_item(const ModelFinding& finding) {
  std::string text;
  for (char c : finding.title + " " + finding.trigger)
    text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto says = [&](std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(), [&](const char* w) { return text.find(w) != std::string::npos; });
  };
  if (says({"deadlock", "double lock", "re-lock", "relock", "reentran", "already hold", "already held", "lock order",
            "across", "leak", "race"}))
    return 3;
  if (says({"error", "errgroup", "propagat"})) return 4;
  if (says({"helper", "caller", "lock state", "requires", "without holding", "not held", "unlocked"})) return 2;
  if (says({"new mutex", "new channel", "new goroutine", "inventor"})) return 1;
  return 3;
}

// go-style messages: a lowercase first letter (unless the first word is an identifier such as
// "RLock" or "HTTP"), no final period.
std::string message_of(const std::string& title) {
  std::string message = fold_whitespace(title);
  while (!message.empty() && message.back() == '.') message.pop_back();
  if (message.size() >= 2 && std::isupper(static_cast<unsigned char>(message[0])) &&
      std::islower(static_cast<unsigned char>(message[1])))
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  return message.empty() ? "the review model reports a problem here" : message;
}

bool may_block(const ModelFinding& finding, BlockOn block_on) {
  switch (block_on) {
    case BlockOn::kNever: return false;
    case BlockOn::kGrounded: return true;
    case BlockOn::kGroundedHigh:
      return (finding.severity == "critical" || finding.severity == "high") && finding.confidence >= 0.7;
  }
  return false;
}

const git::ChangedFile* find_file(const git::ChangeSet& change, std::string& path) {
  auto lookup = [&](const std::string& candidate) -> const git::ChangedFile* {
    for (const auto& file : change.files)
      if (file.path == candidate) return &file;
    return nullptr;
  };
  if (const auto* file = lookup(path)) return file;
  // What a model may add in front: "./", or a diff's "a/" and "b/".
  for (const char* prefix : {"./", "b/", "a/"}) {
    std::string p(prefix);
    if (path.compare(0, p.size(), p) == 0)
      if (const auto* file = lookup(path.substr(p.size()))) {
        path = file->path;
        return file;
      }
  }
  return nullptr;
}

std::string range_text(int first, int last) {
  return first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

std::string title_slug(const std::string& title) {
  constexpr size_t kMax = 40;
  std::string slug;
  for (char c : title) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80)
      slug.push_back(static_cast<char>(std::tolower(u)));
    else if (!slug.empty() && slug.back() != '-')
      slug.push_back('-');
  }
  if (slug.size() > kMax) {
    size_t cut = slug.rfind('-', kMax);
    slug.resize(cut != std::string::npos && cut >= kMax / 2 ? cut : kMax);
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "finding" : slug;
}

Grounding ground(const ModelReview& review, const git::ChangeSet& change, BlockOn block_on) {
  Grounding out;
  std::map<std::string, FileLines> files;
  std::map<std::string, std::vector<GoDeclaration>> declarations;
  for (const auto& claim : review.findings) {
    UngroundedRecord record{claim.file, claim.line_start, claim.line_end, claim.quote, claim.title,
                            claim.severity, claim.confidence, ""};
    auto reject = [&](std::string reason) {
      record.reason = std::move(reason);
      out.ungrounded.push_back(record);
    };
    std::string path = claim.file;
    const git::ChangedFile* changed = find_file(change, path);
    if (!changed) {
      reject("file not in the change");
      continue;
    }
    if (changed->status == git::FileStatus::kDeleted) {
      reject("file deleted by the change");
      continue;
    }
    auto quote = quote_lines(claim.quote);
    if (quote.empty()) {
      reject("the quote is empty");
      continue;
    }
    if (std::none_of(quote.begin(), quote.end(), [](const auto& forms) { return has_code(forms.front()); })) {
      reject("the quote has no code in it to find");
      continue;
    }
    auto cached = files.find(path);
    if (cached == files.end()) {
      auto content = change.revision ? change.revision->read(path) : std::nullopt;
      if (!content) {
        reject("file not readable at the new revision");
        continue;
      }
      FileLines lines;
      lines.raw = split_lines(*content);
      for (const auto& line : lines.raw) lines.folded.push_back(fold_whitespace(line));
      cached = files.emplace(path, std::move(lines)).first;
    }
    FileLines& lines = cached->second;
    int count = static_cast<int>(lines.raw.size());
    int first = std::min(claim.line_start, claim.line_end), last = std::max(claim.line_start, claim.line_end);
    first = std::max(first, 1);
    last = std::max(last, first);
    if (first > count) {
      reject("line " + std::to_string(first) + " is past the end of the file (" + std::to_string(count) + " lines)");
      continue;
    }
    last = std::min(last, count);
    bool redacted_quote = claim.quote.find("[REDACTED:") != std::string::npos;
    int line = find_quote(lines, quote, first, last, redacted_quote);
    if (line == 0) {
      reject("quoted text not found within " + std::to_string(kGroundingSlack) + " lines of " + range_text(first, last));
      continue;
    }

    Finding f;
    f.rule = "review-" + title_slug(claim.title);
    f.severity = severity_of(claim.severity);
    f.category = "model";
    f.checklist = checklist_item(claim);
    f.message = message_of(claim.title);
    const std::string& text = lines.raw[line - 1];
    size_t indent = text.find_first_not_of(" \t");
    f.location = {path, line, static_cast<int>(indent == std::string::npos ? 1 : indent + 1), line,
                  static_cast<int>(text.size()) + 1};
    f.fix = fold_whitespace(claim.recommendation);
    f.snippet = text;
    f.source = "model";
    f.confidence = claim.confidence;
    f.advisory = !may_block(claim, block_on);
    f.on_changed_line = changed->touched_lines.contains(line);
    if (lang::is_go_file(path)) {
      auto decls = declarations.find(path);
      if (decls == declarations.end()) {
        std::string joined;
        for (const auto& l : lines.raw) joined += l + "\n";
        decls = declarations.emplace(path, go_declarations(joined)).first;
      }
      if (const auto* decl = declaration_at(decls->second, line); decl && decl->kind == GoDeclaration::Kind::kFunction)
        f.enclosing_function = decl->name;
    }
    std::string trigger = fold_whitespace(claim.trigger), falsification = fold_whitespace(claim.falsification);
    if (!trigger.empty()) f.stack += "trigger: " + trigger + "\n";
    if (!falsification.empty()) f.stack += "falsified by: " + falsification + "\n";
    f.fingerprint = compute_fingerprint(f, text, "");
    out.findings.push_back(std::move(f));
  }
  return out;
}

}  // namespace patchgate::review
