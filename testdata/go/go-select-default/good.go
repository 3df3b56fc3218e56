package fixtures

import (
	"context"
	"log"
	"sync/atomic"
	"time"
)

type Item struct {
	ID   int
	Body []byte
}

// A coalescing notify: a one-slot wake channel. If a wake-up is already pending, this one adds
// nothing, so dropping it is the point.
type Syncer struct {
	wake  chan struct{}
	dirty chan bool
}

func NewSyncer() *Syncer {
	return &Syncer{wake: make(chan struct{}, 1), dirty: make(chan bool, 4)}
}

func (s *Syncer) Poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// A signal value on a larger buffer: a bool says "something changed", and one already queued
// says the same.
func (s *Syncer) MarkDirty() {
	select {
	case s.dirty <- true:
	default:
	}
}

// The one-slot mailbox: the first error wins and later ones are dropped on purpose.
func firstError(tasks []func() error) error {
	errc := make(chan error, 1)
	done := make(chan struct{})
	for _, task := range tasks {
		task := task
		go func() {
			defer func() { done <- struct{}{} }()
			if err := task(); err != nil {
				select {
				case errc <- err:
				default:
				}
			}
		}()
	}
	for range tasks {
		<-done
	}
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// A default that counts and logs the drop: the loss is visible.
type Shipper struct {
	out     chan Item
	dropped atomic.Int64
}

func NewShipper() *Shipper {
	return &Shipper{out: make(chan Item, 1024)}
}

func (s *Shipper) Ship(it Item) {
	select {
	case s.out <- it:
	default:
		s.dropped.Add(1)
		log.Printf("shipper: queue full, dropped item %d", it.ID)
	}
}

// A default that tells the caller: it can retry, back off or fail the request.
func (s *Shipper) TryShip(it Item) bool {
	select {
	case s.out <- it:
		return true
	default:
		return false
	}
}

// A receive case with a default: polling for a result, nothing is dropped.
func poll(results chan Item) (Item, bool) {
	select {
	case it := <-results:
		return it, true
	default:
		return Item{}, false
	}
}

// A work loop: the select only checks for a stop request between units of work, which is what
// keeps the loop from spinning.
func workLoop(stop chan struct{}, next func() bool) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		if !next() {
			return
		}
	}
}

// The channel is a parameter: its capacity, and so the intent, is unknown here.
func forward(out chan<- Item, it Item) {
	select {
	case out <- it:
	default:
	}
}

// A blocking send with a way out: no default at all.
func publish(ctx context.Context, out chan Item, it Item) error {
	select {
	case out <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A for-select without a default blocks until a case is ready: no spin.
func tick(ctx context.Context, t *time.Ticker) {
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			log.Print(now)
		}
	}
}

// Literal values are signals too: a level number or a state name.
func levels() {
	level := make(chan int, 3)
	state := make(chan string, 3)
	select {
	case level <- 2:
	default:
	}
	select {
	case state <- "ready":
	default:
	}
	log.Print(len(level), len(state))
}

// A drain: the default ends the loop once nothing is ready, so it does not spin.
func drainReady(ch chan int) (n int) {
	for {
		select {
		case <-ch:
			n++
		default:
			return n
		}
	}
}

func drainLabelled(ch chan int) {
loop:
	for {
		select {
		case <-ch:
		default:
			break loop
		}
	}
}
