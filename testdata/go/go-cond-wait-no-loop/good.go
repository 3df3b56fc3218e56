package fixtures

import (
	"context"
	"os/exec"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Task struct {
	ID int
}

type Buffer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	tasks  []Task
	ready  bool
	closed bool
}

func NewBuffer() *Buffer {
	b := &Buffer{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// The fix: a loop that re-checks the condition after every wake-up.
func (b *Buffer) WaitReady() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !b.ready {
		b.cond.Wait()
	}
}

func (b *Buffer) Take() Task {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.tasks) == 0 {
		b.cond.Wait()
	}
	t := b.tasks[0]
	b.tasks = b.tasks[1:]
	return t
}

// An endless loop that breaks out when the condition holds.
func (b *Buffer) TakeOrClosed() (Task, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		if b.closed {
			return Task{}, false
		}
		if len(b.tasks) > 0 {
			break
		}
		b.cond.Wait()
	}
	t := b.tasks[0]
	b.tasks = b.tasks[1:]
	return t, true
}

// Methods named Wait on other types.
type Barrier struct {
	wg sync.WaitGroup
}

func (br *Barrier) Wait() { br.wg.Wait() }

func runAll(ctx context.Context, cmd *exec.Cmd, tasks []Task, ready bool) error {
	var br Barrier
	if !ready {
		br.Wait()
	}
	if err := cmd.Wait(); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	for _, t := range tasks {
		t := t
		g.Go(func() error { return run(ctx, t) })
	}
	if !ready {
		return g.Wait()
	}
	return nil
}

func run(ctx context.Context, t Task) error { return ctx.Err() }

// A field named like Buffer's cond, on a type where it is a WaitGroup: its Wait needs no loop.
type Pool struct {
	cond sync.WaitGroup
}

func (p *Pool) Drain() {
	p.cond.Wait()
}

func drainAll(pool *Pool) {
	pool.cond.Wait()
}
