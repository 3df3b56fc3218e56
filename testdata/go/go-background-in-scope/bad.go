package fixtures

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type Request struct {
	ID   string
	User string
}

type Result struct {
	Items []string
}

func callA(ctx context.Context, req Request) (Result, error) { return fetch(ctx, "a", req) }
func callB(ctx context.Context, req Request) (Result, error) { return fetch(ctx, "b", req) }
func callC(ctx context.Context, req Request) (Result, error) { return fetch(ctx, "c", req) }

func fetch(ctx context.Context, svc string, req Request) (Result, error) {
	select {
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-time.After(20 * time.Millisecond):
		return Result{Items: []string{svc + ":" + req.ID}}, nil
	}
}

func merge(rs ...Result) Result {
	var out Result
	for _, r := range rs {
		out.Items = append(out.Items, r.Items...)
	}
	return out
}

// handleSearch answers within the request's 5-second deadline, but the three downstream
// calls it fans out to run under context.Background(): when one of them hangs, the handler
// gives up on schedule and its goroutines keep waiting.
func handleSearch(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	req := Request{ID: r.URL.Query().Get("id"), User: r.Header.Get("X-User")}

	var a, b, c Result
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		a, _ = callA(context.Background(), req) // want "go-background-in-scope" "^context\.Background\(\) inside a goroutine of a function that has r\.Context\(\)"
	}()
	go func() {
		defer wg.Done()
		b, _ = callB(context.Background(), req) // want "go-background-in-scope" "^context\.Background\(\) inside a goroutine of a function that has r\.Context\(\)"
	}()
	go func() {
		defer wg.Done()
		c, _ = callC(context.Background(), req) // want "go-background-in-scope" "^context\.Background\(\) inside a goroutine of a function that has r\.Context\(\)"
	}()

	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		_ = json.NewEncoder(w).Encode(merge(a, b, c))
	case <-ctx.Done():
		http.Error(w, "upstream timeout", http.StatusGatewayTimeout)
	}
}

type Store struct {
	mu    sync.Mutex
	cache map[string]string
}

func (s *Store) load(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return "v:" + key, nil
}

// Refresh has the caller's ctx and still loads under a fresh root context.
func (s *Store) Refresh(ctx context.Context, key string) error {
	v, err := s.load(context.TODO(), key) // want "go-background-in-scope" "^context\.TODO\(\) where ctx is in scope: this work ignores the caller's cancellation"
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cache[key] = v
	s.mu.Unlock()
	return nil
}

func retry(n int, f func() error) error {
	var err error
	for i := 0; i < n; i++ {
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

// A closure that is not a goroutine still sees the ctx of the function it is written in.
func (s *Store) Warm(ctx context.Context, keys []string) error {
	for _, k := range keys {
		k := k
		err := retry(3, func() error {
			_, err := s.load(context.Background(), k) // want "go-background-in-scope" "^context\.Background\(\) where ctx is in scope"
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// A goroutine nested in a closure of a handler: the closure's *http.Request is in scope.
func (s *Store) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/warm", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("key")
		go func() {
			_, _ = s.load(context.TODO(), key) // want "go-background-in-scope" "^context\.TODO\(\) inside a goroutine of a function that has r\.Context\(\)"
		}()
		w.WriteHeader(http.StatusAccepted)
	})
}
