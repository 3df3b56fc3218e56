#include "runners/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

extern char** environ;

namespace patchgate::runners {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted = true; }

// Installs SIGINT/SIGTERM handlers for the pool's lifetime and restores the old ones.
class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct Running {
  size_t index = 0;
  pid_t pid = -1;
  int fd = -1;
  Clock::time_point started, deadline, reaped_at;
  ProcessResult result;
  bool reaped = false;
  bool eof = false;
};

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (!extra.count(name)) env.push_back(entry);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

// Starts a child in a new process group with stdout+stderr on one pipe. The exec failure is
// reported through a close-on-exec pipe so it is told apart from the program's own exit 127.
bool start(const Command& command, Running& running) {
  int out[2], status[2];
  if (pipe2(out, O_CLOEXEC) != 0) return false;
  if (pipe2(status, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return false;
  }
  std::vector<std::string> env = merged_environment(command.env);
  std::vector<char*> argv, envp;
  for (const auto& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], status[0], status[1]}) close(fd);
    return false;
  }
  if (pid == 0) {
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    if (!command.cwd.empty() && chdir(command.cwd.c_str()) != 0) {
      int error = errno;
      (void)!write(status[1], &error, sizeof error);
      _exit(127);
    }
    execvpe(argv[0], argv.data(), envp.data());
    int error = errno;
    (void)!write(status[1], &error, sizeof error);
    _exit(127);
  }
  setpgid(pid, pid);  // also in the parent, so a kill right after fork finds the group
  close(out[1]);
  close(status[1]);
  int error = 0;
  ssize_t n;
  do n = read(status[0], &error, sizeof error);
  while (n < 0 && errno == EINTR);
  close(status[0]);
  if (n == static_cast<ssize_t>(sizeof error)) {
    close(out[0]);
    waitpid(pid, nullptr, 0);
    running.result.start_failed = true;
    running.result.output = command.argv[0] + ": " + std::strerror(error);
    return false;
  }
  fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
  running.pid = pid;
  running.fd = out[0];
  return true;
}

void kill_group(pid_t pid) {
  if (pid > 0) kill(-pid, SIGKILL);
}

void drain(Running& r) {
  char buffer[65536];
  for (;;) {
    ssize_t n = read(r.fd, buffer, sizeof buffer);
    if (n > 0) {
      r.result.output.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) r.eof = true;
    if (n < 0 && errno == EINTR) continue;
    return;
  }
}

}  // namespace

bool ProcessPool::interrupted() const { return g_interrupted; }

void ProcessPool::run(const std::function<bool(Command&)>& next, const std::function<void(size_t, ProcessResult)>& done,
                      const std::function<void()>& tick) {
  InterruptGuard guard;
  g_interrupted = false;
  std::vector<Running> running;
  size_t started = 0;
  bool more = true;
  auto last_tick = Clock::now();
  for (;;) {
    while (more && !g_interrupted && static_cast<int>(running.size()) < jobs_) {
      Command command;
      if (!next(command)) {
        more = false;
        break;
      }
      Running r;
      r.index = started++;
      r.started = Clock::now();
      r.deadline = command.deadline;
      if (!start(command, r)) {
        if (!r.result.start_failed) r.result.output = command.argv.empty() ? "empty command" : command.argv[0] + ": could not start";
        r.result.start_failed = true;
        done(r.index, std::move(r.result));
        continue;
      }
      running.push_back(std::move(r));
    }
    if (running.empty()) break;
    std::vector<pollfd> fds;
    for (const auto& r : running) fds.push_back({r.eof ? -1 : r.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 100);
    auto now = Clock::now();
    for (auto& r : running) {
      if (!r.eof) drain(r);
      if (g_interrupted && !r.result.cancelled && !r.reaped) {
        r.result.cancelled = true;
        kill_group(r.pid);
      }
      if (now >= r.deadline && !r.result.timed_out && !r.reaped) {
        r.result.timed_out = true;
        kill_group(r.pid);
      }
      if (!r.reaped) {
        int status = 0;
        pid_t w = waitpid(r.pid, &status, WNOHANG);
        if (w == r.pid) {
          r.reaped = true;
          r.reaped_at = now;
          r.result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
          // The direct child is gone; take down anything it left in its group (test binaries).
          kill_group(r.pid);
        }
      }
    }
    // The group was killed when the child was reaped, so the pipe closes shortly after; a
    // descendant that left the group and still holds it is not waited for.
    for (size_t i = 0; i < running.size();) {
      Running& r = running[i];
      if (r.reaped && (r.eof || now - r.reaped_at > std::chrono::seconds(2))) {
        close(r.fd);
        r.result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - r.started);
        done(r.index, std::move(r.result));
        running.erase(running.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    if (tick && now - last_tick >= std::chrono::milliseconds(100)) {
      tick();
      last_tick = now;
    }
  }
}

ProcessResult run_process(const Command& command) {
  ProcessPool pool(1);
  bool given = false;
  ProcessResult out;
  pool.run(
      [&](Command& c) {
        if (given) return false;
        c = command;
        given = true;
        return true;
      },
      [&](size_t, ProcessResult result) { out = std::move(result); });
  return out;
}

}  // namespace patchgate::runners
