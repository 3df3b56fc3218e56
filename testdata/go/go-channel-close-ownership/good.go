package fixtures

import (
	"context"
	"sync"
	"sync/atomic"
)

type Msg struct {
	ID int
}

// The single owner: the producer closes out after its last send.
func generate(ctx context.Context, msgs []Msg) <-chan Msg {
	out := make(chan Msg)
	go func() {
		defer close(out)
		for _, m := range msgs {
			select {
			case out <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// The same as a named function taking the channel: it sends, then closes.
func emit(msgs []Msg, out chan<- Msg) {
	defer close(out)
	for _, m := range msgs {
		out <- m
	}
}

// A fan-out: the goroutines send, and the function closes once after wg.Wait().
func merge(ins []<-chan Msg) <-chan Msg {
	out := make(chan Msg)
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func(in <-chan Msg) {
			defer wg.Done()
			for m := range in {
				out <- m
			}
		}(in)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

type Server struct {
	once sync.Once
	quit chan struct{}
	done chan struct{}
	left int32
	all  chan struct{}
}

// sync.Once: however many callers, one close.
func (s *Server) Stop() {
	s.once.Do(func() {
		close(s.quit)
	})
}

// The close-if-not-closed idiom: the receive checks first.
func (s *Server) Shutdown() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

// The last one closes.
func (s *Server) Finish(workers int) {
	for i := 0; i < workers; i++ {
		go func() {
			if atomic.AddInt32(&s.left, -1) == 0 {
				close(s.all)
			}
		}()
	}
}

// Close and return when the sentinel comes: the close ends the loop.
func forward(in <-chan Msg, out chan Msg, stop int) {
	for m := range in {
		if m.ID == stop {
			close(out)
			return
		}
		out <- m
	}
}

// A close followed by return directly in the loop body runs once.
func drain(in <-chan Msg, out chan Msg) {
	for {
		select {
		case m := <-in:
			out <- m
			continue
		default:
		}
		close(out)
		return
	}
}

type call struct {
	msg  Msg
	done chan struct{}
}

// One channel per element: xs[i].done is a different channel each iteration.
func finishAll(calls []call) {
	for i := range calls {
		close(calls[i].done)
	}
}

// Closing each channel of a slice: the range variable is a different channel each time.
func closeAll(subs []chan Msg) {
	for _, s := range subs {
		close(s)
	}
}

// A channel made per iteration, closed by the one goroutine started in that iteration.
func perJob(msgs []Msg, handle func(Msg)) []chan struct{} {
	var dones []chan struct{}
	for _, m := range msgs {
		done := make(chan struct{})
		go func(m Msg) {
			defer close(done)
			handle(m)
		}(m)
		dones = append(dones, done)
	}
	return dones
}

// A goroutine that makes its own channel, ranges and closes a different one.
func pipe(in <-chan Msg) <-chan Msg {
	out := make(chan Msg)
	go func() {
		defer close(out)
		for m := range in {
			out <- m
		}
	}()
	return out
}

// Close-and-renew: each channel is closed once, then replaced for the next round of waiters.
func broadcastChanges(events <-chan int) {
	changed := make(chan struct{})
	for range events {
		close(changed)
		changed = make(chan struct{})
	}
	_ = changed
}

// Only one of the two goroutines runs.
func oneOfTwo(fast bool, done chan struct{}) {
	if fast {
		go func() {
			close(done)
		}()
	} else {
		go func() {
			close(done)
		}()
	}
}

// Only the first iteration starts a goroutine.
func firstOnly(xs []int, done chan struct{}) {
	for i := range xs {
		if i == 0 {
			go func() {
				defer close(done)
			}()
		}
	}
}
