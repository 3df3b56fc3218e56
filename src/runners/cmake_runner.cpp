#include "runners/cmake_runner.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/config.h"
#include "core/files.h"
#include "runners/go_output.h"
#include "runners/process.h"

namespace fs = std::filesystem;

namespace patchgate::runners {

namespace {

std::string relative_to(const std::string& root, const std::string& file) {
  if (file.empty() || file[0] != '/' || file.compare(0, root.size() + 1, root + "/") != 0) return "";
  return file.substr(root.size() + 1);
}

// "Read of size 4 at 0x556b by thread T2" -> "Read of size 4 by thread T2"; "Thread T2 (tid=22919,
// running) created by main thread at" -> "Thread T2 created by main thread": addresses and
// thread ids change every run.
std::string stable_heading(std::string heading) {
  if (auto at = heading.find(" at 0x"); at != std::string::npos) {
    auto end = heading.find(' ', at + 6);
    heading.erase(at, end == std::string::npos ? std::string::npos : end - at);
  }
  if (auto tid = heading.find(" (tid="); tid != std::string::npos) {
    auto end = heading.find(')', tid);
    heading.erase(tid, end == std::string::npos ? std::string::npos : end - tid + 1);
  }
  if (heading.size() > 3 && heading.compare(heading.size() - 3, 3, " at") == 0) heading.resize(heading.size() - 3);
  // Mutex ids (M9, M10) are per run too.
  for (size_t m = heading.find(" M"); m != std::string::npos; m = heading.find(" M", m + 1)) {
    size_t end = m + 2;
    while (end < heading.size() && std::isdigit(static_cast<unsigned char>(heading[end]))) ++end;
    if (end > m + 2 && (end == heading.size() || heading[end] == ' ' || heading[end] == ')')) heading.erase(m, end - m);
  }
  return heading;
}

}  // namespace

std::vector<Finding> tsan_findings(const std::string& output, const std::string& workdir) {
  std::error_code ec;
  std::string root = fs::weakly_canonical(workdir, ec).string();
  std::vector<Finding> findings;
  std::map<std::string, size_t> seen;
  for (const auto& report : parse_tsan_output(output)) {
    bool deadlock = report.kind.find("lock-order-inversion") != std::string::npos;
    bool race = report.kind.find("data race") != std::string::npos;
    if (!deadlock && !race) continue;
    Finding finding;
    finding.rule = deadlock ? "race-deadlock" : "race-data-race";
    finding.severity = Severity::kError;
    finding.category = deadlock ? "stress" : "race";
    finding.source = finding.category;
    finding.checklist = 5;
    finding.stack = report.text;
    bool placed = false;
    std::string key;
    for (const auto& [raw_heading, frames] : report.stacks) {
      std::string heading = stable_heading(raw_heading);
      for (const auto& frame : frames) {
        std::string rel = relative_to(root, frame.file);
        if (rel.empty()) continue;
        Location at{rel, frame.line, 1, frame.line, 1};
        std::string name = frame.function.substr(0, frame.function.find('('));
        if (!placed) {
          finding.location = at;
          finding.enclosing_function = name;
          finding.message = "ThreadSanitizer: " + report.kind + ": " + heading + " in " + name;
          placed = true;
        } else {
          finding.related.push_back({at, heading + " (" + name + ")"});
        }
        key += rel + ":" + std::to_string(frame.line) + "|";
        break;  // the first in-repository frame of each stack
      }
    }
    if (!placed) continue;
    if (seen.count(key)) continue;
    seen[key] = findings.size();
    finding.snippet = line_of_file(root + "/" + finding.location.file, finding.location.line);
    finding.fingerprint = compute_fingerprint(finding, finding.snippet, report.kind);
    findings.push_back(std::move(finding));
  }
  return findings;
}

void run_cmake_tsan(const std::string& workdir, const CmakeRaceOptions& options, Report& report) {
  auto end = Clock::now() + options.budget;
  RacePackageRecord record;
  record.dir = fs::path(options.source_dir).lexically_relative(workdir).string();
  if (record.dir.empty()) record.dir = ".";
  if (!fs::exists(fs::path(options.source_dir) / "CMakeLists.txt")) {
    report.errors.push_back({record.dir, "--cmake: no CMakeLists.txt here (pass the project directory with --cmake-source)"});
    record.status = "error";
    report.race_packages.push_back(record);
    return;
  }
  const std::string flags = "-fsanitize=thread -g -O1";
  std::vector<std::pair<std::string, Command>> steps;
  Command configure;
  configure.argv = {"cmake", "-S", options.source_dir, "-B", options.build_dir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DCMAKE_C_FLAGS=" + flags, "-DCMAKE_CXX_FLAGS=" + flags,
                    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread", "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread"};
  steps.emplace_back("configure", configure);
  Command build;
  build.argv = {"cmake", "--build", options.build_dir, "-j", std::to_string(options.jobs)};
  steps.emplace_back("build", build);
  Command test;
  long long seconds = std::max<long long>(1, options.timeout.count() / 1000);
  test.argv = {"ctest", "--test-dir", options.build_dir, "--repeat", "until-fail:" + std::to_string(options.repeat),
               "--timeout", std::to_string(seconds), "--output-on-failure"};
  test.env = {{"TSAN_OPTIONS", "second_deadlock_stack=1 halt_on_error=0"}};
  steps.emplace_back("test", test);
  auto started = Clock::now();
  for (auto& step : steps) {
    // Named, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const std::string& name = step.first;
    Command& command = step.second;
    command.cwd = workdir;
    command.deadline = end;
    std::string line;
    for (const auto& a : command.argv) line += (line.empty() ? "" : " ") + a;
    record.command += (record.command.empty() ? "" : " && ") + line;
    ProcessResult result = run_process(command);
    record.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    if (result.start_failed) {
      record.status = "error";
      report.errors.push_back({record.dir, "cannot run " + command.argv[0] + ": " + result.output + " (apt-get install cmake)"});
      break;
    }
    if (result.timed_out || result.cancelled) {
      record.status = result.cancelled ? "cancelled" : "not-run";
      record.note = result.cancelled ? "interrupted" : "stopped at the budget of " + format_duration(options.budget) + " while running " + name;
      auto found = tsan_findings(result.output, workdir);
      report.findings.insert(report.findings.end(), found.begin(), found.end());
      break;
    }
    if (name == "test") {
      auto found = tsan_findings(result.output, workdir);
      report.findings.insert(report.findings.end(), found.begin(), found.end());
      record.status = result.exit_code == 0 && found.empty() ? "passed" : "failed";
      if (result.exit_code != 0 && found.empty())
        report.errors.push_back({record.dir, "ctest failed without a ThreadSanitizer report: " +
                                                 result.output.substr(result.output.size() > 400 ? result.output.size() - 400 : 0)});
      break;
    }
    if (result.exit_code != 0) {
      record.status = "build-failed";
      std::string tail = result.output.substr(result.output.size() > 400 ? result.output.size() - 400 : 0);
      report.errors.push_back({record.dir, "the ThreadSanitizer " + name + " failed: " + tail});
      break;
    }
  }
  report.race_packages.push_back(record);
}

}  // namespace patchgate::runners
