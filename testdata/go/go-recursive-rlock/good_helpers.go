package fixtures

import (
	"sort"
	"strings"
)

// exactLocked finds an exact route. REQUIRES: r.mu held (read or write).
func (r *Routes) exactLocked(path string) string {
	return r.handlers[strings.TrimSuffix(path, "/")]
}

// Len read-locks the receiver, which Same's caller does not hold for this Routes.
func (r *Routes) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.handlers)
}

func (r *Routes) handler(path string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[path]
}

func (s *Settings) count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.defaults) + len(s.overrides)
}

func (s *Settings) names() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.defaults))
	for k := range s.defaults {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// report runs as its own goroutine.
func (c *Catalog) report() {
	c.mu.RLock()
	n := len(c.sections)
	c.mu.RUnlock()
	c.onChange(n)
}

func (c *Catalog) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.sections)
}

// knownLocked reports whether id is registered. REQUIRES: p held (read or write).
func (p *Peers) knownLocked(id string) bool {
	_, ok := p.addrs[id]
	return ok
}
