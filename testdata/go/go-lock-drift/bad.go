package drift

import (
	"net/http"
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

func (tb *TokenBucket) refill() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	now := time.Now()
	tb.tokens += now.Sub(tb.last).Seconds() * tb.rate
	if tb.tokens > tb.burst {
		tb.tokens = tb.burst
	}
	tb.last = now
}

func (tb *TokenBucket) Take() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.refill() // want "go-lock-drift" "TokenBucket.Take changes how it locks: now locks TokenBucket.mu while holding TokenBucket.mu.*claims to preserve behaviour \(the commit message says \"no functional change\"\)"
	if tb.tokens < 1 {
		return false
	}
	tb.tokens--
	return true
}

// Registry caches health results.
type Registry struct {
	mu      sync.RWMutex
	healthy map[string]bool
	client  *http.Client
}

func (r *Registry) Probe(url string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	resp, err := r.client.Get(url) // want "go-lock-drift" "Registry.Probe changes how it locks: now blocks \(r.client.Get\) while holding Registry.mu"
	r.healthy[url] = err == nil && resp.StatusCode == http.StatusOK
}

func (r *Registry) Healthy(url string) bool { // want "go-lock-drift" "Registry.Healthy changes how it locks: no longer read-locks Registry.mu"
	return r.healthy[url]
}
