package fixtures

import "sync"

type Stats struct {
	mu    sync.Mutex
	total int
}

// The one-letter slip: Lock where Unlock was meant.
func (s *Stats) Add(n int) {
	s.mu.Lock()
	defer s.mu.Lock() // want "go-defer-lock" "defer s.mu.Lock.. locks when the function returns instead of unlocking"
	s.total += n
}

// The same slip on a read lock.
type Index struct {
	mu sync.RWMutex
	m  map[string]int
}

func (ix *Index) Get(k string) int {
	ix.mu.RLock()
	defer ix.mu.RLock() // want "go-defer-lock" "defer ix.mu.RLock.. locks when the function returns"
	return ix.m[k]
}

// A deferred unlock in a loop body: the second iteration's Lock never returns.
func (s *Stats) AddAll(ns []int) {
	for _, n := range ns {
		s.mu.Lock()
		defer s.mu.Unlock() // want "go-defer-lock" "defer s.mu.Unlock.. in a loop body runs when the function returns"
		s.total += n
	}
}

// The same with a package mutex and a plain for loop.
var regMu sync.Mutex

func register(names []string, into map[string]bool) {
	for i := 0; i < len(names); i++ {
		regMu.Lock()
		defer regMu.Unlock() // want "go-defer-lock" "defer regMu.Unlock.. in a loop body"
		into[names[i]] = true
	}
}
