package fixtures

import (
	"math"
	"os"
	"time"
)

// refillLocked adds the tokens earned since the last call. REQUIRES: l.mu held.
func (l *Limiter) refillLocked(now time.Time) {
	l.tokens = math.Min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
}

// grow is called without p.mu held.
func (p *Pool) grow(n int) {
	fresh := make([][]byte, n)
	for i := range fresh {
		fresh[i] = make([]byte, 4096)
	}
	p.mu.Lock()
	p.free = append(p.free, fresh...)
	p.mu.Unlock()
}

// trim is called without p.mu held.
func (p *Pool) trim() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = p.free[:len(p.free)/2]
}

func (c *Counter) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pos, c.neg, c.total = 0, 0, 0
}

func (c *Counter) recount() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total = c.pos + c.neg
}

// deposit locks the receiver's mu, which is not the caller's a.mu.
func (a *Account) deposit(amount int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance += amount
}

func (s *Stats) incr() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
}

func (s *Stats) observe(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sum += d
}

// flush runs as its own goroutine.
func (f *Flusher) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = nil
}

func (ix *Index) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.m)
}

// Lock creates the lock file on first entry; nested calls only count.
func (f *fileLock) Lock() error {
	if f.depth == 0 {
		if err := os.WriteFile(f.path, nil, 0o600); err != nil {
			return err
		}
	}
	f.depth++
	return nil
}

// Unlock removes the lock file when the outermost holder leaves.
func (f *fileLock) Unlock() error {
	f.depth--
	if f.depth == 0 {
		return os.Remove(f.path)
	}
	return nil
}

// waitLocked gives l.mu up while sleeping. REQUIRES: l.mu held; returns with it held.
func (l *Latch) waitLocked(d time.Duration) {
	l.mu.Unlock()
	time.Sleep(d)
	l.mu.Lock()
}

// lockAll returns with t.mu and t.metaMu held.
func (t *Table) lockAll() {
	t.mu.Lock()
	t.metaMu.Lock()
}

func (t *Table) refresh() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
}
