package fixtures

import "sync"

// Pool hands out connections; grow dials and must not run under the pool's lock.
type Pool struct {
	mu    sync.Mutex
	conns []int
}

// grow adds a connection, taking p.mu itself.
// +checklocksexclude:p.mu
func (p *Pool) grow() {
	p.mu.Lock()
	p.conns = append(p.conns, len(p.conns))
	p.mu.Unlock()
}

func (p *Pool) Get() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.conns) == 0 {
		p.grow() // want "go-lock-requirement" "Pool.grow must be called without p.mu held \(\+checklocksexclude"
	}
	return p.conns[0]
}

// releaseLocked drops one connection and unlocks the pool for its caller.
// +checklocksrelease:p.mu
func (p *Pool) releaseLocked() {
	p.conns = p.conns[1:]
	p.mu.Unlock()
}

func (p *Pool) Drop() {
	p.mu.Lock()
	n := len(p.conns)
	p.mu.Unlock()
	if n > 0 {
		p.releaseLocked() // want "go-lock-requirement" "Pool.releaseLocked requires p.mu held"
	}
}
