package fixtures

import (
	"fmt"
	"sync"
)

type Sessions struct {
	mu   sync.Mutex
	byID map[string]int
}

// The deferred unlock runs while the panic unwinds.
func (s *Sessions) Touch(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[id]; !ok {
		panic(fmt.Sprintf("unknown session %q", id))
	}
	s.byID[id]++
}

// Unlocked before panicking.
func (s *Sessions) Drop(id string) {
	s.mu.Lock()
	if _, ok := s.byID[id]; !ok {
		s.mu.Unlock()
		panic(fmt.Sprintf("unknown session %q", id))
	}
	delete(s.byID, id)
	s.mu.Unlock()
}

// An invariant assertion with a constant message: "cannot happen" code, left alone.
func (s *Sessions) Add(id string) {
	s.mu.Lock()
	if s.byID == nil {
		panic("sessions: Add before init")
	}
	s.byID[id] = 0
	s.mu.Unlock()
}

// A function that never unlocks on any path is not this rule's business (it means to hold).
func (s *Sessions) lockOrDie() {
	s.mu.Lock()
	if s.byID == nil {
		panic(fmt.Sprint("uninitialised"))
	}
}
