#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/git/change_set.h"
#include "core/report.h"
#include "core/shard.h"

namespace patchgate::checks {

// Which rules run: all enabled by config, narrowed by `--rules a,b,-c`.
struct RuleSelection {
  std::vector<std::string> only;     // when non-empty, just these
  std::vector<std::string> without;  // never these
};

// Throws UserError naming an unknown id in --rules.
RuleSelection parse_rule_selection(const std::string& text);

// Parses every Go package the change touches (all files of the package at the new revision,
// for the call graph), runs the selected checks, and keeps the findings whose primary or
// related location touches a changed line (all of them for a whole-tree run). Fills the
// report's findings, files, skipped and errors; per-file problems never stop the run.
// Package directories are analysed by `jobs` threads (0: one per core); the report is the
// same whatever the number.
// With an active shard, only the directories shard_items gives that shard are analysed or
// listed (weighted by their files' bytes), so the shards' reports add up to the whole.
void analyze_change(const git::ChangeSet& change, const Config& config, const RuleSelection& selection,
                    Report& report, unsigned jobs = 0, const Shard& shard = {});

}  // namespace patchgate::checks
