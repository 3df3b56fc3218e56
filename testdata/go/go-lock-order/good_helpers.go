package fixtures

// drop locks Prices.mu; Catalog.Remove calls it under Catalog.mu, the usual order.
func (p *Prices) drop(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.byItem, id)
}

// give locks Inventory.mu; Orders.Cancel calls it after releasing Orders.mu.
func (inv *Inventory) give(sku string, n int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.stock[sku] += n
}

// copy runs as its own goroutine.
func (m *Mirror) copy(msg string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
}

// Last locks Feed.mu; Mirror.Resync calls it under Mirror.mu.
func (f *Feed) Last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}
