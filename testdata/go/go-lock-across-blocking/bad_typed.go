package fixtures

import (
	"net/http"
	"os"
	"sync"
)

// (k) The idiomatic proxy shape: a method on the range variable does the network work.
type Backend struct {
	URL string
}

func (b *Backend) Probe() error {
	resp, err := http.Get(b.URL)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

type Pool struct {
	mu       sync.RWMutex
	backends []*Backend
}

func (p *Pool) HealthCheck() {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, b := range p.backends {
		b.Probe() // want "go-lock-across-blocking" "p.mu is read-locked across the call to Backend.Probe, which may block .http.Get"
	}
}

// (l) An element reached by index, and a file opened with a two-value :=.
func (p *Pool) ProbeFirst() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.backends[0].Probe() // want "go-lock-across-blocking" "p.mu is held across the call to Backend.Probe"
}

type Journal struct {
	mu   sync.Mutex
	path string
}

func (j *Journal) Tail(buf []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := os.Open(j.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return f.Read(buf) // want "go-lock-across-blocking" "j.mu is held across f.Read"
}

// (m) The shared default client.
type Notifier struct {
	mu  sync.Mutex
	req *http.Request
}

func (n *Notifier) Send() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	resp, err := http.DefaultClient.Do(n.req) // want "go-lock-across-blocking" "n.mu is held across http.DefaultClient.Do"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
