// The failure stories of the seed incidents, each as the patch that caused it. Every rule is
// active here: each finding must be wanted.
package stories

import (
	"context"
	"errors"
	"net/http"
	"time"
)

type Message struct {
	Key   string
	Value []byte
}

type Result struct{ Body []byte }

func fetch(ctx context.Context, url string) (Result, error) { return Result{}, nil }

// Story: the fan-out that leaked 80,000 goroutines. Each backend call detaches from the
// request with context.Background(); when the client gives up, the calls run on.
func Aggregate(w http.ResponseWriter, r *http.Request) {
	results := make(chan Result, 3)
	for _, url := range []string{"/users", "/orders", "/prices"} {
		url := url
		go func() {
			res, _ := fetch(context.Background(), url) // want "go-background-in-scope" "Background" // want "go-discarded-concurrent-error" "discard"
			results <- res
		}()
	}
	for i := 0; i < 3; i++ {
		<-results
	}
}

func process(msg Message) {}

// Story: one goroutine per Kafka message. A replay of twelve hours of events started 1.2
// million of them at once.
func Consume(messages <-chan Message) {
	for msg := range messages {
		go process(msg) // want "go-unbounded-goroutines" "goroutine per iteration"
	}
}

func query(ctx context.Context, q string) error { return nil }

var errEmpty = errors.New("empty query")

// Story: the forgotten defer cancel(). Only the early return cancels; every successful call
// leaks a timer and a context until the deadline.
func Lookup(ctx context.Context, q string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	if q == "" {
		cancel()
		return errEmpty
	}
	return query(ctx, q) // want "go-lost-cancel" "leaves without calling cancel"
}

func handle(m Message) error { return nil }

// Story: a context stashed in a worker struct outlives the request that made it: the
// worker's goroutine stops when that request ends, not when the worker is done.
type Worker struct {
	ctx   context.Context // want "go-context-in-struct" "context"
	queue chan Message
}

func NewWorker(ctx context.Context) *Worker {
	return &Worker{ctx: ctx, queue: make(chan Message, 16)}
}

func (w *Worker) Start() {
	go func() {
		for {
			select {
			case <-w.ctx.Done():
				return
			case m := <-w.queue:
				_ = handle(m)
			}
		}
	}()
}

// Story: the queue loop that never checks ctx.Done(). Cancellation fired long ago; the
// loop keeps waiting for work.
type Queue struct {
	items chan Message
}

func (q *Queue) Run(ctx context.Context) error {
	for { // want "go-loop-ignores-context" "never checks ctx"
		m := <-q.items
		if err := handle(m); err != nil {
			return err
		}
	}
}
