package fixtures

import (
	"sync"
	"time"
)

type Bucket struct {
	mu     sync.Mutex
	tokens int
	burst  int
	last   time.Time
	name   string // set at construction, read freely
}

// refill adds the earned tokens. REQUIRES: b.mu held.
func (b *Bucket) refill(now time.Time) {
	if now.Sub(b.last) > time.Second {
		b.tokens = b.burst
		b.last = now
	}
}

// drainLocked empties the bucket; the name says the caller holds the lock.
func (b *Bucket) drainLocked() {
	b.tokens = 0
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

func (b *Bucket) Drain() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.drainLocked()
}

func (b *Bucket) Tokens() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens
}

// Takes the lock itself.
func (b *Bucket) Reset(burst int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.burst = burst
	b.tokens = burst
}

// name is read without the lock elsewhere too, so it is not lock-protected.
func (b *Bucket) label() string { return b.name }

func (b *Bucket) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.name
}

func (b *Bucket) Name() string { return b.name }

// Phrased as a note to callers, as golang.org/x/sys/unix does.
type Port struct {
	mu     sync.Mutex
	events map[int]int
}

func (p *Port) Add(fd int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events[fd] = 0
	p.convert(fd)
}

func (p *Port) Remove(fd int) {
	p.mu.Lock()
	delete(p.events, fd)
	p.mu.Unlock()
}

// convert records one event.
// NOTE: Always call this function while holding the p.mu mutex
func (p *Port) convert(fd int) {
	p.events[fd]++
}
