package fixtures

import (
	"strings"
	"sync"
	"time"
)

// (a) Token bucket: Allow holds l.mu and calls refill (bad_helpers.go), which locks l.mu again.
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
	l.refill(time.Now())
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// (b) Two levels down: Set holds s.mu, put calls evict, evict locks s.mu.
type Store struct {
	mu    sync.Mutex
	items map[string]string
	order []string
	max   int
}

func (s *Store) Set(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(k, v)
}

// (c) Embedded RWMutex: Register write-locks r, count read-locks r (Lock -> RLock).
type Registry struct {
	sync.RWMutex
	m map[string]int
}

func (r *Registry) Register(name string) int {
	r.Lock()
	defer r.Unlock()
	id := r.count()
	r.m[name] = id
	return id
}

// (d) Read lock "upgraded" in place: the miss path still holds the read lock.
type Config struct {
	mu     sync.RWMutex
	values map[string]string
	raw    map[string]string
}

func (c *Config) Lookup(key string) string {
	c.mu.RLock()
	if v, ok := c.values[key]; ok {
		c.mu.RUnlock()
		return v
	}
	c.mu.Lock() // want "go-double-lock" "c.mu is locked again while this function already holds it .read-locked at line [0-9]+.; Lock waits for every reader"
	defer c.mu.Unlock()
	v := strings.TrimSpace(c.raw[key])
	c.values[key] = v
	return v
}

// (e) Only the closed path unlocks; the fall-through path locks q.mu a second time.
type Queue struct {
	mu     sync.Mutex
	items  []int
	closed bool
}

func (q *Queue) Push(v int) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.mu.Lock() // want "go-double-lock" "q.mu is locked again while this function already holds it .locked at line [0-9]+.; sync.Mutex is not reentrant"
	q.items = append(q.items, v)
	q.mu.Unlock()
	return true
}

// (f) Through a field of known type: Handle holds s.cache.mu, Cache.get locks c.mu (the same lock).
type Cache struct {
	mu      sync.Mutex
	entries map[string][]byte
}

type Server struct {
	cache *Cache
}

func (s *Server) Handle(key string) []byte {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	b := s.cache.get(key)
	if b == nil {
		b = []byte(key)
		s.cache.entries[key] = b
	}
	return b
}

// (g) The held mutex passed as an argument to a package function that locks it.
type Tally struct {
	mu sync.Mutex
	n  int
}

func (t *Tally) Incr() {
	t.mu.Lock()
	defer t.mu.Unlock()
	bump(&t.mu, &t.n)
}

func bump(mu *sync.Mutex, n *int) {
	mu.Lock() // want "go-double-lock" "mu is locked in bump while its caller Tally.Incr already holds it"
	*n++
	mu.Unlock()
}

// (h) Package-level mutex: RegisterHook holds regMu, addHook locks regMu.
var (
	regMu sync.Mutex
	hooks = map[string]func(){}
)

func RegisterHook(name string, fn func()) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := hooks[name]; dup {
		return
	}
	addHook(name, fn)
}

func addHook(name string, fn func()) {
	regMu.Lock() // want "go-double-lock" "regMu is locked in addHook while its caller RegisterHook already holds it"
	defer regMu.Unlock()
	hooks[name] = fn
}

// (i) A closure called on the spot runs with the caller's locks: j.mu is still held.
type Journal struct {
	mu      sync.Mutex
	entries []string
	flushed int
}

func (j *Journal) Append(e string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, e)
	func() {
		j.mu.Lock() // want "go-double-lock" "j.mu is locked again while this function already holds it"
		defer j.mu.Unlock()
		j.flushed = len(j.entries)
	}()
}

// (j) lockAll returns holding t.mu; reindex (bad_helpers.go) then locks t.mu again.
type Table struct {
	mu    sync.Mutex
	idxMu sync.Mutex
	rows  []string
	index map[string]int
}

func (t *Table) lockAll() {
	t.mu.Lock()
	t.idxMu.Lock()
}

func (t *Table) unlockAll() {
	t.idxMu.Unlock()
	t.mu.Unlock()
}

func (t *Table) Rebuild() {
	t.lockAll()
	defer t.unlockAll()
	t.reindex()
}

// The goroutine unlocks a different mutex: the second Lock of started still blocks forever.
func waitForWrongWorker(work func()) {
	var started, finished sync.Mutex
	started.Lock()
	finished.Lock()
	go func() {
		work()
		finished.Unlock()
	}()
	started.Lock() // want "go-double-lock" "started is locked again while this function already holds it"
}

// The documentation says the caller holds n.mu, and the function locks it anyway.
type Notes struct {
	mu    sync.Mutex
	lines []string
}

// appendLocked adds a line. REQUIRES: n.mu held.
func (n *Notes) appendLocked(s string) {
	n.mu.Lock() // want "go-double-lock" "n.mu is locked in Notes.appendLocked, whose documentation says its caller already holds it"
	n.lines = append(n.lines, s)
	n.mu.Unlock()
}
