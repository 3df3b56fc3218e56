package fixtures

import "sync"

type Session struct {
	// mu guards the fields below.
	mu       sync.RWMutex
	user     string // guarded by mu
	attempts int    // +checklocks:mu
	expired  bool   // guarded by mu
	// Settings from the peer (also guarded by writeMu; read under either).
	limit   int // also guarded by writeMu
	writeMu sync.Mutex
}

// A constructor: the value is not shared yet.
func NewSession(user string) *Session {
	s := &Session{}
	s.user = user
	s.attempts = 0
	return s
}

func (s *Session) Login(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = user
	s.attempts = 0
}

func (s *Session) User() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.user
}

// resetLocked clears the counters. REQUIRES: s.mu held.
func (s *Session) resetLocked() {
	s.attempts = 0
	s.expired = false
}

// Never touches s.mu: its callers hold it.
func (s *Session) bump() {
	s.attempts++
}

func (s *Session) Fail() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bump()
	if s.attempts > 3 {
		s.resetLocked()
	}
}

// A field with several guards may be read under any of them.
func (s *Session) Limit() int {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.limit
}

// Unlock for the slow part, re-lock before touching the fields again.
func (s *Session) Refresh(load func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user := s.user
	s.mu.Unlock()
	fresh := load()
	s.mu.Lock()
	if s.user == user {
		s.user = fresh
	}
}
