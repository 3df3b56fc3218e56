package fixtures

import (
	"context"
	"log"
	"os"
	"time"
)

type Store struct {
	data map[string]string
}

func (s *Store) refresh() {
	s.data = map[string]string{}
}

// The fix: the goroutine leaves when the context is cancelled.
func NewStore(ctx context.Context) *Store {
	s := &Store{}
	go func() {
		ticker := time.NewTicker(time.Minute)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				s.refresh()
			}
		}
	}()
	return s
}

// A done channel the owner closes.
type Poller struct {
	done chan struct{}
}

func (p *Poller) Start() {
	go p.loop()
}

func (p *Poller) loop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			log.Print("poll")
		}
	}
}

func (p *Poller) Stop() { close(p.done) }

// Ranging over a channel ends when the producer closes it.
func Forward(in <-chan string, out chan<- string) {
	go func() {
		defer close(out)
		for v := range in {
			out <- v
		}
	}()
}

// A labelled break from inside the select leaves the loop.
func Collect(in <-chan string) <-chan []string {
	out := make(chan []string, 1)
	go func() {
		var all []string
	loop:
		for {
			select {
			case v, ok := <-in:
				if !ok {
					break loop
				}
				all = append(all, v)
			}
		}
		out <- all
	}()
	return out
}

// A plain break in the loop body.
func Retry(try func() error) {
	go func() {
		for {
			if err := try(); err == nil {
				break
			}
			time.Sleep(time.Second)
		}
	}()
}

// A loop with a condition.
func Spin(running func() bool) {
	go func() {
		for running() {
			time.Sleep(10 * time.Millisecond)
		}
	}()
}

// A loop that ends the process, or the goroutine, when it fails.
func Watchdog(alive func() bool) {
	go func() {
		for {
			time.Sleep(time.Second)
			if !alive() {
				log.Fatal("watchdog: process stuck")
			}
		}
	}()
	go func() {
		for {
			time.Sleep(time.Second)
			if !alive() {
				os.Exit(3)
			}
		}
	}()
	go func() {
		for {
			if !alive() {
				panic("not alive")
			}
		}
	}()
}

// A goto out of the loop.
func Wait(ready func() bool, done chan<- struct{}) {
	go func() {
		for {
			if ready() {
				goto out
			}
			time.Sleep(time.Millisecond)
		}
	out:
		close(done)
	}()
}

// Goroutines started from main or init live as long as the program by design.
func main() {
	go func() {
		for {
			time.Sleep(time.Minute)
			log.Print("alive")
		}
	}()
	select {}
}

var stats = map[string]int{}

func reportStats() {
	for {
		time.Sleep(time.Minute)
		log.Print(len(stats))
	}
}

func init() {
	go reportStats()
}

// A goroutine without a loop.
func Notify(ch chan<- string) {
	go func() { ch <- "ready" }()
}
