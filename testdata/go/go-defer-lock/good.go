package fixtures

import (
	"sync"
	"time"
)

type Stats struct {
	mu    sync.Mutex
	total int
}

func (s *Stats) Add(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total += n
}

// A closure per iteration gives each defer its own scope.
func (s *Stats) AddAll(ns []int) {
	for _, n := range ns {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.total += n
		}()
	}
}

// waitLocked gives the lock up while sleeping and re-takes it on return.
// REQUIRES: s.mu held; returns with it held.
func (s *Stats) waitLocked(d time.Duration) {
	s.mu.Unlock()
	defer s.mu.Lock()
	time.Sleep(d)
}

// Read-lock variant of the same idiom, inside a function holding a deferred RUnlock.
type Index struct {
	mu sync.RWMutex
	m  map[string]int
}

func (ix *Index) Refresh(load func() map[string]int) map[string]int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.m != nil {
		return ix.m
	}
	ix.mu.RUnlock()
	defer ix.mu.RLock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.m = load()
	return ix.m
}

// Each iteration locks a different node and keeps every lock until return, on purpose.
type node struct {
	mu     sync.Mutex
	parent *node
	done   bool
}

func (n *node) markAncestors() {
	for p := n; p != nil; p = p.parent {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.done = true
	}
}
