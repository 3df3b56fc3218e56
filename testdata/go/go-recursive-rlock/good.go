package fixtures

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// Match done right: exactLocked (good_helpers.go) expects r.mu held and takes no lock.
type Routes struct {
	mu       sync.RWMutex
	handlers map[string]string
	prefixes []string
}

func (r *Routes) Match(path string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if h := r.exactLocked(path); h != "" {
		return h
	}
	for _, p := range r.prefixes {
		if strings.HasPrefix(path, p) {
			return r.handlers[p]
		}
	}
	return ""
}

// The first read lock is released before the second is taken.
type Settings struct {
	mu        sync.RWMutex
	defaults  map[string]string
	overrides map[string]string
}

func (s *Settings) Export() map[string]string {
	out := map[string]string{}
	s.mu.RLock()
	for k, v := range s.defaults {
		out[k] = v
	}
	s.mu.RUnlock()
	s.mu.RLock()
	for k, v := range s.overrides {
		out[k] = v
	}
	s.mu.RUnlock()
	return out
}

// Summary holds no lock; count and names (good_helpers.go) each read-lock s.mu in turn.
func (s *Settings) Summary() (int, []string) {
	return s.count(), s.names()
}

// r.mu and other.mu belong to two different Routes: two read locks, not one taken twice.
func (r *Routes) Same(other *Routes) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.handlers) != other.Len() {
		return false
	}
	for k, v := range r.handlers {
		if other.handler(k) != v {
			return false
		}
	}
	return true
}

func sameShape(a, b *Routes) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(a.prefixes) == len(b.prefixes)
}

// A goroutine started under the read lock read-locks on its own stack, later.
type Catalog struct {
	mu       sync.RWMutex
	sections map[string][]string
	onChange func(n int)
}

func (c *Catalog) Names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	names := make([]string, 0, len(c.sections))
	for name := range c.sections {
		names = append(names, name)
	}
	go func() {
		time.Sleep(time.Millisecond)
		c.mu.RLock()
		n := len(c.sections)
		c.mu.RUnlock()
		c.onChange(n)
	}()
	go c.report()
	sort.Strings(names)
	return names
}

// Write lock then read lock is go-double-lock's business, not this rule's.
func (c *Catalog) Add(section, item string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sections[section] = append(c.sections[section], item)
	return c.size()
}

// Two different RWMutex fields of one struct, each read-locked once.
type Index struct {
	metaMu sync.RWMutex
	dataMu sync.RWMutex
	gen    int
	rows   map[string][]byte
}

func (ix *Index) Row(key string) (int, []byte) {
	ix.metaMu.RLock()
	defer ix.metaMu.RUnlock()
	ix.dataMu.RLock()
	defer ix.dataMu.RUnlock()
	return ix.gen, ix.rows[key]
}

// Each branch read-locks and releases on its own; nothing is held at the RLock after the if.
func (ix *Index) Lookup(key string, fresh bool) []byte {
	if fresh {
		ix.dataMu.RLock()
		b := ix.rows[key]
		ix.dataMu.RUnlock()
		if b != nil {
			return b
		}
	}
	ix.dataMu.RLock()
	defer ix.dataMu.RUnlock()
	return ix.rows[key]
}

// Embedded RWMutex read-locked once; the documented helper reads without locking.
type Peers struct {
	sync.RWMutex
	addrs map[string]string
}

func (p *Peers) Addr(id string) (string, bool) {
	p.RLock()
	defer p.RUnlock()
	if !p.knownLocked(id) {
		return "", false
	}
	return p.addrs[id], true
}
