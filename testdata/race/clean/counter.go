// Package clean counts hits under a mutex and stops its goroutines: nothing to report.
package clean

import "sync"

type Stats struct {
	mu   sync.Mutex
	hits int
}

func (s *Stats) Hit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits++
}

func (s *Stats) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}
