package fixtures

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

type Item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type Client struct {
	base string
	http *http.Client
}

func (c *Client) do(req *http.Request) (*Item, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var it Item
	if err := json.NewDecoder(resp.Body).Decode(&it); err != nil {
		return nil, err
	}
	return &it, nil
}

// `defer cancel()` right after the context is made.
func (c *Client) Fetch(ctx context.Context, id string) (*Item, error) {
	if id == "" {
		return nil, errors.New("empty id") // before the context exists: nothing to cancel yet
	}
	ctx, cancel := context.WithTimeout(ctx, 800*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/items/"+id, nil)
	if err != nil {
		return nil, err
	}
	return c.do(req)
}

// The cancel func handed straight to the caller, whose job it is to call it.
func withBudget(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// Called by hand on every path.
func (c *Client) Probe(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, c.base+"/healthz", nil)
	if err != nil {
		cancel(err)
		return err
	}
	_, err = c.do(req)
	cancel(err)
	return err
}

// Stored in a struct field: Stop calls it.
type Poller struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	stop   context.CancelFunc
	done   chan struct{}
}

func (p *Poller) Start(parent context.Context, every time.Duration, poll func(context.Context)) {
	ctx, cancel := context.WithCancel(parent)
	p.mu.Lock()
	p.cancel = cancel
	p.done = make(chan struct{})
	p.mu.Unlock()
	go func() {
		defer close(p.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				poll(ctx)
			}
		}
	}()
}

func (p *Poller) StartDeadline(parent context.Context, deadline time.Time) context.Context {
	var ctx context.Context
	ctx, p.stop = context.WithDeadline(parent, deadline)
	return ctx
}

func (p *Poller) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
	if p.stop != nil {
		p.stop()
	}
}

// Passed to a goroutine that calls it when the connection closes.
func (c *Client) Stream(ctx context.Context, closed <-chan struct{}, out chan<- *Item) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		<-closed
		cancel()
	}()
	go func() {
		for {
			it, err := c.Fetch(ctx, "next")
			if err != nil {
				return
			}
			select {
			case out <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
}

// A test hands it to t.Cleanup.
func TestFetch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	t.Cleanup(cancel)
	c := &Client{base: "http://127.0.0.1:0", http: http.DefaultClient}
	if _, err := c.Fetch(ctx, ""); err == nil {
		t.Error("want an error for an empty id")
	}
}

// A return inside a closure written between the call and `defer cancel()` leaves the
// closure, not the function.
func (c *Client) FetchSorted(ctx context.Context, ids []string) ([]*Item, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	less := func(a, b *Item) bool { return a.Name < b.Name }
	defer cancel()
	var items []*Item
	for _, id := range ids {
		it, err := c.Fetch(ctx, id)
		if err != nil {
			return nil, err
		}
		i := len(items)
		items = append(items, it)
		for i > 0 && less(items[i], items[i-1]) {
			items[i], items[i-1] = items[i-1], items[i]
			i--
		}
	}
	return items, nil
}

// The cancel func is a named result: the caller gets it and calls it.
func baseContext(parent context.Context) (ctx context.Context, cancel func()) {
	ctx, cancel = context.WithCancel(parent)
	ctx = context.WithValue(ctx, baseKey{}, "conn")
	return
}

type baseKey struct{}

// Cancelled explicitly on every path, no defer.
func cancelOnEveryBranch(ctx context.Context, q string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	if q == "" {
		cancel()
		return nil
	}
	err := check(ctx)
	cancel()
	return err
}

func check(ctx context.Context) error { return ctx.Err() }
