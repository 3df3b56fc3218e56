#pragma once

#include <stdexcept>
#include <string>

#include "core/exit_codes.h"

namespace patchgate {

// An error the user can act on: a one-line message, a hint saying what to do, and the exit
// code it maps to. Thrown deep, caught once at the command boundary.
class UserError : public std::runtime_error {
 public:
  UserError(ExitCode code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}
  ExitCode code() const { return code_; }
  const std::string& hint() const { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

}  // namespace patchgate
