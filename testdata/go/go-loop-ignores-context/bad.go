package fixtures

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"
)

type Work struct {
	ID      int
	Payload []byte
}

func process(w Work) {
	log.Printf("work %d (%d bytes)", w.ID, len(w.Payload))
}

// The seed: a queue worker that takes a ctx and never looks at it. Once the caller cancels,
// Run is still parked on the queue; shutdown waits for it, and it waits for work that no longer
// comes.
func Run(ctx context.Context, queue <-chan Work) error {
	for { // want "go-loop-ignores-context" "this loop waits \(<-queue, line 25\) but never checks ctx: once the context is cancelled it keeps waiting and working for nobody"
		work := <-queue
		process(work)
	}
}

// Polling with time.Sleep: a cancelled caller waits out every remaining nap.
func WaitReady(ctx context.Context, ready func() bool) {
	for { // want "go-loop-ignores-context" "this loop waits \(time\.Sleep\(500 \* time\.Millisecond\), line 36\) but never checks ctx"
		if ready() {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// `for cond {}` is open-ended too: it ends when the condition says so, not when ctx does.
func WaitFlushed(ctx context.Context, pending func() int) {
	for pending() > 0 { // want "go-loop-ignores-context" "this loop waits \(time\.Sleep\(time\.Second\), line 43\) but never checks ctx"
		time.Sleep(time.Second)
	}
}

// A for-select with no ctx.Done() case: it has two ways to wake up and neither is cancellation.
func Relay(ctx context.Context, in <-chan Work, flush *time.Ticker) {
	var batch []Work
	for { // want "go-loop-ignores-context" "this loop waits \(a select with no ctx\.Done\(\) case, line 51\) but never checks ctx"
		select {
		case w := <-in:
			batch = append(batch, w)
		case <-flush.C:
			for _, w := range batch {
				process(w)
			}
			batch = batch[:0]
		}
	}
}

// A send waits for a receiver just as a receive waits for a sender.
func Produce(ctx context.Context, out chan<- Work, next func() Work) {
	for { // want "go-loop-ignores-context" "this loop waits \(out <- next\(\), line 66\) but never checks ctx"
		out <- next()
	}
}

// `for init; ; post` has no condition: open-ended.
func Retry(ctx context.Context, attempt func() error) error {
	for n := 1; ; n++ { // want "go-loop-ignores-context" "this loop waits \(<-time\.After\(time\.Duration\(n\) \* time\.Second\), line 76\)"
		if err := attempt(); err == nil {
			return nil
		}
		<-time.After(time.Duration(n) * time.Second)
	}
}

// A select with a default does not wait, but what its cases run may.
func Forward(ctx context.Context, in <-chan Work, out chan<- Work) {
	for { // want "go-loop-ignores-context" "this loop waits \(out <- w, line 85\) but never checks ctx"
		select {
		case w := <-in:
			out <- w
		default:
			idle()
		}
	}
}

func idle() {}

// A goroutine the function starts sees the function's ctx, and ignores it the same way.
func StartRefresher(ctx context.Context, refresh func()) {
	t := time.NewTicker(time.Minute)
	go func() {
		for { // want "go-loop-ignores-context" "this loop waits \(<-t\.C, line 99\) but never checks ctx"
			<-t.C
			refresh()
		}
	}()
}

// The outer loop checks ctx; the inner one polls on its own and does not.
func Drain(ctx context.Context, empty func() bool, flush func()) {
	for ctx.Err() == nil {
		flush()
		for !empty() { // want "go-loop-ignores-context" "this loop waits \(time\.Sleep\(10 \* time\.Millisecond\), line 110\)"
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// A long wait is cut in the message.
func Backoff(ctx context.Context, try func() bool, base time.Duration) {
	for attempt := 0; ; attempt++ { // want "go-loop-ignores-context" "this loop waits \(time\.Sleep\(base\*time\.Duration\(1<<uint\(attempt\)\) \+ time\.Du\.\.\., line 121\) but never checks ctx"
		if try() {
			return
		}
		time.Sleep(base*time.Duration(1<<uint(attempt)) + time.Duration(attempt)*time.Millisecond)
	}
}

// An HTTP handler's context is r.Context(): the client hangs up, the stream goes on.
type Feed struct {
	events chan string
}

func (f *Feed) Stream(w http.ResponseWriter, r *http.Request) {
	flusher, _ := w.(http.Flusher)
	for { // want "go-loop-ignores-context" "this loop waits \(<-f\.events, line 133\) but never checks r\.Context\(\)"
		ev := <-f.events
		fmt.Fprintf(w, "data: %s\n\n", ev)
		flusher.Flush()
	}
}

// Taking the context out of the request and then not using it is the same.
func (f *Feed) Tail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	log.Printf("tail started (deadline set: %v)", hasDeadline(ctx))
	for { // want "go-loop-ignores-context" "this loop waits \(a select with no ctx\.Done\(\) case, line 144\) but never checks r\.Context\(\)"
		select {
		case ev := <-f.events:
			fmt.Fprintln(w, ev)
		}
	}
}

func hasDeadline(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok
}
