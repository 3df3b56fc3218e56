package fixtures

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"
)

type Task struct {
	ID      int
	Payload []byte
}

func handle(t Task) {
	log.Printf("task %d (%d bytes)", t.ID, len(t.Payload))
}

// The seed's fix: the worker waits for work or cancellation, whichever comes first.
func Serve(ctx context.Context, queue <-chan Task) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case t := <-queue:
			handle(t)
		}
	}
}

type Source interface {
	Next(ctx context.Context) (Task, error)
}

// The ctx is passed to what blocks: cancelling it ends the wait with an error.
func Pull(ctx context.Context, src Source) error {
	for {
		t, err := src.Next(ctx)
		if err != nil {
			return err
		}
		handle(t)
	}
}

// Ranging over a channel ends when the producer closes it.
func Consume(ctx context.Context, tasks <-chan Task) {
	for t := range tasks {
		handle(t)
	}
}

// A counted loop ends by itself.
func Warm(ctx context.Context, ping func() bool) {
	for i := 0; i < 3; i++ {
		if ping() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Checking ctx.Err() between waits.
func Poll(ctx context.Context, ready func() bool) error {
	for !ready() {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(time.Second)
	}
	return nil
}

// A context derived from the parameter, under another name.
func Await(ctx context.Context, results <-chan Task, d time.Duration) (Task, error) {
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		select {
		case <-tctx.Done():
			return Task{}, tctx.Err()
		case t := <-results:
			if t.ID != 0 {
				return t, nil
			}
		}
	}
}

// The Done channel taken once, before the loop.
func Pump(ctx context.Context, in <-chan Task, out chan<- Task) {
	done := ctx.Done()
	for {
		select {
		case <-done:
			return
		case t := <-in:
			select {
			case out <- t:
			case <-done:
				return
			}
		}
	}
}

// An HTTP handler that stops when the client goes away.
type Hub struct {
	events chan string
}

func (h *Hub) Stream(w http.ResponseWriter, r *http.Request) {
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-h.events:
			fmt.Fprintf(w, "data: %s\n\n", ev)
		}
	}
}

func (h *Hub) Tail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-h.events:
			fmt.Fprintln(w, ev)
		}
	}
}

// No context anywhere: there is nothing to check.
func Loop(queue <-chan Task) {
	for {
		t := <-queue
		handle(t)
	}
}

// Cond.Wait cannot watch a context; the idiom is a flag a ctx watcher sets and broadcasts.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Task
	closed bool
}

func (q *Queue) Pop(ctx context.Context) (Task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return Task{}, false
	}
	t := q.items[0]
	q.items = q.items[1:]
	return t, true
}

// A loop that does not wait: it ends when the computation does.
func Collatz(ctx context.Context, n int) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

// A non-blocking drain: the select has a default and nothing in it waits.
func DrainPending(ctx context.Context, pending <-chan Task) (n int) {
	for {
		select {
		case t := <-pending:
			handle(t)
			n++
		default:
			return n
		}
	}
}

// A comma-ok receive ends the loop when the producer closes the channel, like a range.
func consumeUntilClosed(ctx context.Context, in <-chan int) int {
	total := 0
	for {
		v, ok := <-in
		if !ok {
			return total
		}
		total += v
	}
}
