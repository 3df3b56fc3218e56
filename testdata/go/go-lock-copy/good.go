package fixtures

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// Reads under the lock and returns the plain value.
func (c *Counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Embedding a pointer shares the one Counter; value receivers copy only the pointer.
type view struct {
	*Counter
}

func (v view) Double() int { return 2 * v.Value() }

// A pointer to a mutex inside a value type is shared by every copy.
type handle struct {
	mu   *sync.Mutex
	name string
}

func (h handle) Touch() {
	h.mu.Lock()
	h.mu.Unlock()
}

// Types without locks may be copied freely.
type point struct{ x, y int }

func (p point) Add(q point) point { return point{p.x + q.x, p.y + q.y} }

func total(c *Counter, wg *sync.WaitGroup) int {
	defer wg.Done()
	return c.Value()
}

// A literal's own parameter hides the receiver's name: *c here is a point, free to copy.
func (c *Counter) Moved(points []*point) []point {
	out := make([]point, 0, len(points))
	for _, p := range points {
		func(c *point) {
			out = append(out, *c)
		}(p)
	}
	return out
}

// A literal that takes the Counter by pointer copies nothing.
func (c *Counter) Read(with func(*Counter) int) int {
	reader := func(k *Counter) int { return k.Value() }
	return with(c) + reader(c)
}
