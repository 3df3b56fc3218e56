#!/usr/bin/env bash
# The benchmark table of issue 8, measured side by side with what a Go team would run instead.
#
#   bench/run.sh [RUNS]      (default 20; needs build/patchgate and build/bench/parse_throughput,
#                             ALL_RUNS=N for the whole-tree rows, default 5;
#                             both made by `scripts/setup build`; installs go-staticcheck with
#                             apt-get if it is missing and it can)
#
# Rows:
#   1. check --staged, a typical AI patch (5 files, ~300 added lines, one package), in a synthetic
#      repository of 2,000 Go files and in a git repository made from the Go standard library
#      source that golang-go ships: median and p90 over RUNS runs; and, in the standard library,
#      a small patch editing two existing functions (the old revision is then analysed too);
#   2. go vet and staticcheck on the changed package, warm caches, the same way, and the ratio;
#   3. check --all over the standard library with --jobs 1 and --jobs 2: wall time, MB/s, peak RSS;
#      and warm `go vet std` for comparison;
#   4. raw tree-sitter parse throughput of the same files (bench/parse_throughput), and --all's
#      throughput as a fraction of it; also the same parse with patchgate's tree arenas
#      (parse_throughput --arena), the floor of patchgate's own parse, and the fraction of that.
# Rows 3 and 4 are each the median of ALL_RUNS runs (peak RSS: the largest of them).
# Both repositories are committed and packed (bench/lib.sh commit_packed), as a clone is; the
# staged blobs are loose.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${PATCHGATE_BIN:-$root/build/patchgate}
parse=$root/build/bench/parse_throughput
runs=${1:-20}
for tool in "$bin" "$parse"; do
  [ -x "$tool" ] || { echo "bench: $tool not found; run scripts/setup build first" >&2; exit 2; }
done
command -v go >/dev/null || { echo "bench: go not found; run scripts/setup build first" >&2; exit 2; }
goroot=$(go env GOROOT)

# staticcheck from Debian (package go-staticcheck, command go-staticcheck), when it can be
# installed; its rows say n/a otherwise.
staticcheck=$(command -v staticcheck || command -v go-staticcheck || true)
if [ -z "$staticcheck" ] && command -v apt-get >/dev/null; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && sudo=(sudo -n); }
  if [ "$(id -u)" -eq 0 ] || [ ${#sudo[@]} -gt 0 ]; then
    echo "bench: installing go-staticcheck ..." >&2
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends go-staticcheck >/dev/null 2>&1 ||
      echo "bench: could not install go-staticcheck; its rows say n/a" >&2
  fi
  staticcheck=$(command -v go-staticcheck || true)
fi
have_time=0
[ -x /usr/bin/time ] && have_time=1

work=$(mktemp -d "${TMPDIR:-/tmp}/patchgate-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

rows=()
row() { rows+=("$(printf '%-58s %12s %12s %s' "$1" "$2" "$3" "${4:-}")"); }

# --- 1 and 2: the staged patch in the synthetic tree -----------------------------------------
synthetic=$work/synthetic
echo "bench: generating 2,000 Go files ..." >&2
make_synthetic_repo "$synthetic"
changed=$(git -C "$synthetic" diff --cached --numstat | awk '{a+=$1} END {print a}')
(cd "$synthetic" && "$bin" check --staged >/dev/null 2>&1) || true  # warm the page cache
read -r pg_med pg_p90 < <(time_runs "$synthetic" "$bin" check --staged)
row "check --staged, synthetic 2,000 files ($changed lines)" "$pg_med" "$pg_p90"
(cd "$synthetic" && go vet ./internal/pkg42 >/dev/null 2>&1) || true  # warm the build cache
read -r vet_med vet_p90 < <(time_runs "$synthetic" go vet ./internal/pkg42)
row "  go vet ./internal/pkg42 (warm)" "$vet_med" "$vet_p90" "patchgate/vet $(awk -v a="$pg_med" -v b="$vet_med" 'BEGIN{printf "%.2f", a/b}')"
if [ -n "$staticcheck" ]; then
  (cd "$synthetic" && "$staticcheck" ./internal/pkg42 >/dev/null 2>&1) || true
  read -r sc_med sc_p90 < <(time_runs "$synthetic" "$staticcheck" ./internal/pkg42)
  row "  staticcheck ./internal/pkg42 (warm)" "$sc_med" "$sc_p90" "patchgate/staticcheck $(awk -v a="$pg_med" -v b="$sc_med" 'BEGIN{printf "%.2f", a/b}')"
else
  row "  staticcheck ./internal/pkg42" "n/a" "n/a"
fi

# --- 1 and 2 again: the same kind of patch in the standard library ----------------------------
std=$work/std
echo "bench: copying the Go standard library from $goroot/src into a git repository ..." >&2
cp -rL "$goroot/src" "$std"
git -C "$std" init -q
git -C "$std" add -A >/dev/null
commit_packed "$std" "Go standard library"
# Five files of net/http that import sync and time get a type with a lock and five methods each.
mapfile -t targets < <(cd "$std/net/http" && grep -l '"sync"' ./*.go | xargs grep -l '"time"' | grep -v _test.go | sort | head -5)
i=0
for target in "${targets[@]}"; do
  { echo; echo "type Shard$i struct {"; printf '\tmu      sync.RWMutex\n\titems   map[string]int\n\ttouched map[string]time.Time\n\tlimit   int\n}\n'
    printf '\nfunc (s *Shard%s) Keys() []string {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\tvar out []string\n\tfor k := range s.items {\n\t\tout = append(out, k)\n\t}\n\treturn out\n}\n' "$i"
    printf '\nfunc (s *Shard%s) Get(k string) (int, bool) {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\tv, ok := s.items[k]\n\treturn v, ok\n}\n' "$i"
    printf '\nfunc (s *Shard%s) Put(k string, v int) {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.items[k] = v\n}\n' "$i"
    printf '\n// evictLocked drops n entries. REQUIRES: s.mu held.\nfunc (s *Shard%s) evictLocked(n int) {\n\tfor k := range s.items {\n\t\tif n == 0 {\n\t\t\treturn\n\t\t}\n\t\tdelete(s.items, k)\n\t\tn--\n\t}\n}\n' "$i"
    gen_patch_lines "$i"; } >> "$std/net/http/$target"
  i=$((i + 1))
done
git -C "$std" add -A
std_changed=$(git -C "$std" diff --cached --numstat | awk '{a+=$1} END {print a}')
(cd "$std" && "$bin" check --staged >/dev/null 2>&1) || true
read -r sg_med sg_p90 < <(time_runs "$std" "$bin" check --staged)
row "check --staged, standard library ($std_changed lines, net/http)" "$sg_med" "$sg_p90"
# go vet of the same package in the real GOROOT (the copy is not a GOROOT to the go command).
go vet net/http >/dev/null 2>&1 || true
read -r sv_med sv_p90 < <(time_runs "$work" go vet net/http)
row "  go vet net/http (warm)" "$sv_med" "$sv_p90" "patchgate/vet $(awk -v a="$sg_med" -v b="$sv_med" 'BEGIN{printf "%.2f", a/b}')"
if [ -n "$staticcheck" ]; then
  "$staticcheck" net/http >/dev/null 2>&1 || true
  read -r ss_med ss_p90 < <(time_runs "$work" "$staticcheck" net/http)
  row "  staticcheck net/http (warm)" "$ss_med" "$ss_p90" "patchgate/staticcheck $(awk -v a="$sg_med" -v b="$ss_med" 'BEGIN{printf "%.2f", a/b}')"
fi

# The same package, with the other shape of patch: edits inside two existing locking functions,
# which go-lock-drift compares with the old revision (so the old package is parsed too).
git -C "$std" reset -q --hard
edited=$(edit_std_functions "$std")
(cd "$std" && "$bin" check --staged >/dev/null 2>&1) || true
read -r se_med se_p90 < <(time_runs "$std" "$bin" check --staged)
row "check --staged, standard library ($edited lines in 2 net/http functions)" "$se_med" "$se_p90" \
  "patchgate/vet $(awk -v a="$se_med" -v b="$sv_med" 'BEGIN{printf "%.2f", a/b}')"

# --- 3 and 4: the whole standard library --------------------------------------------------------
git -C "$std" reset -q --hard
# The files --all analyses: Go files outside testdata/, without the generated-code header
# (skipped by default, as analyse_generated says); the raw parse reads the same ones.
git -C "$std" ls-files '*.go' | grep -v '/testdata/' | while read -r f; do
  awk '/^package /{exit 1} /^\/\/ Code generated .* DO NOT EDIT\.\r?$/{exit 0}' "$std/$f" || echo "$f"
done > "$work/std-files"
bytes=$(cd "$std" && tr '\n' '\0' < "$work/std-files" | xargs -0 cat | wc -c)
mb=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}')
# This VM's speed drifts from minute to minute: the whole-tree rows are the median of ALL_RUNS
# runs, the raw parse and the two --all runs taken in turn so that a slow minute hits each alike.
all_runs=${ALL_RUNS:-5}
median_of() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
all_run() {  # jobs -> "seconds rss_mb"
  local jobs=$1 start end
  if [ "$have_time" -eq 1 ]; then
    (cd "$std" && /usr/bin/time -o "$work/time.out" -f '%e %M' "$bin" check --all --jobs "$jobs" --format json \
      --output /dev/null >/dev/null 2>&1) || true
    tail -1 "$work/time.out" | awk '{printf "%s %.0f\n", $1, $2/1024}'
  else
    start=$(date +%s%N)
    (cd "$std" && "$bin" check --all --jobs "$jobs" --format json --output /dev/null >/dev/null 2>&1) || true
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN{printf "%.2f n/a\n", ns/1e9}'
  fi
}
raw_runs=() arena_runs=() j1_runs=() j2_runs=()
for _ in $(seq "$all_runs"); do
  raw_runs+=("$(cd "$std" && "$parse" < "$work/std-files" | awk '{print $5}')")
  arena_runs+=("$(cd "$std" && "$parse" --arena < "$work/std-files" | awk '{print $5}')")
  j1_runs+=("$(all_run 1)")
  j2_runs+=("$(all_run 2)")
done
raw_s=$(printf '%s\n' "${raw_runs[@]}" | median_of)
raw_mbs=$(awk -v b="$bytes" -v s="$raw_s" 'BEGIN{printf "%.2f", b/1e6/s}')
arena_s=$(printf '%s\n' "${arena_runs[@]}" | median_of)
arena_mbs=$(awk -v b="$bytes" -v s="$arena_s" 'BEGIN{printf "%.2f", b/1e6/s}')
j1_s=$(printf '%s\n' "${j1_runs[@]}" | awk '{print $1}' | median_of)
j2_s=$(printf '%s\n' "${j2_runs[@]}" | awk '{print $1}' | median_of)
j1_rss=$(printf '%s\n' "${j1_runs[@]}" | awk '{print $2}' | sort -g | tail -1)  # the peak of them
j2_rss=$(printf '%s\n' "${j2_runs[@]}" | awk '{print $2}' | sort -g | tail -1)
j1_mbs=$(awk -v b="$bytes" -v s="$j1_s" 'BEGIN{printf "%.2f", b/1e6/s}')
j2_mbs=$(awk -v b="$bytes" -v s="$j2_s" 'BEGIN{printf "%.2f", b/1e6/s}')
go vet std >/dev/null 2>&1 || true  # warm
start=$(date +%s%N)
go vet std >/dev/null 2>&1 || true
end=$(date +%s%N)
vet_std=$(awk -v ns=$((end - start)) 'BEGIN{printf "%.2f", ns/1e9}')

printf '\npatchgate bench on %s (%s cores), %s runs per timed row\n\n' "$(uname -n)" "$(nproc)" "$runs"
printf '%-58s %12s %12s %s\n' "staged patch" "median ms" "p90 ms" "ratio"
printf '%s\n' "${rows[@]}"
printf '\n%-58s %12s %12s %s\n' "standard library, --all ($(wc -l < "$work/std-files") non-generated files, $mb MB)" "seconds" "MB/s" "peak RSS / share of raw parse"
printf '%-58s %12s %12s %s\n' "raw tree-sitter parse, 1 thread (parse_throughput)" \
  "$raw_s" "$raw_mbs" "(the limit; runs: ${raw_runs[*]})"
printf '%-58s %12s %12s %s\n' "  the same parse, patchgate's tree arenas (--arena)" \
  "$arena_s" "$arena_mbs" "(patchgate's own floor; runs: ${arena_runs[*]})"
printf '%-58s %12s %12s %s\n' "check --all --jobs 1" "$j1_s" "$j1_mbs" \
  "${j1_rss} MB / $(awk -v a="$raw_s" -v b="$j1_s" 'BEGIN{printf "%.1f%%", 100*a/b}') of raw, $(awk -v a="$arena_s" -v b="$j1_s" 'BEGIN{printf "%.1f%%", 100*a/b}') of the arena parse (runs: $(printf '%s ' "${j1_runs[@]}" | awk '{for (i = 1; i <= NF; i += 2) printf "%s ", $i}'))"
printf '%-58s %12s %12s %s\n' "check --all --jobs 2" "$j2_s" "$j2_mbs" \
  "${j2_rss} MB / speed-up $(awk -v a="$j1_s" -v b="$j2_s" 'BEGIN{printf "%.2fx", a/b}')"
printf '%-58s %12s\n' "go vet std (warm)" "$vet_std"
