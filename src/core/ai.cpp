#include "core/ai.h"

#include <git2.h>

#include <regex>
#include <sstream>

namespace patchgate {

std::optional<AiMode> parse_ai_mode(const std::string& text) {
  if (text == "auto") return AiMode::kAuto;
  if (text == "yes") return AiMode::kYes;
  if (text == "no") return AiMode::kNo;
  return std::nullopt;
}

const std::vector<std::string>& default_ai_patterns() {
  static const std::vector<std::string> patterns = {
      R"(^co-authored-by:.*<noreply@anthropic\.com>)",
      R"(generated with \[claude code\])",
      R"(^co-authored-by: *aider \()",
      R"(^co-authored-by:.*<aider@aider\.chat>)",
      R"(^co-authored-by: *copilot\b)",
      R"(^co-authored-by: *cursor\b)",
      R"(^made-with: *cursor)",
      R"(^co-authored-by:.*\b(codex|devin|gemini|jules|openhands|cline)\b)",
      R"(^generated-by: )",
  };
  return patterns;
}

const std::vector<std::string>& default_ai_env() {
  static const std::vector<std::string> env = {"CLAUDECODE=1", "GEMINI_CLI=1", "CODEX_SANDBOX", "CURSOR_AGENT=1",
                                               "AIDER_MODEL", "OPENHANDS_RUNTIME"};
  return env;
}

std::vector<AiNoteFile> parse_git_ai_note(const std::string& note) {
  std::vector<AiNoteFile> files;
  std::istringstream in(note);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "---") break;  // the JSON metadata follows
    if (line.empty()) continue;
    if (line[0] != ' ' && line[0] != '\t') {
      files.push_back({line, {}});
      continue;
    }
    if (files.empty()) continue;
    // "  <session id> 1-5,10"
    std::istringstream fields(line);
    std::string session, ranges;
    if (!(fields >> session >> ranges)) continue;
    std::istringstream list(ranges);
    std::string range;
    while (std::getline(list, range, ',')) {
      try {
        size_t dash = range.find('-');
        int first = std::stoi(range.substr(0, dash));
        int last = dash == std::string::npos ? first : std::stoi(range.substr(dash + 1));
        if (first > 0 && last >= first) files.back().lines.emplace_back(first, last);
      } catch (const std::exception&) {
        // not a line spec; skip it
      }
    }
  }
  return files;
}

namespace {

std::string first_line_matching(const std::string& message, const std::vector<std::string>& patterns) {
  std::istringstream in(message);
  std::string line;
  while (std::getline(in, line)) {
    for (const auto& pattern : patterns) {
      try {
        if (std::regex_search(line, std::regex(pattern, std::regex::icase | std::regex::ECMAScript))) return line;
      } catch (const std::regex_error&) {
        // validated when the config is read; a bad default would be a bug
      }
    }
  }
  return "";
}

std::optional<std::string> note_for(const git::Repository& repo, const std::string& commit) {
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) != 0) return std::nullopt;
  git_note* note = nullptr;
  if (git_note_read(&note, repo.get(), "refs/notes/ai", &oid) != 0) return std::nullopt;
  std::string text = git_note_message(note) ? git_note_message(note) : "";
  git_note_free(note);
  return text;
}

}  // namespace

AiDecision decide_ai(const git::Repository& repo, const git::ChangeSet& change, AiMode mode,
                     const std::vector<std::string>& patterns, const std::vector<std::string>& env,
                     const std::function<const char*(const char*)>& getenv) {
  if (mode == AiMode::kYes) return {true, "--ai yes"};
  if (mode == AiMode::kNo) return {false, "--ai no"};
  if (std::string line = first_line_matching(change.message, patterns); !line.empty())
    return {true, "commit message: \"" + line + "\""};
  // git-ai notes on the change's commits covering a changed line.
  for (const auto& commit : change.commits) {
    auto note = note_for(repo, commit);
    if (!note) continue;
    for (const auto& file : parse_git_ai_note(*note))
      for (const auto& changed : change.files) {
        if (changed.path != file.path) continue;
        for (const auto& [first, last] : file.lines)
          if (change.whole_tree || changed.added_lines.touches(first, last))
            return {true, "git-ai note on " + commit.substr(0, 12) + " marks " + file.path + ":" +
                              std::to_string(first) + (last > first ? "-" + std::to_string(last) : "") + " as AI-authored"};
      }
  }
  // No commit yet (staged, worktree): is this command running inside a coding agent?
  if (change.commits.empty()) {
    for (const auto& entry : env) {
      std::string name = entry.substr(0, entry.find('='));
      const char* value = getenv(name.c_str());
      if (!value) continue;
      bool wants_value = entry.find('=') != std::string::npos;
      if (!wants_value || entry.substr(entry.find('=') + 1) == value)
        return {true, "running inside a coding agent (" + name + "=" + value + ")"};
    }
  }
  std::string where = change.commits.empty() ? "no agent environment variable set"
                                             : "no agent trailer or git-ai note on the change's commits";
  return {false, where};
}

}  // namespace patchgate
