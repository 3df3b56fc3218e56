#!/usr/bin/env bash
# Benchmark: `patchgate check --staged` on a typical AI patch (5 changed files, ~300 changed
# lines) in a synthetic repository of 2,000 Go files (100 packages x 20 files), plus
# `check --all` over the same tree. Prints median and p90 over repeated runs.
#
#   bench/check_staged.sh [RUNS]     (default 30; needs build/patchgate: scripts/setup build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${PATCHGATE_BIN:-$root/build/patchgate}
runs=${1:-30}
[ -x "$bin" ] || { echo "bench: $bin not found; run scripts/setup build first" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/patchgate-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

echo "generating 2,000 Go files in $repo ..." >&2
make_synthetic_repo "$repo"
changed=$(git -C "$repo" diff --cached --numstat | awk '{a+=$1} END {print a}')
files=$(git -C "$repo" ls-files '*.go' | wc -l)

"$bin" check --staged >/dev/null 2>&1 || true  # warm the page cache
read -r staged_median staged_p90 < <(time_runs "$repo" "$bin" check --staged)
read -r all_median all_p90 < <(runs=$(( runs < 5 ? runs : 5 )) time_runs "$repo" "$bin" check --all)

printf '\n%-52s %10s %10s\n' "benchmark ($files Go files, $runs runs)" "median ms" "p90 ms"
printf '%-52s %10s %10s\n' "check --staged (5 files, $changed changed lines)" "$staged_median" "$staged_p90"
printf '%-52s %10s %10s\n' "check --all (whole synthetic tree, 5 runs)" "$all_median" "$all_p90"
