package fixtures

import (
	"context"
	"errors"
	"log"
	"net"
	"time"
)

type Job struct {
	ID      string
	Payload []byte
}

func (j Job) Run(ctx context.Context) error { return ctx.Err() }

// The worker takes the ctx of each call instead of keeping one.
type Worker struct {
	queue chan Job
}

func (w *Worker) Loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-w.queue:
			if err := j.Run(ctx); err != nil {
				log.Printf("job %s: %v", j.ID, err)
			}
		}
	}
}

// A per-operation state: one handshake, built and used within the call that owns ctx. No
// method starts a goroutine or loops over work through the stored context.
type handshake struct {
	ctx     context.Context
	conn    net.Conn
	version int
}

func (h *handshake) hello() error {
	if err := h.ctx.Err(); err != nil {
		return err
	}
	_, err := h.conn.Write([]byte{byte(h.version)})
	return err
}

func (h *handshake) verify(reply []byte) error {
	if len(reply) == 0 {
		return errors.New("empty reply")
	}
	if deadline, ok := h.ctx.Deadline(); ok && time.Now().After(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

func Handshake(ctx context.Context, conn net.Conn) error {
	h := &handshake{ctx: ctx, conn: conn, version: 2}
	if err := h.hello(); err != nil {
		return err
	}
	return h.verify([]byte{2})
}

// The stop side of a context, and a dial func that takes the ctx of each call.
type Server struct {
	stop context.CancelFunc
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	done chan struct{}
}

func (s *Server) Serve(ctx context.Context, l net.Listener) {
	ctx, s.stop = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		<-ctx.Done()
		l.Close()
	}()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go s.handle(ctx, c)
	}
}

func (s *Server) handle(ctx context.Context, c net.Conn) {
	defer c.Close()
	up, err := s.dial(ctx, "tcp", "backend:9000")
	if err != nil {
		return
	}
	up.Close()
}

func (s *Server) Shutdown() {
	s.stop()
	<-s.done
}
