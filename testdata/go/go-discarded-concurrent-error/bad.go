package fixtures

import (
	"context"
	"net/http"
	"strconv"
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
func callC(ctx context.Context, req Request) (Result, error) { return Result{}, ctx.Err() }

func merge(rs ...Result) Result {
	var out Result
	for _, r := range rs {
		out.Items = append(out.Items, r.Items...)
	}
	return out
}

// A failed downstream call leaves its Result at the zero value, and merge cannot tell an
// empty answer from a failed one.
func lookup(ctx context.Context, req Request) Result {
	var a, b, c Result
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		a, _ = callA(ctx, req) // want "go-discarded-concurrent-error" "^the error of callA is discarded inside concurrent work"
	}()
	go func() {
		defer wg.Done()
		b, _ = callB(ctx, req) // want "go-discarded-concurrent-error" "^the error of callB is discarded inside concurrent work"
	}()
	go func() {
		defer wg.Done()
		c, _ = callC(ctx, req) // want "go-discarded-concurrent-error" "^the error of callC is discarded inside concurrent work"
	}()
	wg.Wait()
	return merge(a, b, c)
}

type Store struct {
	users map[string]string
	roles map[string]string
}

func (s *Store) reloadUsers(ctx context.Context) error { return ctx.Err() }
func (s *Store) reloadRoles(ctx context.Context) error { return ctx.Err() }

// The group's first error, the reason to use an errgroup, is dropped by the bare Wait.
func reload(ctx context.Context, s *Store) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.reloadUsers(gctx) })
	g.Go(func() error { return s.reloadRoles(gctx) })
	g.Wait() // want "go-discarded-concurrent-error" "^the error of g\.Wait\(\) is dropped: it is the first error of the group's goroutines"
}

// An errgroup kept in a struct field, its Wait result assigned to _.
type Indexer struct {
	group errgroup.Group
	sizes sync.Map
}

func (ix *Indexer) Add(ctx context.Context, url string) {
	ix.group.Go(func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, _ := strconv.Atoi(resp.Header.Get("Content-Length")) // want "go-discarded-concurrent-error" "^the error of strconv\.Atoi is discarded inside concurrent work"
		ix.sizes.Store(url, n)
		return nil
	})
}

func (ix *Indexer) Close() {
	_ = ix.group.Wait() // want "go-discarded-concurrent-error" "^the error of ix\.group\.Wait\(\) is dropped"
}

// A `var` errgroup.Group whose Wait is a bare statement.
func warmAll(ctx context.Context, reqs []Request) []Result {
	var g errgroup.Group
	out := make([]Result, len(reqs))
	for i, req := range reqs {
		i, req := i, req
		g.Go(func() error {
			var err error
			out[i], err = callA(ctx, req)
			return err
		})
	}
	g.Wait() // want "go-discarded-concurrent-error" "^the error of g\.Wait\(\) is dropped"
	return out
}
