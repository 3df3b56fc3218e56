package fixtures

import (
	"context"
	"errors"
	"os/exec"
)

type reply struct {
	body []byte
	err  error
}

type Backend struct{}

func (b *Backend) load(key string) reply { return reply{body: []byte(key)} }

// The fix: room for the one send, so the goroutine always finishes.
func (b *Backend) Get(ctx context.Context, key string) (*reply, error) {
	ch := make(chan reply, 1)
	go func() {
		ch <- b.load(key)
	}()
	select {
	case r := <-ch:
		return &r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A receive on every path.
func (b *Backend) GetSync(key string) reply {
	ch := make(chan reply)
	go func() {
		ch <- b.load(key)
	}()
	r := <-ch
	return r
}

// The early return comes before the goroutine starts.
func (b *Backend) GetValid(key string) (reply, error) {
	if key == "" {
		return reply{}, errors.New("empty key")
	}
	ch := make(chan reply)
	go func() {
		ch <- b.load(key)
	}()
	r := <-ch
	return r, r.err
}

// The sender gives up with the receiver.
func (b *Backend) GetCancellable(ctx context.Context, key string) (*reply, error) {
	ch := make(chan reply)
	go func() {
		select {
		case ch <- b.load(key):
		case <-ctx.Done():
		}
	}()
	select {
	case r := <-ch:
		return &r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// The channel is handed to another function, which may receive.
func (b *Backend) Stream(ctx context.Context, keys []string) {
	ch := make(chan reply)
	go func() {
		defer close(ch)
		for _, k := range keys {
			ch <- b.load(k)
		}
	}()
	consume(ctx, ch)
}

func consume(ctx context.Context, ch <-chan reply) {
	for r := range ch {
		_ = r
	}
}

// The channel is returned: the caller receives.
func (b *Backend) Async(key string) <-chan reply {
	ch := make(chan reply)
	go func() {
		ch <- b.load(key)
	}()
	return ch
}

// The other path drains the channel after the select.
func run(ctx context.Context, cmd *exec.Cmd) error {
	done := make(chan error)
	go func() {
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		cmd.Process.Kill()
	}
	return <-done
}

// Ranging over the channel until the goroutine closes it.
func (b *Backend) All(keys []string) []reply {
	ch := make(chan reply)
	go func() {
		defer close(ch)
		for _, k := range keys {
			ch <- b.load(k)
		}
	}()
	var out []reply
	for r := range ch {
		out = append(out, r)
	}
	return out
}
