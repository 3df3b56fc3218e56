package fixtures

import (
	"errors"
	"fmt"
	"sync"
)

// The early error return added between Lock and Unlock.
type Registry struct {
	mu sync.Mutex
	m  map[string]int
}

func (r *Registry) Add(name string) error {
	r.mu.Lock()
	if _, dup := r.m[name]; dup {
		return fmt.Errorf("duplicate %q", name) // want "go-missing-unlock" "this path returns with r.mu still locked .taken at line 16."
	}
	r.m[name] = len(r.m)
	r.mu.Unlock()
	return nil
}

// A read lock left held on the not-found path of a switch.
type Cache struct {
	mu sync.RWMutex
	m  map[string][]byte
}

var errMissing = errors.New("missing")

func (c *Cache) Get(k string) ([]byte, error) {
	c.mu.RLock()
	switch v, ok := c.m[k]; {
	case ok:
		c.mu.RUnlock()
		return v, nil
	default:
		return nil, errMissing // want "go-missing-unlock" "this path returns with c.mu still read-locked"
	}
}
