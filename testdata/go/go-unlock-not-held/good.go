package fixtures

import (
	"sync"
	"time"
)

type Queue struct {
	mu    sync.Mutex
	items []int
}

// The deferred unlock alone releases it on every path.
func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// Unlock, wait, re-lock, and the deferred unlock releases the re-taken lock.
func (q *Queue) WaitNonEmpty() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.mu.Unlock()
		time.Sleep(time.Millisecond)
		q.mu.Lock()
	}
	return q.items[0]
}

// Releases the caller's lock: it was not taken here, so this is no second unlock.
// REQUIRES: q.mu held; returns with it released.
func (q *Queue) unlockAndNotify(ch chan<- struct{}) {
	q.mu.Unlock()
	close(ch)
}

// A deferred closure that checks a flag before unlocking.
func (q *Queue) Drain(f func(int)) {
	q.mu.Lock()
	locked := true
	defer func() {
		if locked {
			q.mu.Unlock()
		}
	}()
	items := q.items
	q.items = nil
	q.mu.Unlock()
	locked = false
	for _, v := range items {
		f(v)
	}
}

// Matching modes on an RWMutex, in branches.
type Table struct {
	mu sync.RWMutex
	m  map[string]int
}

func (t *Table) GetOrSet(k string, v int, write bool) int {
	if write {
		t.mu.Lock()
		t.m[k] = v
		t.mu.Unlock()
		return v
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.m[k]
}

// Two different mutexes each unlocked once.
func swap(a, b *Table) {
	a.mu.Lock()
	b.mu.Lock()
	a.m, b.m = b.m, a.m
	b.mu.Unlock()
	a.mu.Unlock()
}
