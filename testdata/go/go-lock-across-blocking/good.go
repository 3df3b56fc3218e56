package fixtures

import (
	"bytes"
	"context"
	"io"
	"log"
	"strings"
	"sync"
	"time"
)

// The fix for the proxy outage: copy the routes under the read lock, release it, then renew.
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
	routes := append([]*Route(nil), m.routes...)
	m.mu.RUnlock()
	for _, route := range routes {
		if time.Until(route.expires) > 30*24*time.Hour {
			continue
		}
		if err := m.renew(route); err != nil {
			log.Printf("renew %s: %v", route.Host, err)
		}
	}
}

func (m *Manager) SetRoutes(routes []*Route) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.routes = routes
}

// routeFor holds the read lock across a same-package helper that does not block.
func (m *Manager) routeFor(host string) *Route {
	m.mu.RLock()
	defer m.mu.RUnlock()
	key := canonicalHost(host)
	for _, r := range m.routes {
		if canonicalHost(r.Host) == key {
			return r
		}
	}
	return nil
}

// Await gives p.mu up while it sleeps and takes it back afterwards.
type Poller struct {
	mu    sync.Mutex
	ready bool
	polls int
}

func (p *Poller) Await(interval time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.ready {
		p.polls++
		p.mu.Unlock()
		time.Sleep(interval)
		p.mu.Lock()
	}
}

// A select with default never waits; a send on a goroutine started under the lock is not on the locked path.
type Notifier struct {
	mu      sync.Mutex
	ch      chan string
	dropped int
}

func (n *Notifier) Notify(msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	select {
	case n.ch <- msg:
	default:
		n.dropped++
	}
}

func (n *Notifier) NotifyAsync(msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch := n.ch
	go func() {
		ch <- msg
	}()
}

// io.Copy under the lock is not judged: its reader is as often memory as a network.
type Spool struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *Spool) DrainTo(w io.Writer) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return io.Copy(w, &s.buf)
}

// Cond.Wait releases the lock while it waits.
type Gate struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
}

func NewGate() *Gate {
	g := &Gate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *Gate) Wait() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for !g.open {
		g.cond.Wait()
	}
}

func (g *Gate) Open() {
	g.mu.Lock()
	g.open = true
	g.mu.Unlock()
	g.cond.Broadcast()
}

// The same with a local Cond: c.Wait inside the loop releases mu.
func waitAll(n int, start func(done func())) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	left := n
	for i := 0; i < n; i++ {
		start(func() {
			mu.Lock()
			left--
			mu.Unlock()
			c.Signal()
		})
	}
	mu.Lock()
	for left > 0 {
		c.Wait()
	}
	mu.Unlock()
}

// Deriving a context under the lock: the context package does not block.
type Jobs struct {
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
}

func (j *Jobs) Start(ctx context.Context, id string) context.Context {
	j.mu.Lock()
	defer j.mu.Unlock()
	jobCtx, cancel := context.WithTimeout(ctx, time.Minute)
	j.cancels[id] = cancel
	return jobCtx
}

func (j *Jobs) Stop(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cancel, ok := j.cancels[id]; ok {
		cancel()
		delete(j.cancels, id)
	}
}

// Handle holds h.mu across normalize, a same-package helper that only does string work.
type Headers struct {
	mu   sync.Mutex
	seen map[string]int
}

func (h *Headers) Handle(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := h.normalize(name)
	h.seen[key]++
	return h.seen[key]
}

func (h *Headers) normalize(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}
