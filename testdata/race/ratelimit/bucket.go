// Package ratelimit is the double-lock refactor of the seed incident: the helper extracted
// in a "no functional changes" commit locks the mutex its caller already holds.
package ratelimit

import (
	"sync"
	"time"
)

type TokenBucket struct {
	mu       sync.Mutex
	tokens   int
	capacity int
	rate     time.Duration
	last     time.Time
}

func New(capacity int, rate time.Duration) *TokenBucket {
	return &TokenBucket{tokens: capacity, capacity: capacity, rate: rate, last: time.Now()}
}

// refillIfNeeded tops the bucket up for the time that passed.
func (b *TokenBucket) refillIfNeeded() {
	b.mu.Lock()
	defer b.mu.Unlock()
	elapsed := time.Since(b.last)
	if add := int(elapsed / b.rate); add > 0 {
		b.tokens += add
		if b.tokens > b.capacity {
			b.tokens = b.capacity
		}
		b.last = time.Now()
	}
}

// Allow takes a token if one is left.
func (b *TokenBucket) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refillIfNeeded()
	if b.tokens == 0 {
		return false
	}
	b.tokens--
	return true
}
