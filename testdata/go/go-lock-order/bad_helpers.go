package fixtures

// (b) Locks Metrics.mu; Pool.Put calls it while holding Pool.mu.
func (m *Metrics) observe(name string) {
	m.mu.Lock()
	m.counts[name]++
	m.mu.Unlock()
}

// (b) Locks Pool.mu; Metrics.Report calls it while holding Metrics.mu: the opposite order.
func (p *Pool) Len() int {
	p.mu.Lock() // want "go-lock-order" "lock order inversion: Pool.mu is locked while Metrics.mu is held .in Metrics.Report., but Pool.Put locks Metrics.mu while holding Pool.mu"
	defer p.mu.Unlock()
	return len(p.idle)
}
