package fixtures

import (
	"math"
	"time"
)

// (a) Extracted from Allow, but takes the lock its caller already holds.
func (l *Limiter) refill(now time.Time) {
	l.mu.Lock() // want "go-double-lock" "l.mu is locked in Limiter.refill while its caller Limiter.Allow already holds it"
	defer l.mu.Unlock()
	l.tokens = math.Min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
}

// (b) put takes no lock itself; it is the hop between Set and evict.
func (s *Store) put(k, v string) {
	if _, ok := s.items[k]; !ok {
		s.order = append(s.order, k)
	}
	s.items[k] = v
	if len(s.order) > s.max {
		s.evict()
	}
}

// (b) Two calls below Set, which holds s.mu.
func (s *Store) evict() {
	s.mu.Lock() // want "go-double-lock" "s.mu is locked in Store.evict while its caller Store.Set already holds it .Store.Set -> Store.put -> Store.evict."
	defer s.mu.Unlock()
	oldest := s.order[0]
	s.order = s.order[1:]
	delete(s.items, oldest)
}

// (c) Read-locks the embedded RWMutex that Register holds for writing.
func (r *Registry) count() int {
	r.RLock() // want "go-double-lock" "r.RWMutex is read-locked in Registry.count while its caller Registry.Register already holds it.*RLock waits for the writer"
	defer r.RUnlock()
	return len(r.m)
}

// (f) Locks the cache that Server.Handle already holds through s.cache.
func (c *Cache) get(key string) []byte {
	c.mu.Lock() // want "go-double-lock" "c.mu is locked in Cache.get while its caller Server.Handle already holds it"
	defer c.mu.Unlock()
	return c.entries[key]
}

// (j) Called by Rebuild while lockAll's t.mu is still held.
func (t *Table) reindex() {
	t.mu.Lock() // want "go-double-lock" "t.mu is locked in Table.reindex while its caller Table.Rebuild already holds it"
	defer t.mu.Unlock()
	t.index = make(map[string]int, len(t.rows))
	for i, r := range t.rows {
		t.index[r] = i
	}
}
