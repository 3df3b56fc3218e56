package fixtures

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// The forgotten `defer cancel()`: the 800ms timer and the child context stay registered with
// the parent until the parent ends.
func (c *Client) Fetch(ctx context.Context, id string) (*Item, error) {
	ctx, cancel := context.WithTimeout(ctx, 800*time.Millisecond) // want "go-lost-cancel" "^cancel, the cancel func of context\.WithTimeout, is never called"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/items/"+id, nil)
	if err != nil {
		return nil, err
	}
	return c.do(req)
}

// The cancel func thrown away outright.
func (c *Client) Watch(ctx context.Context, id string, out chan<- *Item) {
	watchCtx, _ := context.WithCancel(ctx) // want "go-lost-cancel" "^the cancel func of context\.WithCancel is discarded"
	go func() {
		for {
			it, err := c.Fetch(watchCtx, id)
			if err != nil {
				return
			}
			select {
			case out <- it:
			case <-watchCtx.Done():
				return
			}
		}
	}()
}

// An error check added above the `defer cancel()` returns before it.
func (c *Client) Lookup(ctx context.Context, id string) (*Item, error) {
	ctx, cancel := context.WithTimeout(ctx, 800*time.Millisecond)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/items/"+id, nil)
	if err != nil {
		return nil, fmt.Errorf("lookup %s: %w", id, err) // want "go-lost-cancel" "^this return leaves without calling cancel \(the cancel func of context\.WithTimeout, line 66\)"
	}
	defer cancel()
	return c.do(req)
}

// A deadline made by assignment to an existing ctx, its cancel dropped.
func (c *Client) Until(ctx context.Context, id string, deadline time.Time) (*Item, error) {
	ctx, _ = context.WithDeadline(ctx, deadline) // want "go-lost-cancel" "^the cancel func of context\.WithDeadline is discarded"
	return c.Fetch(ctx, id)
}

// Each iteration narrows ctx again; the `defer cancel()` above captured the first cancel func,
// so the ones made in the loop are never called.
func (c *Client) FetchAll(ctx context.Context, ids []string) ([]*Item, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	items := make([]*Item, 0, len(ids))
	for _, id := range ids {
		var itemCtx context.Context
		itemCtx, cancel = context.WithTimeoutCause(ctx, time.Second, fmt.Errorf("item %s too slow", id)) // want "go-lost-cancel" "^cancel, the cancel func of context\.WithTimeoutCause, is never called"
		it, err := c.Fetch(itemCtx, id)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

// Cancelled on the error branch only: the successful path leaks the context.
func cancelOnOneBranch(ctx context.Context, q string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	if q == "" {
		cancel()
		return errors.New("empty query")
	}
	return use(ctx) // want "go-lost-cancel" "^this return leaves without calling cancel"
}

func use(ctx context.Context) error { return ctx.Err() }
