package fixtures

import "sync"

type Session struct {
	mu       sync.RWMutex
	user     string // guarded by mu
	attempts int    // +checklocks:mu
	// protected by mu
	expired bool
}

// (a) Written after the unlock.
func (s *Session) Login(user string) {
	s.mu.Lock()
	s.user = user
	s.mu.Unlock()
	s.attempts = 0 // want "go-guarded-access" "s.attempts is written without holding s.mu, which guards it .bad/bad.go:8."
}

// (b) Read before the lock is taken.
func (s *Session) Expire() bool {
	if s.expired { // want "go-guarded-access" "s.expired is read without holding s.mu"
		return true
	}
	s.mu.Lock()
	s.expired = true
	s.mu.Unlock()
	return false
}

// (c) Written under the read lock only.
func (s *Session) Touch() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.attempts++ // want "go-guarded-access" "s.attempts is written while s.mu is only read-locked"
	return s.user
}

// (d) A map guarded by the mutex, written through an index.
type Directory struct {
	mu    sync.Mutex
	names map[string]int // guarded by mu
}

func (d *Directory) Add(name string, id int) {
	d.names[name] = id // want "go-guarded-access" "d.names is written without holding d.mu"
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.names, "")
}
