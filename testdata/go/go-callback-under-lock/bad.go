package fixtures

import "sync"

// (a) A subscriber callback run while holding the bus lock: a subscriber that publishes deadlocks.
type Bus struct {
	mu   sync.Mutex
	subs []func(string)
	hook func(string)
}

func (b *Bus) Publish(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, fn := range b.subs {
		fn(msg) // want "go-callback-under-lock" "calling the function value fn while holding b.mu"
	}
	b.hook(msg) // want "go-callback-under-lock" "calling the callback b.hook while holding b.mu"
}

// (b) An interface of this package called under a read lock.
type Observer interface {
	Changed(key string)
}

type Store struct {
	mu  sync.RWMutex
	obs Observer
	m   map[string]int
}

func (s *Store) Notify(key string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.m[key]; ok {
		s.obs.Changed(key) // want "go-callback-under-lock" "calling the interface method s.obs.Changed while holding s.mu"
	}
}

// (c) A function parameter called inside the critical section.
func (s *Store) Update(key string, f func(int) int) {
	s.mu.Lock()
	s.m[key] = f(s.m[key]) // want "go-callback-under-lock" "calling the function value f while holding s.mu"
	s.mu.Unlock()
}
