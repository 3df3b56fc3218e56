package fixtures

import (
	"context"

	"golang.org/x/sync/errgroup"
)

type Event struct {
	Name string
}

func handle(ev Event) {}

// On cancel the producer closes out, then falls through to send the event it holds.
func produce(ctx context.Context, in []Event, out chan Event) {
	for _, ev := range in {
		select {
		case <-ctx.Done():
			close(out) // want "go-channel-close-ownership" "close\(out\) and then a send on out on the same path: send on a closed channel panics"
		default:
		}
		out <- ev
	}
	close(out)
}

// Close first, then send what is pending: the first send panics.
func flush(out chan<- Event, pending []Event) {
	close(out) // want "go-channel-close-ownership" "close\(out\) and then a send on out"
	for _, ev := range pending {
		out <- ev
	}
}

// A consumer closing the channel it receives from: the producer's next send panics.
func consume(in chan Event) {
	for ev := range in {
		if ev.Name == "stop" {
			break
		}
		handle(ev)
	}
	close(in) // want "go-channel-close-ownership" "consume only receives from in but closes it"
}

type Worker struct {
	jobs chan Event
}

// The same through a field: Drain only receives from w.jobs.
func (w *Worker) Drain() {
	for ev := range w.jobs {
		handle(ev)
	}
	close(w.jobs) // want "go-channel-close-ownership" "Worker\.Drain only receives from w\.jobs but closes it"
}

// A close in the loop body: the second iteration closes done again.
func broadcast(subs []chan Event, done chan struct{}, ev Event) {
	for _, s := range subs {
		s <- ev
		close(done) // want "go-channel-close-ownership" "close\(done\) runs on every iteration of the loop: the second close panics"
	}
}

// Every goroutine started in the loop closes results when it is done.
func fanOut(in []Event) <-chan Event {
	results := make(chan Event, len(in))
	for _, ev := range in {
		go func(ev Event) {
			defer close(results) // want "go-channel-close-ownership" "every goroutine started in this loop closes results: the second close panics"
			results <- ev
		}(ev)
	}
	return results
}

// Two goroutines of one function each close done: whichever finishes second panics.
func race(a, b func()) chan struct{} {
	done := make(chan struct{})
	go func() {
		a()
		close(done)
	}()
	go func() {
		b()
		close(done) // want "go-channel-close-ownership" "2 goroutines started by race each close done: whichever closes second panics"
	}()
	return done
}

// An errgroup's g.Go in a loop starts a goroutine per iteration too.
func fetchAll(ctx context.Context, names []string) <-chan string {
	out := make(chan string, len(names))
	g, _ := errgroup.WithContext(ctx)
	for _, n := range names {
		n := n
		g.Go(func() error {
			out <- n
			close(out) // want "go-channel-close-ownership" "every goroutine started in this loop closes out"
			return nil
		})
	}
	return out
}
