package fixtures

import (
	"context"
	"errors"
	"time"
)

type result struct {
	body []byte
	err  error
}

type Client struct {
	timeout time.Duration
}

func (c *Client) fetch(key string) result {
	return result{body: []byte(key)}
}

func (c *Client) ping() error { return nil }

// The seed: when ctx wins, Get returns and the goroutine blocks on its send forever.
func (c *Client) Get(ctx context.Context, key string) (*result, error) {
	ch := make(chan result)
	go func() {
		ch <- c.fetch(key) // want "go-goroutine-send-leak" "sends on the unbuffered channel ch, but the select at line \d+ can take another case and move on without receiving"
	}()
	select {
	case r := <-ch:
		return &r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// An early return between the go statement and the receive.
func (c *Client) GetValid(key string) (result, error) {
	ch := make(chan result)
	go func() {
		ch <- c.fetch(key) // want "go-goroutine-send-leak" "the return at line \d+ leaves before receiving"
	}()
	if key == "" {
		return result{}, errors.New("empty key")
	}
	return <-ch, nil
}

// A timeout, and an explicit zero capacity.
func (c *Client) GetWithTimeout(key string) (result, error) {
	done := make(chan result, 0)
	go func() {
		r := c.fetch(key)
		done <- r // want "go-goroutine-send-leak" "sends on the unbuffered channel done, but the select at line \d+"
	}()
	select {
	case r := <-done:
		return r, nil
	case <-time.After(c.timeout):
		return result{}, errors.New("timeout")
	}
}

// A select with a default: if the result is not there yet, nobody will ever take it.
func (c *Client) TryGet(key string) (result, bool) {
	ch := make(chan result)
	go func() {
		ch <- c.fetch(key) // want "go-goroutine-send-leak" "the select at line \d+ can take another case"
	}()
	select {
	case r := <-ch:
		return r, true
	default:
		return result{}, false
	}
}

// Nothing receives at all.
func (c *Client) Warm() {
	errc := make(chan error)
	go func() {
		errc <- c.ping() // want "go-goroutine-send-leak" "nothing receives from errc after the goroutine starts"
	}()
}
