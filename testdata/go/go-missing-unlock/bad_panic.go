package fixtures

import (
	"fmt"
	"net/http"
	"sync"
)

// A handler's validation panics with the lock held; net/http recovers the panic, and every
// later request waits on sessionsMu forever.
type Sessions struct {
	mu   sync.Mutex
	byID map[string]int
}

func (s *Sessions) Touch(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	s.mu.Lock()
	n, ok := s.byID[id]
	if !ok {
		panic(fmt.Sprintf("unknown session %q", id)) // want "go-missing-unlock" "this panic unwinds with s.mu still locked"
	}
	s.byID[id] = n + 1
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
