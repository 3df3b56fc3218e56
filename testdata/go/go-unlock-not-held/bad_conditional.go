package fixtures

import "sync"

// The lock is taken only when the cache is shared, and released on every path.
type Memo struct {
	mu     sync.Mutex
	shared bool
	m      map[string]int
}

func (c *Memo) Put(k string, v int) {
	if c.shared {
		c.mu.Lock()
	}
	c.m[k] = v
	c.mu.Unlock() // want "go-unlock-not-held" "c.mu is unlocked on every path, but only some paths locked it \(at line 14\)"
}
