package fixtures

import "sync"

// An explicit unlock on the early-return path of a function that already defers it.
type Queue struct {
	mu    sync.Mutex
	items []int
}

func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.mu.Unlock() // want "go-unlock-not-held" "q.mu is unlocked here and again by the deferred unlock at line 13"
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// Unlocked twice in a row on the same path.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	c.mu.Unlock() // want "go-unlock-not-held" "c.mu is unlocked again, already unlocked at line 32 on this path"
}

// A read lock released with Unlock, and a write lock released with RUnlock.
type Table struct {
	mu sync.RWMutex
	m  map[string]int
}

func (t *Table) Get(k string) int {
	t.mu.RLock()
	defer t.mu.Unlock() // want "go-unlock-not-held" "t.mu is read-locked but released with Unlock: use RUnlock"
	return t.m[k]
}

func (t *Table) Set(k string, v int) {
	t.mu.Lock()
	t.m[k] = v
	t.mu.RUnlock() // want "go-unlock-not-held" "t.mu is locked but released with RUnlock: use Unlock"
}
