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

// The same work, every step cancellable by ctx.
func (s *Syncer) pull(ctx context.Context, url string) ([]byte, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(s.delay):
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func (s *Syncer) rsync(ctx context.Context, dir string) error {
	return exec.CommandContext(ctx, "rsync", "-a", s.mirror+"/", dir).Run()
}

func (s *Syncer) dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// refreshIndex takes the caller's ctx now.
func refreshIndex(ctx context.Context, mirror string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
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

func (s *Syncer) Sync(ctx context.Context, dir string) error {
	if err := s.rsync(ctx, dir); err != nil {
		return err
	}
	return refreshIndex(ctx, s.mirror)
}

// A same-package helper that takes no ctx and makes no root context of its own.
func mirrorURL(base, dir string) string { return base + "/" + dir }

func (s *Syncer) Target(ctx context.Context, dir string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return mirrorURL(s.mirror, dir), nil
}

// No ctx in scope: a command-line tool's main path and a start-up probe may block as they like.
func main() {
	time.Sleep(100 * time.Millisecond)
	resp, err := http.Get("http://127.0.0.1:8080/healthz")
	if err == nil {
		resp.Body.Close()
	}
	out, _ := exec.Command("git", "rev-parse", "HEAD").Output()
	_ = out
}

func waitForPort(addr string, tries int) bool {
	for i := 0; i < tries; i++ {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// A ctx parameter named _ is none the function can honour.
func (s *Syncer) Reset(_ context.Context) {
	time.Sleep(s.delay)
}

// prefetch makes no root context: it works under the ctx it is given.
func (s *Syncer) prefetch(ctx context.Context, dir string) error {
	return exec.CommandContext(ctx, "rsync", "-a", s.mirror+"/"+dir, dir).Run()
}

// label takes no ctx and makes no root context of its own.
func (s *Syncer) label(dir string) string { return s.mirror + ":" + dir }

// Methods on the receiver that take the ctx, or need none.
func (s *Syncer) Mirror(ctx context.Context, dir string) (string, error) {
	if err := s.prefetch(ctx, dir); err != nil {
		return "", err
	}
	return s.label(dir), nil
}
