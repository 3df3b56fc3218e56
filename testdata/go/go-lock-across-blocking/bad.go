package fixtures

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os/exec"
	"sync"
	"time"
)

// (a) The reverse-proxy outage: CheckCertificates holds m.mu's read lock across renew's ACME round
// trips and back-off sleeps; SetRoutes queues for Lock, and then every routeFor waits behind it.
type Route struct {
	Host    string
	Backend string
	expires time.Time
}

type Manager struct {
	mu     sync.RWMutex
	routes []*Route
}

func (m *Manager) CheckCertificates() {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, route := range m.routes {
		if time.Until(route.expires) > 30*24*time.Hour {
			continue
		}
		if err := m.renew(route); err != nil { // want "go-lock-across-blocking" "m.mu is read-locked across the call to Manager.renew, which may block .http.Get at bad/bad_helpers.go:[0-9]+.: while it waits, a writer queued in Lock makes every new RLock wait too"
			log.Printf("renew %s: %v", route.Host, err)
		}
	}
}

func (m *Manager) SetRoutes(routes []*Route) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.routes = routes
}

func (m *Manager) routeFor(host string) *Route {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, r := range m.routes {
		if r.Host == host {
			return r
		}
	}
	return nil
}

// (b) Broadcast sends on subscriber channels holding b.mu: one slow subscriber stalls Subscribe.
type Broker struct {
	mu   sync.Mutex
	subs []chan string
}

func (b *Broker) Broadcast(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		ch <- msg // want "go-lock-across-blocking" "b.mu is held across channel send: every goroutine that needs b.mu waits as long as this does"
	}
}

func (b *Broker) Subscribe() <-chan string {
	ch := make(chan string)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return ch
}

// (c) Retry backs off with time.Sleep while holding u.mu.
type Uploader struct {
	mu       sync.Mutex
	queue    []string
	attempts int
}

func (u *Uploader) Retry(send func(string) error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for len(u.queue) > 0 {
		if err := send(u.queue[0]); err != nil {
			u.attempts++
			time.Sleep(time.Duration(u.attempts) * time.Second) // want "go-lock-across-blocking" "u.mu is held across time.Sleep: every goroutine that needs u.mu waits"
			continue
		}
		u.queue = u.queue[1:]
	}
}

// (d) Shutdown waits for the workers while holding w.mu, and a finishing worker needs w.mu.
type Workers struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	closed bool
	done   int
}

func (w *Workers) Go(job func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		job()
		w.mu.Lock()
		w.done++
		w.mu.Unlock()
	}()
}

func (w *Workers) Shutdown() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	w.wg.Wait() // want "go-lock-across-blocking" "w.mu is held across w.wg.Wait: every goroutine that needs w.mu waits"
}

// (e) Compact runs git gc as a child process under r.mu.
type Repo struct {
	mu  sync.Mutex
	dir string
}

func (r *Repo) Compact() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return exec.Command("git", "-C", r.dir, "gc", "--auto").Run() // want "go-lock-across-blocking" "r.mu is held across exec.Command.*Run: every goroutine that needs r.mu waits"
}

// (f) Get holds c.mu while the backing store (an interface field) loads, and it is passed a ctx.
type Loader interface {
	Load(ctx context.Context, key string) ([]byte, error)
}

type ReadThrough struct {
	mu    sync.Mutex
	cache map[string][]byte
	store Loader
}

func (c *ReadThrough) Get(ctx context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.cache[key]; ok {
		return b, nil
	}
	b, err := c.store.Load(ctx, key) // want "go-lock-across-blocking" "c.mu is held across c.store.Load .passed a ctx.: every goroutine that needs c.mu waits"
	if err != nil {
		return nil, err
	}
	c.cache[key] = b
	return b, nil
}

// (g) Next waits in a select without default for a job or a timeout while holding d.mu.
type Dispatcher struct {
	mu       sync.Mutex
	jobs     chan string
	inflight map[string]bool
}

func (d *Dispatcher) Next(timeout time.Duration) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	select { // want "go-lock-across-blocking" "d.mu is held across select without default"
	case j := <-d.jobs:
		d.inflight[j] = true
		return j, nil
	case <-time.After(timeout):
		return "", errors.New("no job")
	}
}

// (h) Drain ranges over a channel field with a.mu held: it blocks until the producer closes it.
type Aggregator struct {
	mu      sync.Mutex
	results chan int
	total   int
}

func (a *Aggregator) Drain() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	for r := range a.results { // want "go-lock-across-blocking" "a.mu is held across range over a channel"
		a.total += r
	}
	return a.total
}

// (i) Flush hands the batch to a goroutine and waits for it on a fresh channel, still holding l.mu.
type Logger struct {
	mu    sync.Mutex
	batch []string
	write func([]string)
}

func (l *Logger) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	done := make(chan struct{})
	batch := l.batch
	go func() {
		l.write(batch)
		close(done)
	}()
	<-done // want "go-lock-across-blocking" "l.mu is held across channel receive"
	l.batch = nil
}

// (j) Through a same-package call: Sync holds s.mu and calls push, which does an HTTP request.
type Syncer struct {
	mu     sync.Mutex
	client *http.Client
	dirty  []string
}

func (s *Syncer) Sync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.dirty) > 0 {
		s.push(s.dirty[0]) // want "go-lock-across-blocking" "s.mu is held across the call to Syncer.push, which may block .s.client.Do at bad/bad_helpers.go:[0-9]+."
		s.dirty = s.dirty[1:]
	}
}
