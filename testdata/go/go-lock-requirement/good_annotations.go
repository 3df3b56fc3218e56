package fixtures

import "sync"

type Pool struct {
	mu    sync.Mutex
	conns []int
}

// +checklocksexclude:p.mu
func (p *Pool) grow() {
	p.mu.Lock()
	p.conns = append(p.conns, len(p.conns))
	p.mu.Unlock()
}

// Get releases the lock before growing, as grow's annotation asks.
func (p *Pool) Get() int {
	p.mu.Lock()
	if len(p.conns) == 0 {
		p.mu.Unlock()
		p.grow()
		p.mu.Lock()
	}
	defer p.mu.Unlock()
	return p.conns[0]
}

// A different pool's lock is not the one grow excludes.
func (p *Pool) Borrow(other *Pool) {
	other.mu.Lock()
	defer other.mu.Unlock()
	p.grow()
}

// +checklocksrelease:p.mu
func (p *Pool) releaseLocked() {
	p.conns = p.conns[1:]
	p.mu.Unlock()
}

// lock takes the pool's lock and returns with it held, as its annotation says.
// +checklocksacquire:p.mu
func (p *Pool) lock() {
	p.mu.Lock()
}

// Drop takes the lock through lock() and hands it to releaseLocked, which unlocks it.
func (p *Pool) Drop() {
	p.lock()
	p.releaseLocked()
}

// debugDump reads without the lock on purpose; checks are off for it.
// +checklocksignore
func (p *Pool) debugDump() int {
	p.mu.Lock()
	p.mu.Lock()
	return len(p.conns)
}
