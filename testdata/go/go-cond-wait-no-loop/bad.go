package fixtures

import "sync"

type Job struct {
	ID int
}

type Queue struct {
	mu    sync.Mutex
	c     *sync.Cond
	items []Job
	ready bool
}

func NewQueue() *Queue {
	q := &Queue{}
	q.c = sync.NewCond(&q.mu)
	return q
}

// The seed: an if, not a for. A Broadcast wakes every waiter, and the first to take the lock
// may consume the state the others were waiting for.
func (q *Queue) WaitReady() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.ready {
		q.c.Wait() // want "go-cond-wait-no-loop" "q\.c\.Wait\(\) is not in a loop: Wait can return while the condition is still false"
	}
}

// Pop indexes an empty slice when another Pop took the item first.
func (q *Queue) Pop() Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.c.Wait() // want "go-cond-wait-no-loop" "q\.c\.Wait\(\) is not in a loop"
	}
	j := q.items[0]
	q.items = q.items[1:]
	return j
}

// A cond made by NewCond in a local variable; the loop is outside the goroutine that waits.
func startWaiters(n int, run func(int)) func() {
	var mu sync.Mutex
	started := false
	cond := sync.NewCond(&mu)
	for i := 0; i < n; i++ {
		go func(i int) {
			mu.Lock()
			if !started {
				cond.Wait() // want "go-cond-wait-no-loop" "cond\.Wait\(\) is not in a loop"
			}
			mu.Unlock()
			run(i)
		}(i)
	}
	return func() {
		mu.Lock()
		started = true
		mu.Unlock()
		cond.Broadcast()
	}
}

type Gate struct {
	mu   sync.Mutex
	open bool
	cond sync.Cond
}

// A helper that waits once: the caller's loop does not count.
func (g *Gate) waitOnce() {
	g.cond.Wait() // want "go-cond-wait-no-loop" "g\.cond\.Wait\(\) is not in a loop"
}

func (g *Gate) Pass() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for !g.open {
		g.waitOnce()
	}
}
