package fixtures

import (
	"context"
	"log"
	"net"
	"sync"
)

type Job struct {
	ID      int
	Payload []byte
}

func work(ctx context.Context, j Job) {
	log.Printf("job %d (%d bytes)", j.ID, len(j.Payload))
}

// The fix for the seed: a fixed pool of workers over a jobs channel the producer closes. A full
// buffer blocks the producer: backpressure instead of a pile of goroutines.
func runPool(ctx context.Context, n int, items []Job) {
	jobs := make(chan Job, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(ctx, jobs)
		}()
	}
	produce(ctx, jobs, items)
	wg.Wait()
}

func produce(ctx context.Context, jobs chan<- Job, items []Job) {
	defer close(jobs)
	for _, j := range items {
		select {
		case jobs <- j:
		case <-ctx.Done():
			return
		}
	}
}

func worker(ctx context.Context, jobs <-chan Job) {
	for {
		select {
		case j, ok := <-jobs:
			if !ok {
				return
			}
			work(ctx, j)
		case <-ctx.Done():
			return
		}
	}
}

// A fixed count of workers started directly.
func startWorkers(ctx context.Context, jobs <-chan Job) {
	const workers = 8
	for i := 0; i < workers; i++ {
		go worker(ctx, jobs)
	}
}

// A semaphore: a slot is taken before each go and given back when the goroutine ends.
func consumeBounded(ctx context.Context, jobs <-chan Job) {
	sem := make(chan struct{}, 16)
	for j := range jobs {
		sem <- struct{}{}
		go func(j Job) {
			defer func() { <-sem }()
			work(ctx, j)
		}(j)
	}
}

// Tokens handed out by someone else: `<-tokens` as a statement takes one.
func consumeWithTokens(ctx context.Context, jobs <-chan Job, tokens <-chan struct{}) {
	for {
		<-tokens
		go work(ctx, Job{})
	}
}

type limiter interface {
	Wait(ctx context.Context) error
}

// A rate limiter's Wait before each go.
func consumeLimited(ctx context.Context, lim limiter, jobs chan Job) {
	for j := range jobs {
		if err := lim.Wait(ctx); err != nil {
			return
		}
		go work(ctx, j)
	}
}

// An accept loop: one goroutine per connection, as net/http's server does.
func serve(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		go handleConn(conn)
	}
}

func handleConn(conn net.Conn) {
	defer conn.Close()
}

// Ranging over a slice or a map: the fan-out is bounded by the input's size.
func fetchAll(ctx context.Context, jobs []Job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			work(ctx, j)
		}(j)
	}
	wg.Wait()
}

func notifyAll(subscribers map[string]func(Job), j Job) {
	for _, notify := range subscribers {
		go notify(j)
	}
}

// A go statement in a loop's goroutine, not per iteration of it.
func startTicker(ctx context.Context, events chan Job) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-events:
				work(ctx, e)
			}
		}
	}()
}
