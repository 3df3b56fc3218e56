# Shared by the benchmarks: the synthetic tree's generators and the timing helper.
# Sourced, not run: bench/check_staged.sh and bench/run.sh.

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


# Commits everything staged in $1 with message $2 and packs the objects, as a clone has them
# (and as git's own gc would leave thousands of new loose objects): deterministic, and with no
# `gc --auto` left running in the background while the rows are timed. Staged blobs written
# after this stay loose, as a developer's do.
commit_packed() {
  git -C "$1" -c gc.auto=0 commit -qm "$2" >/dev/null
  git -C "$1" gc -q
}

# A synthetic repository of 2,000 Go files (100 packages x 20 files) in $1 with go.mod, and
# staged: 60 added lines in each of 5 files of internal/pkg42.
make_synthetic_repo() {
  local repo=$1
  mkdir -p "$repo"
  git -C "$repo" init -q
  printf 'module example.com/bench\n\ngo 1.19\n' > "$repo/go.mod"
  for p in $(seq -w 0 99); do
    local dir=$repo/internal/pkg$p
    mkdir -p "$dir"
    for i in $(seq 0 19); do gen_file "pkg$p" "$i" > "$dir/shard$i.go"; done
  done
  git -C "$repo" add -A
  commit_packed "$repo" "synthetic tree"
  for i in 0 1 2 3 4; do gen_patch_lines "$i" >> "$repo/internal/pkg42/shard$i.go"; done
  git -C "$repo" add -A
}

# Median and p90 (nearest rank) in milliseconds over $runs runs of "$2..." in directory $1.
# The clock is bash's own $EPOCHREALTIME (microseconds), read without starting a process, and
# the command replaces the subshell (exec), so a few milliseconds of `date` and fork are not
# counted against a command that itself takes tens of them.
time_runs() {
  local dir=$1 samples=() start end code
  shift
  for _ in $(seq "$runs"); do
    start=${EPOCHREALTIME/[.,]/}
    code=0
    (cd "$dir" && exec "$@" > /dev/null 2>&1) || code=$?
    end=${EPOCHREALTIME/[.,]/}
    [ "$code" -le 1 ] || { echo "bench: '$*' exited $code" >&2; exit 3; }
    samples+=($(( end - start )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v n="$runs" '
    { v[NR] = $1 }
    END {
      m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      p = v[int(n * 0.9 + 0.999999)]
      printf "%.1f %.1f\n", m / 1000, p / 1000
    }'
}


# The other common shape of an AI patch: edits inside existing functions (so go-lock-drift
# compares them with the old revision). In the standard library copy $1, net/http:
# Transport.CloseIdleConnections sleeps with idleMu held, and Server.Shutdown waits for its
# listeners before unlocking srv.mu. Prints the number of changed lines; fails if either
# function is not found.
edit_std_functions() {
  local std=$1
  sed -i '/^func (t \*Transport) CloseIdleConnections() {$/,/^}$/ s/^\tt\.idleMu\.Lock()$/&\n\ttime.Sleep(10 * time.Millisecond) \/\/ let in-flight dials settle/' \
    "$std/net/http/transport.go"
  sed -i '/^func (srv \*Server) Shutdown(ctx context.Context) error {$/,/^}$/ {
      /^\tsrv\.mu\.Unlock()$/d
      s/^\tsrv\.listenerGroup\.Wait()$/&\n\tsrv.mu.Unlock()/
    }' "$std/net/http/server.go"
  git -C "$std" add -A
  local changed
  changed=$(git -C "$std" diff --cached --numstat | awk '{a+=$1+$2} END {print a+0}')
  [ "$changed" -ge 3 ] || { echo "bench: net/http no longer has the functions edit_std_functions edits" >&2; return 1; }
  echo "$changed"
}
