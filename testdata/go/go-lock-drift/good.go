package drift

import (
	"sync"
	"time"
)

// TokenBucket refills at rate tokens per second, up to burst.
type TokenBucket struct {
	mu     sync.Mutex
	tokens float64
	burst  float64
	rate   float64
	last   time.Time
}

// refillLocked adds the tokens earned since the last refill. Caller must hold tb.mu.
func (tb *TokenBucket) refillLocked(now time.Time) {
	tb.tokens += now.Sub(tb.last).Seconds() * tb.rate
	if tb.tokens > tb.burst {
		tb.tokens = tb.burst
	}
	tb.last = now
}

// Take is the same critical section as before, the arithmetic now in a helper that expects the
// lock held: the lock behaviour is unchanged.
func (tb *TokenBucket) Take() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.refillLocked(time.Now())
	if tb.tokens < 1 {
		return false
	}
	tb.tokens--
	return true
}

// Level switched from an explicit unlock to a deferred one: same locks, same state.
func (tb *TokenBucket) Level() float64 {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.tokens
}

type Pair struct {
	a, b *TokenBucket
}

// Drain was unrolled; each bucket is still locked alone.
func (p *Pair) Drain() {
	p.a.mu.Lock()
	p.a.tokens = 0
	p.a.mu.Unlock()
	p.b.mu.Lock()
	p.b.tokens = 0
	p.b.mu.Unlock()
}
