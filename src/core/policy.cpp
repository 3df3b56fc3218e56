#include "core/policy.h"

namespace patchgate {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kBlock: return "block";
    case Verdict::kError: return "error";
  }
  return "error";
}

bool blocks(const Finding& finding, FailOn fail_on) {
  switch (fail_on) {
    case FailOn::kNever: return false;
    case FailOn::kNote: return true;
    case FailOn::kWarning: return finding.severity >= Severity::kWarning;
    case FailOn::kError: return finding.severity >= Severity::kError;
  }
  return true;
}

Verdict decide(const Report& report) {
  for (const auto& finding : report.findings)
    if (blocks(finding, report.fail_on)) return Verdict::kBlock;
  return Verdict::kPass;
}

ExitCode exit_code_for(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return kExitPass;
    case Verdict::kBlock: return kExitBlocked;
    case Verdict::kError: return kExitOperational;
  }
  return kExitOperational;
}

}  // namespace patchgate
