package fixtures

import "sync"

// Barrier's cond is built over mu, so cond.L is mu.
type Barrier struct {
	mu      sync.Mutex
	cond    *sync.Cond
	waiting int
}

func NewBarrier() *Barrier {
	b := &Barrier{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *Barrier) Arrive() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waiting++
	b.cond.L.Lock() // want "go-double-lock" "b.cond.L is locked again while this function already holds it"
	b.cond.Broadcast()
	b.cond.L.Unlock()
}
