#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/git/change_set.h"
#include "core/git/repository.h"

// Whether a change was written by a coding agent, and why patchgate thinks so: commit
// trailers, git-ai authorship notes, or (for a change with no commit yet) the environment of
// the command.
namespace patchgate {

enum class AiMode { kAuto, kYes, kNo };
std::optional<AiMode> parse_ai_mode(const std::string& text);

struct AiDecision {
  bool authored = false;
  std::string reason;
};

// The trailers and lines agents leave in commit messages (regular expressions, case-insensitive).
const std::vector<std::string>& default_ai_patterns();
// Variables a coding agent sets in the shell it runs commands in ("NAME" or "NAME=VALUE").
const std::vector<std::string>& default_ai_env();

// A git-ai authorship note (refs/notes/ai, format authorship/3): the AI-authored lines per file.
struct AiNoteFile {
  std::string path;
  std::vector<std::pair<int, int>> lines;  // inclusive ranges
};
std::vector<AiNoteFile> parse_git_ai_note(const std::string& note);

// `patterns`/`env` are the defaults plus the config's. `getenv` is injectable for tests.
AiDecision decide_ai(const git::Repository& repo, const git::ChangeSet& change, AiMode mode,
                     const std::vector<std::string>& patterns, const std::vector<std::string>& env,
                     const std::function<const char*(const char*)>& getenv);

}  // namespace patchgate
