package fixtures

import "sync"

type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Wait releases the lock it was built with, which is the only lock held: the idiom.
func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// The same through the cond's own L.
func (q *Queue) PopL() int {
	q.cond.L.Lock()
	defer q.cond.L.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// A local cond over a local mutex.
func waitForFlag(flag *bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	mu.Lock()
	for !*flag {
		c.Wait()
	}
	mu.Unlock()
}
