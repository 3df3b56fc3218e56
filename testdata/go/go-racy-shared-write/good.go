package fixtures

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

type Job struct {
	ID   int
	Name string
}

type Outcome struct {
	ID  int
	Err error
}

func run(ctx context.Context, j Job) (Outcome, error) {
	return Outcome{ID: j.ID}, nil
}

// Each goroutine its own slot: results[i] is written by one goroutine only.
func runAll(ctx context.Context, jobs []Job) []Outcome {
	results := make([]Outcome, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func(i int, j Job) {
			defer wg.Done()
			r, err := run(ctx, j)
			results[i] = r
			results[i].Err = err
		}(i, j)
	}
	wg.Wait()
	return results
}

// The append under the mutex, including the early-return path that unlocks and leaves.
func collectLimited(ctx context.Context, jobs []Job, limit int) []Outcome {
	var (
		mu  sync.Mutex
		out []Outcome
		wg  sync.WaitGroup
	)
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			r, err := run(ctx, j)
			if err != nil {
				return
			}
			mu.Lock()
			if len(out) >= limit {
				mu.Unlock()
				return
			}
			out = append(out, r)
			mu.Unlock()
		}(j)
	}
	wg.Wait()
	return out
}

// A deferred Unlock keeps the lock held to the end of the goroutine.
func indexJobs(jobs []Job) map[int]string {
	var mu sync.Mutex
	names := make(map[int]string)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			names[j.ID] = j.Name
		}(j)
	}
	wg.Wait()
	return names
}

// Results sent on a channel; only the receiving goroutine appends.
func gather(ctx context.Context, jobs []Job) []Outcome {
	ch := make(chan Outcome, len(jobs))
	for _, j := range jobs {
		go func(j Job) {
			r, _ := run(ctx, j)
			ch <- r
		}(j)
	}
	var out []Outcome
	for range jobs {
		out = append(out, <-ch)
	}
	return out
}

// Atomic counters.
func countDone(ctx context.Context, jobs []Job) (int64, int64) {
	var ok, failed int64
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			if _, err := run(ctx, j); err != nil {
				atomic.AddInt64(&failed, 1)
				return
			}
			atomic.AddInt64(&ok, 1)
		}(j)
	}
	wg.Wait()
	return ok, failed
}

// An errgroup writing one index per task.
func fetchEach(ctx context.Context, jobs []Job) ([]Outcome, error) {
	g, ctx := errgroup.WithContext(ctx)
	out := make([]Outcome, len(jobs))
	for i, j := range jobs {
		i, j := i, j
		g.Go(func() error {
			r, err := run(ctx, j)
			if err != nil {
				return err
			}
			out[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// Variables declared inside the loop body are new on every iteration: one per goroutine.
func perIteration(ctx context.Context, jobs []Job, sink func(Outcome, error)) {
	for _, j := range jobs {
		var r Outcome
		var err error
		done := make(chan struct{})
		go func(j Job) {
			defer close(done)
			r, err = run(ctx, j)
		}(j)
		go func() {
			<-done
			sink(r, err)
		}()
	}
}

// The loop waits for each goroutine before starting the next: they never overlap.
func sequential(ctx context.Context, jobs []Job) Outcome {
	var last Outcome
	for _, j := range jobs {
		done := make(chan struct{})
		go func(j Job) {
			defer close(done)
			last, _ = run(ctx, j)
		}(j)
		<-done
	}
	return last
}

// A goroutine's own variables, declared inside it.
func local(ctx context.Context, jobs []Job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			total := 0
			for i := 0; i < j.ID; i++ {
				total++
			}
			j.Name = "seen"
			_ = total
		}(j)
	}
	wg.Wait()
}
