package fixtures

import "sync"

// Queue signals items on cond, which is built over itemsMu; stateMu is a second lock.
type Queue struct {
	stateMu sync.Mutex
	itemsMu sync.Mutex
	cond    *sync.Cond
	items   []int
	closed  bool
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.itemsMu)
	return q
}

// Pop waits for an item while still holding stateMu: Wait releases only itemsMu, so every
// Close (which needs stateMu) waits for an item that may never come.
func (q *Queue) Pop() int {
	q.stateMu.Lock()
	defer q.stateMu.Unlock()
	q.itemsMu.Lock()
	defer q.itemsMu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait() // want "go-lock-across-blocking" "q.stateMu is held across sync.Cond.Wait on q.cond"
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func (q *Queue) Close() {
	q.stateMu.Lock()
	q.closed = true
	q.stateMu.Unlock()
}
