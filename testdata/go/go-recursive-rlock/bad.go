package fixtures

import (
	"sort"
	"strings"
	"sync"
)

// (a) Match holds r.mu's read lock and calls exact (bad_helpers.go), which read-locks it again.
type Routes struct {
	mu       sync.RWMutex
	handlers map[string]string
	prefixes []string
}

func (r *Routes) Match(path string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if h := r.exact(path); h != "" {
		return h
	}
	for _, p := range r.prefixes {
		if strings.HasPrefix(path, p) {
			return r.handlers[p]
		}
	}
	return ""
}

// (b) Export read-locks s.mu a second time for the overrides instead of reusing its read lock.
type Settings struct {
	mu        sync.RWMutex
	defaults  map[string]string
	overrides map[string]string
}

func (s *Settings) Export() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]string, len(s.defaults)+len(s.overrides))
	for k, v := range s.defaults {
		out[k] = v
	}
	s.mu.RLock() // want "go-recursive-rlock" "s.mu is read-locked again while this function already holds its read lock .line [0-9]+.; if a writer calls Lock in between, this RLock waits behind the writer"
	for k, v := range s.overrides {
		out[k] = v
	}
	s.mu.RUnlock()
	return out
}

// (c) Two levels down: Render holds c.mu, renderSection calls sortedItems, which read-locks c.mu.
type Catalog struct {
	mu       sync.RWMutex
	sections map[string][]string
}

func (c *Catalog) Render() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	for name := range c.sections {
		out = append(out, c.renderSection(name))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// (d) Embedded RWMutex: Addr read-locks p, known (bad_helpers.go) read-locks p again.
type Peers struct {
	sync.RWMutex
	addrs map[string]string
}

func (p *Peers) Addr(id string) (string, bool) {
	p.RLock()
	defer p.RUnlock()
	if !p.known(id) {
		return "", false
	}
	return p.addrs[id], true
}

// (e) Package-level RWMutex: Enabled holds flagsMu's read lock, groupEnabled read-locks it again.
var (
	flagsMu sync.RWMutex
	flags   = map[string]bool{}
)

func Enabled(name string) bool {
	flagsMu.RLock()
	defer flagsMu.RUnlock()
	return flags[name] || groupEnabled(name)
}

func groupEnabled(name string) bool {
	flagsMu.RLock() // want "go-recursive-rlock" "flagsMu is read-locked in groupEnabled while its caller Enabled holds the read lock"
	defer flagsMu.RUnlock()
	group, _, _ := strings.Cut(name, ".")
	return flags[group+".*"]
}

// (f) Through a field of known type: Serve read-locks g.routes.mu, Routes.Len read-locks the same lock.
type Gateway struct {
	routes *Routes
}

func (g *Gateway) Serve(path string) (string, int) {
	g.routes.mu.RLock()
	defer g.routes.mu.RUnlock()
	return g.routes.handlers[path], g.routes.Len()
}

func (r *Routes) Len() int {
	r.mu.RLock() // want "go-recursive-rlock" "r.mu is read-locked in Routes.Len while its caller Gateway.Serve holds the read lock"
	defer r.mu.RUnlock()
	return len(r.handlers)
}

// (g) rlock returns holding t.mu's read lock; has (bad_helpers.go) then read-locks t.mu again.
type Topology struct {
	mu    sync.RWMutex
	links map[string][]string
}

func (t *Topology) rlock()   { t.mu.RLock() }
func (t *Topology) runlock() { t.mu.RUnlock() }

func (t *Topology) Neighbours(node string) []string {
	t.rlock()
	defer t.runlock()
	if !t.has(node) {
		return nil
	}
	return append([]string(nil), t.links[node]...)
}
