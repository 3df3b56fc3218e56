package fixtures

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

type Request struct {
	ID   string
	User string
}

type Result struct {
	Items []string
}

func callA(ctx context.Context, req Request) (Result, error) { return Result{}, ctx.Err() }
func callB(ctx context.Context, req Request) (Result, error) { return Result{}, ctx.Err() }
func callC(ctx context.Context, req Request) (Result, error) { return Result{}, ctx.Err() }

// The fan-out done right: every downstream call gets the group's context, derived from the
// request's, so the deadline and the first failure reach all three.
func lookup(ctx context.Context, req Request) ([3]Result, error) {
	var out [3]Result
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		out[0], err = callA(gctx, req)
		return err
	})
	g.Go(func() (err error) {
		out[1], err = callB(gctx, req)
		return err
	})
	g.Go(func() (err error) {
		out[2], err = callC(gctx, req)
		return err
	})
	if err := g.Wait(); err != nil {
		return [3]Result{}, err
	}
	return out, nil
}

// A handler passes the request's context to its goroutines.
func handleLookup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req := Request{ID: r.URL.Query().Get("id")}
	results := make(chan Result, 1)
	go func() {
		res, err := callA(ctx, req)
		if err != nil {
			log.Printf("callA: %v", err)
		}
		results <- res
	}()
	select {
	case res := <-results:
		log.Printf("got %d items", len(res.Items))
	case <-ctx.Done():
	}
	w.WriteHeader(http.StatusNoContent)
}

type Event struct {
	Name string
	At   time.Time
}

type Auditor struct {
	mu     sync.Mutex
	events []Event
}

func (a *Auditor) Write(ctx context.Context, e Event) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
}

// The audit record must be written even if the client hangs up: detached on purpose.
func (a *Auditor) Record(ctx context.Context, e Event) {
	go a.Write(context.WithoutCancel(ctx), e)
}

// No ctx in scope: a constructor makes the root context of a long-lived poller.
type Poller struct {
	ctx    context.Context
	cancel context.CancelFunc
	every  time.Duration
}

func NewPoller(every time.Duration) *Poller {
	ctx, cancel := context.WithCancel(context.Background())
	return &Poller{ctx: ctx, cancel: cancel, every: every}
}

func (p *Poller) Stop() { p.cancel() }

var defaultAuditor *Auditor

func init() {
	defaultAuditor = &Auditor{}
	defaultAuditor.Write(context.Background(), Event{Name: "start", At: time.Now()})
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := lookup(ctx, Request{ID: "42"}); err != nil {
		log.Fatal(err)
	}
}

// A test has no ctx parameter: its root context is its own.
func TestLookup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.TODO(), time.Second)
	defer cancel()
	if _, err := lookup(ctx, Request{ID: "1"}); err != nil {
		t.Fatal(err)
	}
}

// A ctx parameter named _ is not a ctx the function can pass on.
func (a *Auditor) Flush(_ context.Context) {
	a.Write(context.Background(), Event{Name: "flush", At: time.Now()})
}
