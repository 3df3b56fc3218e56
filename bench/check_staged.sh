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
mkdir -p "$repo"
git -C "$repo" init -q
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

# One file: a type with a mutex, methods that lock, helpers that expect the lock held.
gen_file() {  # pkg index
  local pkg=$1 i=$2
  cat <<GO
package $pkg

import (
	"sort"
	"sync"
	"time"
)

// Shard$i is an in-memory shard with its own lock.
type Shard$i struct {
	mu      sync.RWMutex
	items   map[string]int
	touched map[string]time.Time
	limit   int
}

func NewShard$i(limit int) *Shard$i {
	return &Shard$i{items: map[string]int{}, touched: map[string]time.Time{}, limit: limit}
}

// Get reads one value.
func (s *Shard$i) Get(key string) (int, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.items[key]
	return v, ok
}

// Put stores one value and evicts the oldest entries over the limit.
func (s *Shard$i) Put(key string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[key] = v
	s.touched[key] = time.Now()
	if len(s.items) > s.limit {
		s.evictLocked(len(s.items) - s.limit)
	}
}

// evictLocked drops the n oldest entries. REQUIRES: s.mu held.
func (s *Shard$i) evictLocked(n int) {
	keys := make([]string, 0, len(s.touched))
	for k := range s.touched {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return s.touched[keys[a]].Before(s.touched[keys[b]]) })
	for _, k := range keys[:n] {
		delete(s.items, k)
		delete(s.touched, k)
	}
}

// Keys lists the keys in order.
func (s *Shard$i) Keys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.items))
	for k := range s.items {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Merge copies every entry of other into s.
func (s *Shard$i) Merge(other *Shard$i) {
	for _, k := range other.Keys() {
		if v, ok := other.Get(k); ok {
			s.Put(k, v)
		}
	}
}
GO
}

# The patch: 60 added lines per file in 5 files of one package, methods that lock and call helpers.
gen_patch_lines() {  # index
  local i=$1
  cat <<GO

// Snapshot$i copies the shard under the read lock.
func (s *Shard$i) Snapshot$i() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]int, len(s.items))
	for k, v := range s.items {
		out[k] = v
	}
	return out
}

// Compact$i drops zero values and refreshes timestamps.
func (s *Shard$i) Compact$i() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	dropped := 0
	for k, v := range s.items {
		if v == 0 {
			delete(s.items, k)
			delete(s.touched, k)
			dropped++
			continue
		}
		s.touched[k] = time.Now()
	}
	if len(s.items) > s.limit {
		s.evictLocked(len(s.items) - s.limit)
	}
	return dropped
}

// Resize$i changes the limit and evicts what no longer fits.
func (s *Shard$i) Resize$i(limit int) {
	s.mu.Lock()
	s.limit = limit
	over := len(s.items) - limit
	if over > 0 {
		s.evictLocked(over)
	}
	s.mu.Unlock()
}

// Sum$i adds up the values.
func (s *Shard$i) Sum$i() int {
	total := 0
	for _, k := range s.Keys() {
		if v, ok := s.Get(k); ok {
			total += v
		}
	}
	return total
}

// Drain$i empties the shard and returns what it held.
func (s *Shard$i) Drain$i() map[string]int {
	snapshot := s.Snapshot$i()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = map[string]int{}
	s.touched = map[string]time.Time{}
	return snapshot
}
GO
}

echo "generating 2,000 Go files in $repo ..." >&2
for p in $(seq -w 0 99); do
  dir=$repo/internal/pkg$p
  mkdir -p "$dir"
  for i in $(seq 0 19); do gen_file "pkg$p" "$i" > "$dir/shard$i.go"; done
done
git -C "$repo" add -A
git -C "$repo" commit -qm "synthetic tree"
for i in 0 1 2 3 4; do gen_patch_lines "$i" >> "$repo/internal/pkg42/shard$i.go"; done
git -C "$repo" add -A
changed=$(git -C "$repo" diff --cached --numstat | awk '{a+=$1} END {print a}')
files=$(git -C "$repo" ls-files '*.go' | wc -l)

# Median and p90 (nearest rank) in milliseconds over $runs runs of "$@" in $repo.
time_runs() {
  local samples=() start end code
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    code=0
    (cd "$repo" && "$@" > /dev/null) || code=$?
    end=$(date +%s%N)
    [ "$code" -le 1 ] || { echo "bench: '$*' exited $code" >&2; exit 3; }
    samples+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v n="$runs" '
    { v[NR] = $1 }
    END {
      m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      p = v[int(n * 0.9 + 0.999999)]
      printf "%.1f %.1f\n", m / 1000, p / 1000
    }'
}

"$bin" check --staged >/dev/null 2>&1 || true  # warm the page cache
read -r staged_median staged_p90 < <(time_runs "$bin" check --staged)
read -r all_median all_p90 < <(runs=$(( runs < 5 ? runs : 5 )) time_runs "$bin" check --all)

printf '\n%-52s %10s %10s\n' "benchmark ($files Go files, $runs runs)" "median ms" "p90 ms"
printf '%-52s %10s %10s\n' "check --staged (5 files, $changed changed lines)" "$staged_median" "$staged_p90"
printf '%-52s %10s %10s\n' "check --all (whole synthetic tree, 5 runs)" "$all_median" "$all_p90"
