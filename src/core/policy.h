#pragma once

#include "core/exit_codes.h"
#include "core/report.h"

namespace patchgate {

// Pass unless a finding is at or above the fail_on threshold.
Verdict decide(const Report& report);
bool blocks(const Finding& finding, FailOn fail_on);
ExitCode exit_code_for(Verdict verdict);

}  // namespace patchgate
