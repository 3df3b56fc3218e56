package fixtures

import (
	"context"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

type Event struct {
	Name string
}

type Hub struct {
	mu       sync.Mutex // want "go-new-sync-primitive" "new mu sync\.Mutex: which fields does it guard"
	handlers []func(Event)
	seen     int64
	events   chan Event
	wg       sync.WaitGroup // want "go-new-sync-primitive" "new wg sync\.WaitGroup: who waits for it, and does every goroutine call Done on every path\?"
	dropped  atomic.Int64   // want "go-new-sync-primitive" "new dropped atomic\.Int64: what ordering do the readers rely on"
	ready    *sync.Cond     // want "go-new-sync-primitive" "new ready sync\.Cond: which lock does it use, and does every Wait sit in a loop\?"
	once     sync.Once      // want "go-new-sync-primitive" "new once sync\.Once: what happens when the function it runs fails\?"
	ticker   *time.Ticker   // want "go-new-sync-primitive" "new ticker time\.Ticker: who stops it\?"
}

func (h *Hub) Start(ctx context.Context) {
	h.events = make(chan Event, 64)        // want "go-new-sync-primitive" "new channel: who closes it, who owns the sends, and what if the receiver stops receiving\?"
	h.ready = sync.NewCond(&h.mu)          // want "go-new-sync-primitive" "new sync\.Cond: which lock does it use"
	h.ticker = time.NewTicker(time.Minute) // want "go-new-sync-primitive" "new time\.NewTicker: who stops it\?"
	h.wg.Add(1)
	go h.dispatch(ctx) // want "go-new-sync-primitive" "new goroutine: what bounds how many run, and what stops each one\?"
}

func (h *Hub) dispatch(ctx context.Context) {
	defer h.wg.Done()
	for {
		select {
		case ev := <-h.events:
			h.deliver(ev)
		case <-h.ticker.C:
			log.Printf("%d events, %d dropped", atomic.LoadInt64(&h.seen), h.dropped.Load()) // want "go-new-sync-primitive" "new atomic operation atomic\.LoadInt64: what ordering do the readers rely on, and is every access atomic\?"
		case <-ctx.Done():
			return
		}
	}
}

func (h *Hub) deliver(ev Event) {
	h.mu.Lock()
	handlers := h.handlers
	h.mu.Unlock()
	for _, handle := range handlers {
		handle(ev)
	}
}

func (h *Hub) Publish(ev Event) {
	atomic.AddInt64(&h.seen, 1) // want "go-new-sync-primitive" "new atomic operation atomic\.AddInt64"
	select {
	case h.events <- ev:
	default:
		h.dropped.Add(1)
	}
	log.Printf("published %s", ev.Name)
}

// Fans out to every handler and waits for all of them.
func (h *Hub) Broadcast(ctx context.Context, ev Event) error {
	g, ctx := errgroup.WithContext(ctx) // want "go-new-sync-primitive" "new errgroup: who checks Wait's error"
	for _, handle := range h.handlers {
		handle := handle
		g.Go(func() error {
			handle(ev)
			return ctx.Err()
		})
	}
	var wg sync.WaitGroup       // want "go-new-sync-primitive" "new wg sync\.WaitGroup"
	done := make(chan struct{}) // want "go-new-sync-primitive" "new channel"
	wg.Add(1)
	go func() { // want "go-new-sync-primitive" "new goroutine"
		defer wg.Done()
		defer close(done)
		h.once.Do(func() { log.Print("first broadcast") })
	}()
	<-done
	wg.Wait()
	time.AfterFunc(time.Second, func() { log.Print("broadcast settled") }) // want "go-new-sync-primitive" "new time\.AfterFunc: who stops it\?"
	return g.Wait()
}

var subscribers sync.Map // want "go-new-sync-primitive" "new subscribers sync\.Map: is a plain map with a mutex simpler here\?"

// Waits for the first event or a deadline, and logs a heartbeat.
func (h *Hub) First(d time.Duration) (Event, bool) {
	timer := time.NewTimer(d) // want "go-new-sync-primitive" "new time\.NewTimer: who stops it\?"
	defer timer.Stop()
	heartbeat := time.Tick(d / 10) // want "go-new-sync-primitive" "new time\.Tick: time\.Tick's ticker is never stopped; is that intended\?"
	for {
		select {
		case ev := <-h.events:
			return ev, true
		case <-heartbeat:
			log.Print("waiting")
		case <-timer.C:
			return Event{}, false
		}
	}
}
