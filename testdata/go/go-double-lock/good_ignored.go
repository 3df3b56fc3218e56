package fixtures

import "sync"

type Recorder struct {
	mu     sync.Mutex
	events []string
}

// crashDump is only called from a test hook that deliberately wedges the recorder; the author
// turned lock checking off for it.
// +checklocksignore
func (r *Recorder) crashDump() int {
	r.mu.Lock()
	r.mu.Lock()
	return len(r.events)
}
