package fixtures

import (
	"context"
	"log"
	"sync"
	"time"
)

type Cache struct {
	mu   sync.Mutex
	data map[string]string
	load func() map[string]string
}

func (c *Cache) refresh() {
	fresh := c.load()
	c.mu.Lock()
	c.data = fresh
	c.mu.Unlock()
}

// One refresher per cache, and nothing can stop it: every NewCache leaks a goroutine and a ticker.
func NewCache(load func() map[string]string) *Cache {
	c := &Cache{load: load}
	ticker := time.NewTicker(time.Minute)
	go func() { // want "go-goroutine-no-stop" "this goroutine loops forever \(line \d+\) with no way out"
		for {
			select {
			case <-ticker.C:
				c.refresh()
			}
		}
	}()
	return c
}

type Event struct {
	Name string
}

type Server struct {
	events chan Event
	seen   int
}

func (s *Server) apply(ev Event) {
	s.seen++
	log.Printf("event %s", ev.Name)
}

// A method that loops forever, started per server.
func (s *Server) Start() {
	go s.loop() // want "go-goroutine-no-stop" "the goroutine running Server\.loop loops forever \(line \d+\) with no way out"
}

func (s *Server) loop() {
	for {
		ev := <-s.events
		s.apply(ev)
	}
}

// The break leaves only the select: once events is closed the loop spins.
func (s *Server) StartDraining() {
	go func() { // want "go-goroutine-no-stop" "this goroutine loops forever"
		for {
			select {
			case ev, ok := <-s.events:
				if !ok {
					break
				}
				s.apply(ev)
			}
		}
	}()
}

// A same-package function started by name.
func pump(src <-chan Event, dst chan<- Event) {
	for {
		dst <- <-src
	}
}

func Connect(src <-chan Event) <-chan Event {
	dst := make(chan Event)
	go pump(src, dst) // want "go-goroutine-no-stop" "the goroutine running pump loops forever"
	return dst
}

type Heartbeat struct {
	interval time.Duration
	beats    int
}

func (h *Heartbeat) run() {
	for {
		time.Sleep(h.interval)
		h.beats++
	}
}

// A method on a parameter of known type.
func Monitor(h *Heartbeat) {
	go h.run() // want "go-goroutine-no-stop" "the goroutine running Heartbeat\.run loops forever"
}

// `break` in the ctx case leaves the select, not the loop: cancelling does nothing.
func Watch(ctx context.Context, c *Cache) {
	go func() { // want "go-goroutine-no-stop" "this goroutine loops forever"
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				break
			case <-t.C:
				c.refresh()
			}
		}
	}()
}
