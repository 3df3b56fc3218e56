// The correct idioms of the seed articles. Every rule is active here: nothing may fire.
package stories

import (
	"context"
	"log"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

type Item struct{ ID int }

func load(ctx context.Context, id int) (Item, error) { return Item{ID: id}, nil }

// errgroup.WithContext fan-out: the first error cancels the rest, Wait returns it.
func LoadAll(ctx context.Context, ids []int) ([]Item, error) {
	g, ctx := errgroup.WithContext(ctx)
	items := make([]Item, len(ids))
	for i, id := range ids {
		i, id := i, id
		g.Go(func() error {
			item, err := load(ctx, id)
			if err != nil {
				return err
			}
			items[i] = item
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return items, nil
}

type Msg struct{ Body []byte }

func work(ctx context.Context, m Msg) error { return nil }

// The bounded worker pool: a fixed number of workers, a bounded queue, a producer that
// closes it, and ctx.Done() observed everywhere.
func Pool(ctx context.Context, source <-chan Msg) error {
	jobs := make(chan Msg, 100)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(ctx, jobs)
		}()
	}
	go func() {
		defer close(jobs)
		for {
			select {
			case msg, ok := <-source:
				if !ok {
					return
				}
				select {
				case jobs <- msg:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	<-ctx.Done()
	wg.Wait()
	return ctx.Err()
}

func worker(ctx context.Context, jobs <-chan Msg) {
	for {
		select {
		case msg, ok := <-jobs:
			if !ok {
				return
			}
			if err := work(ctx, msg); err != nil {
				log.Print(err)
			}
		case <-ctx.Done():
			return
		}
	}
}

func call(ctx context.Context) error { return nil }

// WithTimeout with defer cancel: the timer is released on every path.
func Bounded(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return call(ctx)
}

// The single-owner close: only the producer closes, after its last send.
func Produce(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
