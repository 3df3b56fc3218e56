package fixtures

import "sync"

// (a) Direct nesting in opposite orders: Restock takes Orders.mu under Inventory.mu, Place the reverse.
type Inventory struct {
	mu    sync.Mutex
	stock map[string]int
}

type Orders struct {
	mu      sync.Mutex
	pending map[string]int
}

func (inv *Inventory) Restock(o *Orders, sku string, n int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.stock[sku] += n
	o.mu.Lock() // want "go-lock-order" "lock order inversion: Orders.mu is locked while Inventory.mu is held .in Inventory.Restock., but Orders.Place locks Inventory.mu while holding Orders.mu .bad/bad.go:[0-9]+.; two goroutines taking them in opposite orders deadlock"
	if want := o.pending[sku]; want > 0 && inv.stock[sku] >= want {
		inv.stock[sku] -= want
		delete(o.pending, sku)
	}
	o.mu.Unlock()
}

func (o *Orders) Place(inv *Inventory, sku string, n int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.stock[sku] < n {
		o.pending[sku] += n
		return false
	}
	inv.stock[sku] -= n
	return true
}

// (b) Through calls: Put holds Pool.mu and calls Metrics.observe; Report holds Metrics.mu and
// calls Pool.Len (both helpers in bad_helpers.go).
type Metrics struct {
	mu     sync.Mutex
	counts map[string]int
}

type Pool struct {
	mu      sync.Mutex
	idle    []int
	metrics *Metrics
}

func (p *Pool) Put(conn int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, conn)
	p.metrics.observe("put")
}

func (m *Metrics) Report(p *Pool) map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts["idle"] = p.Len()
	out := make(map[string]int, len(m.counts))
	for k, v := range m.counts {
		out[k] = v
	}
	return out
}

// (c) A package-level mutex and a field: Register takes Plugin.mu under registryMu, Reload the reverse.
var (
	registryMu sync.Mutex
	plugins    = map[string]*Plugin{}
)

type Plugin struct {
	mu      sync.Mutex
	name    string
	version int
}

func Register(p *Plugin) {
	registryMu.Lock()
	defer registryMu.Unlock()
	p.mu.Lock()
	plugins[p.name] = p
	p.mu.Unlock()
}

func (p *Plugin) Reload(version int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.version = version
	registryMu.Lock() // want "go-lock-order" "lock order inversion: var registryMu is locked while Plugin.mu is held .in Plugin.Reload., but Register locks Plugin.mu while holding var registryMu"
	plugins[p.name] = p
	registryMu.Unlock()
}

// (d) Two fields of one type are two classes: Close takes c.out under c.in, Echo the reverse.
type halfConn struct {
	sync.Mutex
	buf []byte
}

type Conn struct {
	in, out halfConn
}

func (c *Conn) Close() {
	c.in.Lock()
	defer c.in.Unlock()
	c.out.Lock() // want "go-lock-order" "lock order inversion: Conn.out.Mutex is locked while Conn.in.Mutex is held .in Conn.Close., but Conn.Echo locks Conn.in.Mutex while holding Conn.out.Mutex"
	defer c.out.Unlock()
	c.in.buf, c.out.buf = nil, nil
}

func (c *Conn) Echo() {
	c.out.Lock()
	defer c.out.Unlock()
	c.in.Lock()
	c.out.buf = append(c.out.buf, c.in.buf...)
	c.in.buf = c.in.buf[:0]
	c.in.Unlock()
}

// (e) Two local mutexes captured by two goroutines that take them in opposite orders.
func transferBoth(done chan<- bool) {
	var a, b sync.Mutex
	go func() {
		a.Lock()
		b.Lock() // want "go-lock-order" "lock order inversion: local transferBoth.b is locked while local transferBoth.a is held"
		b.Unlock()
		a.Unlock()
		done <- true
	}()
	go func() {
		b.Lock()
		a.Lock()
		a.Unlock()
		b.Unlock()
		done <- true
	}()
}
