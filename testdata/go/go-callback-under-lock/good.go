package fixtures

import "sync"

type Bus struct {
	mu   sync.Mutex
	subs []func(string)
}

// Copy the subscribers under the lock, call them after.
func (b *Bus) Publish(msg string) {
	b.mu.Lock()
	subs := append(([]func(string))(nil), b.subs...)
	b.mu.Unlock()
	for _, fn := range subs {
		fn(msg)
	}
}

type Observer interface {
	Changed(key string)
}

type Store struct {
	mu  sync.Mutex
	obs Observer
	n   int
}

// Ordinary methods and functions of the package are not callbacks.
func (s *Store) bump() { s.n++ }

func double(n int) int { return 2 * n }

func (s *Store) Add() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bump()
	s.n = double(s.n)
}

// Callbacks with no lock held.
func (s *Store) Tell(key string, done func()) {
	s.obs.Changed(key)
	done()
}
