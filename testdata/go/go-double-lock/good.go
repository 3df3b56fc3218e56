package fixtures

import (
	"os"
	"sync"
	"time"
)

// Token bucket done right: refillLocked (good_helpers.go) expects l.mu held and takes no lock.
type Limiter struct {
	mu     sync.Mutex
	tokens float64
	burst  float64
	rate   float64
	last   time.Time
}

func (l *Limiter) Allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refillLocked(time.Now())
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// Get releases p.mu around grow, which locks p.mu itself, and re-locks afterwards.
type Pool struct {
	mu   sync.Mutex
	free [][]byte
}

func (p *Pool) Get() []byte {
	p.mu.Lock()
	for len(p.free) == 0 {
		p.mu.Unlock()
		p.grow(4)
		p.mu.Lock()
	}
	b := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	p.mu.Unlock()
	return b
}

// Put's early-return path unlocks on its own; the other path unlocks before trim locks.
func (p *Pool) Put(b []byte) {
	p.mu.Lock()
	if len(p.free) < 64 {
		p.free = append(p.free, b)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.trim()
}

// Each branch locks and unlocks on its own, so nothing is held at the lock after the if.
type Counter struct {
	mu    sync.Mutex
	pos   int
	neg   int
	total int
}

func (c *Counter) Add(n int) {
	if n < 0 {
		c.mu.Lock()
		c.neg += n
		c.mu.Unlock()
	} else {
		c.mu.Lock()
		c.pos += n
		c.mu.Unlock()
	}
	c.mu.Lock()
	c.total += n
	c.mu.Unlock()
}

// One branch locks inline, the other calls a helper that locks: never both on one path.
func (c *Counter) Reset(hard bool) {
	if hard {
		c.clear()
	} else {
		c.mu.Lock()
		c.total = 0
		c.mu.Unlock()
	}
}

// Every switch clause that falls through unlocks before recount locks again.
func (c *Counter) Bump(kind string) {
	c.mu.Lock()
	switch kind {
	case "pos":
		c.pos++
		c.mu.Unlock()
	case "neg":
		c.neg--
		c.mu.Unlock()
	default:
		c.mu.Unlock()
		return
	}
	c.recount()
}

// from.mu and to.mu belong to two different accounts: two locks, not one taken twice.
type Account struct {
	mu      sync.Mutex
	balance int
}

func transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// Send holds a.mu; deposit locks the other account's mu.
func (a *Account) Send(to *Account, amount int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance -= amount
	to.deposit(amount)
}

// Record holds no lock; incr and observe each lock and unlock s.mu in turn.
type Stats struct {
	mu    sync.Mutex
	count int
	sum   time.Duration
}

func (s *Stats) Record(d time.Duration) {
	s.incr()
	s.observe(d)
}

// Goroutines started while f.mu is held lock it on their own stack, later.
type Flusher struct {
	mu      sync.Mutex
	pending []string
}

func (f *Flusher) Enqueue(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = append(f.pending, s)
	if len(f.pending) == 1 {
		go func() {
			time.Sleep(10 * time.Millisecond)
			f.mu.Lock()
			f.pending = f.pending[:0]
			f.mu.Unlock()
		}()
	}
	if len(f.pending) > 100 {
		go f.flush()
	}
}

// collect and collectAll each lock a local named mu: two different mutexes.
func collect(n int) []int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var out []int
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			out = append(out, i*i)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return out
}

func collectAll(ns []int) [][]int {
	var mu sync.Mutex
	var res [][]int
	mu.Lock()
	defer mu.Unlock()
	for _, n := range ns {
		res = append(res, collect(n))
	}
	return res
}

// Read lock under read lock is go-recursive-rlock's business, not this rule's.
type Index struct {
	mu sync.RWMutex
	m  map[string]int
}

func (ix *Index) Lookup(k string) (int, int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.m[k], ix.size()
}

func (ix *Index) Both(a, b string) bool {
	ix.mu.RLock()
	_, okA := ix.m[a]
	ix.mu.RLock()
	_, okB := ix.m[b]
	ix.mu.RUnlock()
	ix.mu.RUnlock()
	return okA && okB
}

// Lock and unlock once per iteration, including the continue path.
type Inbox struct {
	mu    sync.Mutex
	items []int
	seen  int
}

func (q *Inbox) PushAll(vs []int) {
	for _, v := range vs {
		q.mu.Lock()
		if v < 0 {
			q.mu.Unlock()
			continue
		}
		q.items = append(q.items, v)
		q.mu.Unlock()
	}
	q.mu.Lock()
	q.seen += len(vs)
	q.mu.Unlock()
}

// fileLock's Lock/Unlock are ordinary (reentrant) methods, not a sync mutex.
type fileLock struct {
	path  string
	depth int
}

func migrate(dir string) error {
	fl := &fileLock{path: dir + "/.lock"}
	if err := fl.Lock(); err != nil {
		return err
	}
	defer fl.Unlock()
	if err := fl.Lock(); err != nil {
		return err
	}
	return fl.Unlock()
}

// Add, Done, Do: sync-looking names that are not locks.
func deadlines(start time.Time, n int) []time.Time {
	var wg sync.WaitGroup
	var once sync.Once
	out := make([]time.Time, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			once.Do(func() { _ = os.Getpid() })
			out[i] = start.Add(time.Duration(i) * time.Second)
		}(i)
	}
	wg.Wait()
	return out
}

// Wait holds l.mu across waitLocked, which unlocks, sleeps and re-locks.
type Latch struct {
	mu   sync.Mutex
	done bool
}

func (l *Latch) Wait() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for !l.done {
		l.waitLocked(time.Millisecond)
	}
}

func (l *Latch) Open() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}

// lockAll returns holding both locks; Replace unlocks them before refresh locks t.mu.
type Table struct {
	mu     sync.Mutex
	metaMu sync.Mutex
	rows   []string
	gen    int
}

func (t *Table) Replace(rows []string) {
	t.lockAll()
	t.rows = rows
	t.metaMu.Unlock()
	t.mu.Unlock()
	t.refresh()
}

// Two levels of helpers, documented and not locking: Set holds s.mu through put and evictLocked.
type Store struct {
	mu    sync.Mutex
	items map[string]string
	order []string
	max   int
}

func (s *Store) Set(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putLocked(k, v)
}

// putLocked stores v. REQUIRES: s.mu held.
func (s *Store) putLocked(k, v string) {
	if _, ok := s.items[k]; !ok {
		s.order = append(s.order, k)
	}
	s.items[k] = v
	if len(s.order) > s.max {
		s.evictLocked()
	}
}

// evictLocked drops the oldest entry. REQUIRES: s.mu held.
func (s *Store) evictLocked() {
	oldest := s.order[0]
	s.order = s.order[1:]
	delete(s.items, oldest)
}

// An embedded RWMutex held for writing while a documented helper reads without locking.
type Registry struct {
	sync.RWMutex
	m map[string]int
}

func (r *Registry) Register(name string) int {
	r.Lock()
	defer r.Unlock()
	r.m[name] = r.countLocked()
	return r.m[name]
}

// countLocked is the number of registrations. REQUIRES: r held (read or write).
func (r *Registry) countLocked() int {
	return len(r.m)
}

// The read path takes the read lock itself; nothing holds it when Len is called.
func (r *Registry) Len() int {
	r.RLock()
	defer r.RUnlock()
	return r.countLocked()
}

// A mutex used as a one-shot signal: the goroutine unlocks it, so the second Lock waits for
// the goroutine rather than deadlocking (Go mutexes may be unlocked by another goroutine).
func waitForWorker(work func()) {
	var done sync.Mutex
	done.Lock()
	go func() {
		work()
		done.Unlock()
	}()
	done.Lock()
}
