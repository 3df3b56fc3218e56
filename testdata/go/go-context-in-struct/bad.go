package fixtures

import (
	"context"
	"log"
	"net/http"
	"time"
)

type Job struct {
	ID      string
	Payload []byte
}

func (j Job) Run(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Millisecond):
		return nil
	}
}

// Worker keeps the context of the request that created it; every job it drains later runs
// under that request's context, cancelled as soon as the request ends.
type Worker struct {
	ctx   context.Context // want "go-context-in-struct" "^Worker\.ctx stores a context\.Context: work done later through it runs under the context of whoever built the value"
	queue chan Job
}

func NewWorker(r *http.Request) *Worker {
	return &Worker{ctx: r.Context(), queue: make(chan Job, 64)}
}

func (w *Worker) Enqueue(j Job) { w.queue <- j }

func (w *Worker) Loop() {
	for j := range w.queue {
		if err := j.Run(w.ctx); err != nil {
			log.Printf("job %s: %v", j.ID, err)
		}
	}
}

// Flusher starts its own goroutine with the stored context.
type Flusher struct {
	parent context.Context // want "go-context-in-struct" "^Flusher\.parent stores a context\.Context"
	every  time.Duration
	flush  func(context.Context) error
}

func (f *Flusher) Start() {
	go func() {
		t := time.NewTicker(f.every)
		defer t.Stop()
		for range t.C {
			if err := f.flush(f.parent); err != nil {
				log.Printf("flush: %v", err)
			}
		}
	}()
}

// An embedded context.Context behaves the same: the session's reader outlives the call that
// built it.
type Session struct {
	context.Context // want "go-context-in-struct" "^Session\.Context stores a context\.Context"
	msgs            chan string
}

func (s *Session) Listen(recv func() (string, error)) {
	go func() {
		defer close(s.msgs)
		for {
			m, err := recv()
			if err != nil {
				return
			}
			select {
			case s.msgs <- m:
			case <-s.Done():
				return
			}
		}
	}()
}

// A select loop that waits on the stored context.
type Pump struct {
	ctx context.Context // want "go-context-in-struct" "^Pump\.ctx stores a context\.Context"
	in  <-chan []byte
	out chan<- []byte
}

func (p *Pump) Run() error {
	for {
		select {
		case <-p.ctx.Done():
			return p.ctx.Err()
		case b, ok := <-p.in:
			if !ok {
				return nil
			}
			p.out <- b
		}
	}
}
