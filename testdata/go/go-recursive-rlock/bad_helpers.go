package fixtures

import (
	"sort"
	"strings"
)

// (a) Extracted from Match, but takes the read lock its caller already holds.
func (r *Routes) exact(path string) string {
	r.mu.RLock() // want "go-recursive-rlock" "r.mu is read-locked in Routes.exact while its caller Routes.Match holds the read lock .Routes.Match -> Routes.exact.; if a writer calls Lock in between, this RLock waits behind the writer and the writer waits for the first read lock: deadlock"
	defer r.mu.RUnlock()
	return r.handlers[strings.TrimSuffix(path, "/")]
}

// (c) The hop between Render and sortedItems; takes no lock itself.
func (c *Catalog) renderSection(name string) string {
	return name + ": " + strings.Join(c.sortedItems(name), ", ")
}

// (c) Two calls below Render, which holds the read lock.
func (c *Catalog) sortedItems(name string) []string {
	c.mu.RLock() // want "go-recursive-rlock" "c.mu is read-locked in Catalog.sortedItems while its caller Catalog.Render holds the read lock .Catalog.Render -> Catalog.renderSection -> Catalog.sortedItems."
	defer c.mu.RUnlock()
	items := append([]string(nil), c.sections[name]...)
	sort.Strings(items)
	return items
}

// (d) Read-locks the embedded RWMutex that Addr already holds for reading.
func (p *Peers) known(id string) bool {
	p.RLock() // want "go-recursive-rlock" "p.RWMutex is read-locked in Peers.known while its caller Peers.Addr holds the read lock"
	defer p.RUnlock()
	_, ok := p.addrs[id]
	return ok
}

// (g) Called by Neighbours while rlock's read lock is still held.
func (t *Topology) has(node string) bool {
	t.mu.RLock() // want "go-recursive-rlock" "t.mu is read-locked in Topology.has while its caller Topology.Neighbours holds the read lock"
	defer t.mu.RUnlock()
	_, ok := t.links[node]
	return ok
}
