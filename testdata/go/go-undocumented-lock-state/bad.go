package fixtures

import (
	"sync"
	"time"
)

// The seed's fix without its comment: refill runs under Allow's lock, but nothing says so.
type Bucket struct {
	mu     sync.Mutex
	tokens int
	burst  int
	last   time.Time
}

func (b *Bucket) refill(now time.Time) { // want "go-undocumented-lock-state" "Bucket.refill touches tokens, which the rest of the package touches only while holding Bucket.mu"
	if now.Sub(b.last) > time.Second {
		b.tokens = b.burst
		b.last = now
	}
}

func (b *Bucket) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(time.Now())
	if b.tokens == 0 {
		return false
	}
	b.tokens--
	return true
}

func (b *Bucket) Tokens() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}

func (b *Bucket) Reset(burst int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.burst = burst
	b.tokens = burst
	b.last = time.Time{}
}
