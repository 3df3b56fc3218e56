package fixtures

import (
	"fmt"
	"sync"
)

type Registry struct {
	mu sync.Mutex
	m  map[string]int
}

// Deferred unlock covers the early return.
func (r *Registry) Add(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.m[name]; dup {
		return fmt.Errorf("duplicate %q", name)
	}
	r.m[name] = len(r.m)
	return nil
}

// Every return unlocks by hand.
func (r *Registry) Remove(name string) bool {
	r.mu.Lock()
	if _, ok := r.m[name]; !ok {
		r.mu.Unlock()
		return false
	}
	delete(r.m, name)
	r.mu.Unlock()
	return true
}

// Returns holding the lock on every path, on purpose.
func (r *Registry) lockAll() {
	r.mu.Lock()
}

// Takes the lock only when asked, and says so in its result.
func (r *Registry) lockIfNeeded(need bool) bool {
	if !need {
		return false
	}
	r.mu.Lock()
	return true
}

// Hands the caller the function that unlocks.
func (r *Registry) acquire(name string) (int, func(), error) {
	r.mu.Lock()
	v, ok := r.m[name]
	if !ok {
		r.mu.Unlock()
		return 0, nil, fmt.Errorf("no %q", name)
	}
	return v, r.mu.Unlock, nil
}
