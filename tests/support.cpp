#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

extern char** environ;

namespace testing {

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "patchgate-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

ScopedEnv::ScopedEnv(const char* name, const char* value) : name_(name) {
  if (const char* old = std::getenv(name)) old_ = old;
  setenv(name, value, 1);
}

ScopedEnv::~ScopedEnv() {
  if (old_) setenv(name_.c_str(), old_->c_str(), 1);
  else unsetenv(name_.c_str());
}

RunResult run(const std::vector<std::string>& argv, const std::string& cwd, const std::string& input,
              int timeout_seconds, const std::map<std::string, std::string>& env) {
  // Everything the child needs is built here: between fork and exec a child of this threaded
  // process may only make async-signal-safe calls. malloc (setenv, a vector) can wait forever
  // on a lock another thread held at the fork, as ASan's allocator did for a test server.
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    size_t equals = text.find('=');
    if (equals != std::string_view::npos) merged.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  // The tests decide who wrote a change; running them inside a coding agent must not.
  for (const char* agent : {"CLAUDECODE", "GEMINI_CLI", "CODEX_SANDBOX", "CURSOR_AGENT", "AIDER_MODEL", "OPENHANDS_RUNTIME"})
    merged.erase(agent);
  for (const auto& [key, value] : env) merged[key] = value;
  std::vector<std::string> env_entries;
  for (const auto& [key, value] : merged) env_entries.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : env_entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The program is looked up on the PATH the child will have, as execvp after setenv would.
  std::string program = argv.at(0);
  if (program.find('/') == std::string::npos) {
    auto path = merged.find("PATH");
    std::string_view dirs = path == merged.end() ? "/usr/local/bin:/usr/bin:/bin" : std::string_view(path->second);
    for (size_t start = 0; start <= dirs.size();) {
      size_t end = std::min(dirs.find(':', start), dirs.size());
      std::string dir(dirs.substr(start, end - start));
      std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
      if (access(candidate.c_str(), X_OK) == 0) {
        program = candidate;
        break;
      }
      start = end + 1;
    }
  }

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(program.c_str(), args.data(), envp.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Feed stdin while draining the outputs, so large inputs and outputs cannot deadlock.
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  RunResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool out_open = true, err_open = true, killed = false;
  signal(SIGPIPE, SIG_IGN);
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    int ready = poll(fds.data(), fds.size(), 200);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      killed = true;
      break;
    }
    if (ready <= 0) continue;
    for (auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in_fd) {
        ssize_t n = write(in_fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if (n < 0 || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      char buffer[65536];
      ssize_t n = read(p.fd, buffer, sizeof buffer);
      if (n <= 0) {
        (p.fd == out_pipe[0] ? out_open : err_open) = false;
        continue;
      }
      (p.fd == out_pipe[0] ? result.out : result.err).append(buffer, static_cast<size_t>(n));
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (killed) result.code = -9;
  else if (WIFEXITED(status)) result.code = WEXITSTATUS(status);
  else result.code = 128 + WTERMSIG(status);
  return result;
}

RunResult git(const std::string& repo, const std::vector<std::string>& args, bool allow_failure) {
  std::vector<std::string> argv = {"git", "-c", "user.name=Patchgate Test", "-c", "user.email=test@example.com",
                                   "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                                   "-c", "protocol.file.allow=always"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult result = run(argv, repo, "", 120, {{"GIT_CONFIG_NOSYSTEM", "1"}, {"HOME", repo}});
  if (!allow_failure) {
    INFO("git " << args.front() << " failed: " << result.err);
    REQUIRE(result.code == 0);
  }
  return result;
}

std::string binary() {
  if (const char* override_path = std::getenv("PATCHGATE_BIN")) return override_path;
  return PATCHGATE_BINARY;
}

RunResult run_patchgate(const std::vector<std::string>& args, const std::string& cwd, const std::string& input,
                    int timeout_seconds) {
  std::vector<std::string> argv = {binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, cwd, input, timeout_seconds, {{"NO_COLOR", "1"}});
}

void write_file(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string source_dir() { return PATCHGATE_SOURCE_DIR; }

void commit_all(const std::string& repo, const std::string& message) {
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-qm", message});
}

std::string init_repo(const TempDir& dir, const std::string& name) {
  std::string repo = (dir.path() / name).string();
  fs::create_directories(repo);
  git(repo, {"init", "-q"});
  return repo;
}

Txtar parse_txtar(const std::string& text) {
  Txtar out;
  std::istringstream in(text);
  std::string line;
  std::string* current = &out.comment;
  while (std::getline(in, line)) {
    if (line.size() > 6 && line.rfind("-- ", 0) == 0 && line.compare(line.size() - 3, 3, " --") == 0) {
      out.files.emplace_back(line.substr(3, line.size() - 6), "");
      current = &out.files.back().second;
      continue;
    }
    *current += line + "\n";
  }
  return out;
}

}  // namespace testing
