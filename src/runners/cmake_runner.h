#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/report.h"

// `patchgate race --cmake`: a C/C++ project built with -fsanitize=thread in a separate build
// directory and its CTest suite repeated; ThreadSanitizer reports become findings.
namespace patchgate::runners {

struct CmakeRaceOptions {
  std::string source_dir;  // absolute: the directory with CMakeLists.txt
  std::string build_dir;   // absolute: patchgate's own build directory (never the user's)
  int repeat = 3;          // ctest --repeat until-fail:N
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // per test
  std::chrono::milliseconds budget{std::chrono::minutes(5)};
  int jobs = 1;
};

void run_cmake_tsan(const std::string& workdir, const CmakeRaceOptions& options, Report& report);

// The findings ThreadSanitizer's reports in `output` yield; frames outside workdir are not locations.
std::vector<Finding> tsan_findings(const std::string& output, const std::string& workdir);

}  // namespace patchgate::runners
