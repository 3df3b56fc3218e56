#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testing {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs argv (no shell) in cwd with stdin from `input`, capturing both streams; kills it after
// timeout_seconds and reports code -9.
RunResult run(const std::vector<std::string>& argv, const std::string& cwd, const std::string& input = "",
              int timeout_seconds = 120, const std::map<std::string, std::string>& env = {});

// Sets an environment variable of this process for a scope (an in-process analysis reads it),
// then puts back what was there. Only while no other thread of the test runs.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Runs git with a fixed identity; REQUIREs success unless allow_failure.
RunResult git(const std::string& repo, const std::vector<std::string>& args, bool allow_failure = false);

// `patchgate` (the built binary; PATCHGATE_BIN overrides it, e.g. for the sanitizer build).
std::string binary();
RunResult run_patchgate(const std::vector<std::string>& args, const std::string& cwd, const std::string& input = "",
                    int timeout_seconds = 120);

void write_file(const fs::path& path, const std::string& content);
std::string read_file(const fs::path& path);
std::string source_dir();

// `git add -A` and `git commit -m message` in repo.
void commit_all(const std::string& repo, const std::string& message);

// A repository made for a test: `git init` plus an identity.
std::string init_repo(const TempDir& dir, const std::string& name = "repo");

// Txtar: a leading comment, then `-- name --` sections.
struct Txtar {
  std::string comment;
  std::vector<std::pair<std::string, std::string>> files;
};
Txtar parse_txtar(const std::string& text);

}  // namespace testing
