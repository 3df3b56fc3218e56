package fixtures

import (
	"testing"
	"time"
)

// A test helper whose other case only fails the test: the leak is on a path that already failed.
func waitReply(t *testing.T, f func() reply) reply {
	t.Helper()
	ch := make(chan reply)
	go func() {
		ch <- f()
	}()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting for the reply")
	}
	return reply{}
}

func TestGet(t *testing.T) {
	b := &Backend{}
	r := waitReply(t, func() reply { return b.load("k") })
	if string(r.body) != "k" {
		t.Fatalf("got %q", r.body)
	}
}
