#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

// Child processes for the runners: each in its own process group, stdout and stderr captured
// together, killed with everything it started when its deadline passes or the run is cancelled.
namespace patchgate::runners {

using Clock = std::chrono::steady_clock;

struct Command {
  std::vector<std::string> argv;
  std::string cwd;
  std::map<std::string, std::string> env;  // added to (or replacing in) the inherited environment
  Clock::time_point deadline = Clock::time_point::max();
};

struct ProcessResult {
  int exit_code = -1;         // the exit status; -1 if killed or never started
  bool timed_out = false;     // killed at its deadline
  bool cancelled = false;     // killed because the run was cancelled (Ctrl-C)
  bool start_failed = false;  // could not be started (e.g. the program is not installed)
  std::string output;         // stdout and stderr interleaved
  std::chrono::milliseconds elapsed{0};
};

// Runs commands, at most `jobs` at a time. `next` hands out the next command (false: none
// left); `done` receives each result with the index of its command; `tick` runs about ten
// times a second for progress displays. Returns when every started command has finished.
// Cancellation: SIGINT or SIGTERM while this runs, or `cancelled()` returning true.
class ProcessPool {
 public:
  explicit ProcessPool(int jobs) : jobs_(jobs < 1 ? 1 : jobs) {}
  void run(const std::function<bool(Command&)>& next, const std::function<void(size_t, ProcessResult)>& done,
           const std::function<void()>& tick = {});
  // True once a SIGINT or SIGTERM arrived during run(); the caller reports what was not run.
  bool interrupted() const;

 private:
  int jobs_;
};

// Runs one command to completion (same rules as the pool).
ProcessResult run_process(const Command& command);

}  // namespace patchgate::runners
