package fixtures

import (
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"time"
)

type Syncer struct {
	client *http.Client
	delay  time.Duration
	mirror string
}

// pull has the caller's ctx, yet its back-off sleeps through a cancellation and its download
// uses http.DefaultClient, which has no timeout at all.
func (s *Syncer) pull(ctx context.Context, url string) ([]byte, error) {
	time.Sleep(s.delay)        // want "go-call-without-context" "^time\.Sleep cannot be cancelled: when ctx is cancelled or times out, this call keeps waiting"
	resp, err := http.Get(url) // want "go-call-without-context" "^http\.Get cannot be cancelled: when ctx is cancelled or times out"
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// The child process outlives the request that gave up on it.
func (s *Syncer) rsync(ctx context.Context, dir string) error {
	cmd := exec.Command("rsync", "-a", s.mirror+"/", dir) // want "go-call-without-context" "^exec\.Command cannot be cancelled: when ctx is cancelled"
	return cmd.Run()
}

// A handler: the request's context is the ctx in scope.
func (s *Syncer) handlePush(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequest(http.MethodPost, s.mirror+"/push", r.Body) // want "go-call-without-context" "^http\.NewRequest cannot be cancelled: when r\.Context\(\) is cancelled"
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, err := s.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
}

// Dialing from a goroutine of a function with a ctx: the closure sees the ctx too.
func (s *Syncer) ping(ctx context.Context, addrs []string) <-chan error {
	errs := make(chan error, len(addrs))
	for _, addr := range addrs {
		go func(addr string) {
			conn, err := net.DialTimeout("tcp", addr, 3*time.Second) // want "go-call-without-context" "^net\.DialTimeout cannot be cancelled: when ctx is cancelled"
			if err == nil {
				conn.Close()
			}
			errs <- err
		}(addr)
	}
	return errs
}

// refreshIndex takes no ctx and makes its own root context.
func refreshIndex(mirror string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, mirror+"/reindex", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Sync calls it from a function that has a ctx, so the reindex ignores the caller's deadline.
func (s *Syncer) Sync(ctx context.Context, dir string) error {
	if err := s.rsync(ctx, dir); err != nil {
		return err
	}
	return refreshIndex(s.mirror) // want "go-call-without-context" "^refreshIndex takes no ctx and makes its own context\.Background\(\), so the work it does ignores ctx's cancellation"
}

// prefetch is a method that takes no ctx and makes its own root context.
func (s *Syncer) prefetch(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return exec.CommandContext(ctx, "rsync", "-a", s.mirror+"/"+dir, dir).Run()
}

// Mirror has the caller's ctx and calls prefetch on its own receiver, directly and from a
// goroutine: neither prefetch stops when ctx does.
func (s *Syncer) Mirror(ctx context.Context, dirs []string) error {
	if err := s.prefetch(dirs[0]); err != nil { // want "go-call-without-context" "^s\.prefetch takes no ctx and makes its own context\.Background\(\), so the work it does ignores ctx's cancellation"
		return err
	}
	for _, dir := range dirs[1:] {
		go func(dir string) {
			_ = s.prefetch(dir) // want "go-call-without-context" "^s\.prefetch takes no ctx and makes its own context\.Background\(\)"
		}(dir)
	}
	return s.rsync(ctx, dirs[0])
}
