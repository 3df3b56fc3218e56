package fixtures

import "sync"

// (a) A documented helper called after the caller let the lock go.
type Writer struct {
	mu     sync.Mutex
	buf    []byte
	closed bool
}

// flushLocked writes out the buffer. REQUIRES: w.mu held.
func (w *Writer) flushLocked() {
	w.buf = w.buf[:0]
}

func (w *Writer) Close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.flushLocked() // want "go-lock-requirement" "Writer.flushLocked requires w.mu held .bad/bad.go:12., but Writer.Close calls it without holding it"
}

// (b) gVisor-style annotation, helper called before the lock is taken.
type Cache struct {
	mu sync.RWMutex
	m  map[string]int
}

// +checklocks:c.mu
func (c *Cache) evict(k string) {
	delete(c.m, k)
}

func (c *Cache) Replace(k string, v int) {
	c.evict(k) // want "go-lock-requirement" "Cache.evict requires c.mu held"
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

// (c) The name suffix on a type with one mutex: the caller manages s.mu but calls outside it.
type Store struct {
	mu    sync.Mutex
	items map[string]int
	order []string
}

func (s *Store) trimLocked() {
	for len(s.order) > 10 {
		delete(s.items, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *Store) Put(k string, v int) {
	s.mu.Lock()
	s.items[k] = v
	s.order = append(s.order, k)
	s.mu.Unlock()
	s.trimLocked() // want "go-lock-requirement" "Store.trimLocked expects its receiver's lock held .its name ends in Locked., but Store.Put calls it"
}

// (d) A package function whose parameter's lock must be held.
type Registry struct {
	mu    sync.Mutex
	names []string
}

// addName appends one name; caller must hold reg.mu.
func addName(reg *Registry, name string) {
	reg.names = append(reg.names, name)
}

func Register(reg *Registry, names ...string) {
	for _, n := range names {
		addName(reg, n) // want "go-lock-requirement" "addName requires reg.mu held"
	}
	reg.mu.Lock()
	reg.names = append(reg.names, "")
	reg.mu.Unlock()
}
