#pragma once

namespace patchgate {

// Process exit codes. "Found problems" and "the tool failed" never share a code.
enum ExitCode : int {
  kExitPass = 0,         // nothing at or above the --fail-on threshold
  kExitBlocked = 1,      // findings block the change
  kExitUsage = 2,        // bad flags, bad config, not a git repository, unusable patch
  kExitOperational = 3,  // git, toolchain, runner or model failure
};

}  // namespace patchgate
