// Package fanout is the seed's leak: each backend call detaches with context.Background(),
// and when the handler gives up on its deadline the senders block forever.
package fanout

import (
	"context"
	"time"
)

type Backend struct {
	Name  string
	Delay time.Duration
}

func (b Backend) Fetch(ctx context.Context) string {
	select {
	case <-time.After(b.Delay):
		return b.Name
	case <-ctx.Done():
		return ""
	}
}

func Aggregate(ctx context.Context, backends []Backend) ([]string, error) {
	results := make(chan string)
	for _, b := range backends {
		b := b
		go func() {
			results <- b.Fetch(context.Background())
		}()
	}
	var out []string
	for range backends {
		select {
		case r := <-results:
			out = append(out, r)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	return out, nil
}
