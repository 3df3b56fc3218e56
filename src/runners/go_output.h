#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

// Parsers for what `go test -race` prints: pure functions from text to records. They never
// throw on odd input; what they do not recognise is left out.
namespace patchgate::runners {

struct Frame {
  std::string function;  // "example.com/rl.(*Bucket).refill"
  std::string file;      // as printed: absolute for Go, may be "<null>" for TSan
  int line = 0;
};

// One goroutine of a dump (`goroutine 7 [sync.Mutex.Lock, 2 minutes]:`), innermost frame first.
struct Goroutine {
  int id = 0;
  std::string state;  // "sync.Mutex.Lock", "chan send", "running", "semacquire"
  std::vector<Frame> frames;
  Frame created_by;  // empty function when the dump does not say
};

// One side of a data race: "Write at 0x... by goroutine 8:" and its stack.
struct Access {
  std::string kind;  // "write", "read" (the earlier one: "previous write", "previous read")
  int goroutine = 0;
  std::vector<Frame> frames;
};

struct DataRace {
  Access current, previous;
  // Where each goroutine in the report was started ("Goroutine 8 (running) created at:").
  std::vector<std::pair<int, std::vector<Frame>>> created_at;
  std::string text;  // the whole block, for the report's stack excerpt
};

struct BuildError {
  std::string file;  // as printed, relative to the directory go ran in
  int line = 0, column = 0;
  std::string message;
};

struct TestFailure {
  std::string test;  // "TestTransfer" (subtests: "TestX/case")
  std::string file;  // "x_test.go", from the first `    file.go:12: message` line
  int line = 0;
  std::string message;
};

struct GoTestOutput {
  std::vector<DataRace> races;
  bool deadlock = false;           // fatal error: all goroutines are asleep - deadlock!
  std::string timed_out_after;     // "30s" from `panic: test timed out after 30s`
  std::vector<Goroutine> dump;     // the goroutines printed with a deadlock, timeout or panic
  std::vector<Goroutine> leaked;   // from patchgate's leak block
  std::vector<BuildError> build_errors;
  bool build_failed = false;       // "[build failed]" / "[setup failed]" or compiler errors
  std::vector<TestFailure> failures;
  std::string panic;               // first line of a panic that is not a timeout
  bool passed = false;             // an "ok  " line for the package
  bool no_test_files = false;      // "[no test files]"
};

// The markers around the leak block printed by the TestMain patchgate's overlay adds.
inline constexpr std::string_view kLeakBegin = "--- patchgate: goroutines still running after the tests ---";
inline constexpr std::string_view kLeakEnd = "--- patchgate: end of goroutines ---";

GoTestOutput parse_go_test_output(std::string_view text);

// Goroutines of a dump (`goroutine N [state]:` blocks) in text.
std::vector<Goroutine> parse_goroutines(std::string_view text);

// Goroutines grouped by (state, first frame the predicate accepts): the unit a report names.
struct GoroutineGroup {
  std::string state;
  int count = 0;
  size_t first_inside = 0;  // index into sample.frames of the first accepted frame (frames.size(): none)
  Goroutine sample;
};
std::vector<GoroutineGroup> group_goroutines(const std::vector<Goroutine>& goroutines,
                                             const std::function<bool(const std::string& file)>& inside);

// ThreadSanitizer (C/C++) reports: `WARNING: ThreadSanitizer: data race` and
// `lock-order-inversion (potential deadlock)` blocks.
struct TsanReport {
  std::string kind;  // "data race", "lock-order-inversion (potential deadlock)", ...
  // Each stack in the report with its heading ("Write of size 4 at ... by thread T2",
  // "Mutex M1 acquired here while holding mutex M0 in thread T1", "Thread T2 ... created by").
  std::vector<std::pair<std::string, std::vector<Frame>>> stacks;
  std::string text;
};
std::vector<TsanReport> parse_tsan_output(std::string_view text);

}  // namespace patchgate::runners
