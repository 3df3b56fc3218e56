package fixtures

import (
	"context"
	"io"
	"log"
	"net"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Request struct {
	ID string
}

type Result struct {
	Items []string
}

func callA(ctx context.Context, req Request) (Result, error) { return Result{}, ctx.Err() }
func callB(ctx context.Context, req Request) (Result, error) { return Result{}, ctx.Err() }

// The errgroup fan-out: every error returned to the group and the first one checked.
func fanOut(ctx context.Context, req Request) (Result, Result, error) {
	g, gctx := errgroup.WithContext(ctx)
	var a, b Result
	g.Go(func() (err error) {
		a, err = callA(gctx, req)
		return err
	})
	g.Go(func() (err error) {
		b, err = callB(gctx, req)
		return err
	})
	if err := g.Wait(); err != nil {
		return Result{}, Result{}, err
	}
	return a, b, nil
}

func runAll(ctx context.Context, reqs []Request) error {
	var g errgroup.Group
	for _, req := range reqs {
		req := req
		g.Go(func() error {
			_, err := callA(ctx, req)
			return err
		})
	}
	return g.Wait()
}

// Errors sent on a channel the caller reads.
type outcome struct {
	res Result
	err error
}

func lookup(ctx context.Context, req Request) (Result, error) {
	ch := make(chan outcome, 2)
	go func() {
		res, err := callA(ctx, req)
		ch <- outcome{res, err}
	}()
	go func() {
		res, err := callB(ctx, req)
		ch <- outcome{res, err}
	}()
	var merged Result
	for i := 0; i < 2; i++ {
		o := <-ch
		if o.err != nil {
			return Result{}, o.err
		}
		merged.Items = append(merged.Items, o.res.Items...)
	}
	return merged, nil
}

// A lone `_ = conn.Close()` in a goroutine is a visible, deliberate choice; a blank that drops
// a result other than the last, map look-ups, type assertions and channel receives are not
// errors.
func proxy(ctx context.Context, conn net.Conn, upstream net.Conn, routes map[string]string) {
	go func() {
		<-ctx.Done()
		_ = conn.Close()
	}()
	go func() {
		_, err := io.Copy(upstream, conn)
		if err != nil {
			log.Printf("copy: %v", err)
		}
		route, _ := routes[conn.RemoteAddr().String()]
		tcp, _ := conn.(*net.TCPConn)
		log.Printf("route %q tcp=%v", route, tcp != nil)
	}()
}

// A same-package callee whose last result is not an error.
func parsePort(s string) (int, bool) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

func watchPorts(in <-chan string, out chan<- int) {
	go func() {
		for s := range in {
			p, _ := parsePort(s)
			out <- p
		}
	}()
}

// Explained on the line: the error is tracked elsewhere.
type Pool struct {
	mu      sync.Mutex
	lastErr error
	dial    func() (net.Conn, error)
	conns   []net.Conn
}

func (p *Pool) prewarm(n int) {
	for i := 0; i < n; i++ {
		go func() {
			conn, _ := p.dialTracked() // errors are recorded in p.lastErr by dialTracked
			if conn != nil {
				p.mu.Lock()
				p.conns = append(p.conns, conn)
				p.mu.Unlock()
			}
		}()
	}
}

func (p *Pool) dialTracked() (net.Conn, error) {
	c, err := p.dial()
	if err != nil {
		p.mu.Lock()
		p.lastErr = err
		p.mu.Unlock()
	}
	return c, err
}

// Not concurrent: a discarded error in the caller's own goroutine is another rule's business.
func firstItem(ctx context.Context, req Request) string {
	res, _ := callA(ctx, req)
	if len(res.Items) == 0 {
		return ""
	}
	return res.Items[0]
}

// A sync.WaitGroup's Wait returns nothing to check.
func flush(items []string, send func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			defer wg.Done()
			send(it)
		}(it)
	}
	wg.Wait()
}
