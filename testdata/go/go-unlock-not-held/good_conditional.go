package fixtures

import "sync"

type Memo struct {
	mu     sync.Mutex
	shared bool
	m      map[string]int
}

// Locked and unlocked under the same condition.
func (c *Memo) Put(k string, v int) {
	if c.shared {
		c.mu.Lock()
	}
	c.m[k] = v
	if c.shared {
		c.mu.Unlock()
	}
}

// The conditional lock with its own deferred unlock.
func (c *Memo) Get(k string) int {
	if c.shared {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	return c.m[k]
}

// Both branches lock.
func (c *Memo) Swap(k string, v int) int {
	if v > 0 {
		c.mu.Lock()
	} else {
		c.mu.Lock()
		v = -v
	}
	old := c.m[k]
	c.m[k] = v
	c.mu.Unlock()
	return old
}

// Goroutines that lock and unlock on their own do not take over the lock held here.
func contend() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	mu.Lock()
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			mu.Unlock()
		}()
	}
	mu.Unlock()
	wg.Wait()
}
