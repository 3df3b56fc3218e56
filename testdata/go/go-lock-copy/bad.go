package fixtures

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

// A value receiver locks a copy: concurrent Incs race on nothing they share.
func (c Counter) Inc() { // want "go-lock-copy" "Counter.Inc has a value receiver: every call copies the Counter and its mu"
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

// The lock is nested one struct down; passing the outer struct by value copies it.
type Server struct {
	stats Counter
	name  string
}

func report(s Server) int { // want "go-lock-copy" "parameter s of report takes a Server by value, copying its stats.mu"
	return s.stats.n
}

// A WaitGroup passed by value: Done on the copy never reaches the caller's Wait.
func worker(wg sync.WaitGroup, out chan<- int) { // want "go-lock-copy" "parameter wg of worker takes a sync.WaitGroup by value"
	defer wg.Done()
	out <- 1
}

// Dereferencing copies the struct and its lock.
func snapshot(c *Counter) int {
	copied := *c // want "go-lock-copy" ".c copies a Counter with its mu: the copy's lock is separate"
	return copied.n
}

// The same copies from function literals: a goroutine that dereferences the receiver it
// captured, and a literal that takes a Counter by value.
func (c *Counter) Publish(out chan<- Counter) {
	go func() {
		v := *c // want "go-lock-copy" ".c copies a Counter with its mu: the copy's lock is separate"
		out <- v
	}()
	apply := func(k Counter) int { return k.n } // want "go-lock-copy" "parameter k of Counter.Publish.func2 takes a Counter by value, copying its mu"
	_ = apply
}
