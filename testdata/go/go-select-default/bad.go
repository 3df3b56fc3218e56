package fixtures

import (
	"context"
	"log"
	"time"
)

type Event struct {
	Kind string
	At   time.Time
}

// The audit bus: a buffered channel of events and a publisher that must never block the
// request path. When the consumer falls behind and the buffer fills, events vanish with no
// count and no log line.
type Bus struct {
	events chan Event
}

func NewBus() *Bus {
	return &Bus{events: make(chan Event, 256)}
}

func (b *Bus) Publish(ev Event) {
	select {
	case b.events <- ev: // want "go-select-default" "when b\.events is full the default drops ev silently: no error, log or count"
	default:
	}
}

// A field made in a constructor by assignment; a default that only returns is as silent as an
// empty one.
type Tracer struct {
	spans chan string
}

func NewTracer(size int) *Tracer {
	t := &Tracer{}
	t.spans = make(chan string, size)
	return t
}

func (t *Tracer) Record(name string) {
	select {
	case t.spans <- name: // want "go-select-default" "when t\.spans is full the default drops name silently"
	default:
		return
	}
}

// An unbuffered channel: the send succeeds only if a receiver is waiting at that very instant.
func handOff(results []int) {
	out := make(chan int)
	go func() {
		for v := range out {
			log.Print(v)
		}
	}()
	for _, r := range results {
		select {
		case out <- r: // want "go-select-default" "a send on the unbuffered channel out with an empty default: unless a receiver is waiting at that instant the value is dropped"
		default:
		}
	}
	close(out)
}

// `make(chan T, 0)` is unbuffered too, and a signal value does not help there: with no
// receiver waiting, even the signal is lost.
func ping() {
	pong := make(chan struct{}, 0)
	go func() {
		<-pong
	}()
	select {
	case pong <- struct{}{}: // want "go-select-default" "a send on the unbuffered channel pong"
	default:
	}
}

// A send from a goroutine: the channel is made in the function the literal is nested in.
func collect(ctx context.Context, lines []string) <-chan string {
	var found = make(chan string, 16)
	go func() {
		defer close(found)
		for _, l := range lines {
			select {
			case found <- l: // want "go-select-default" "when found is full the default drops l silently"
			default:
				continue
			}
		}
	}()
	return found
}

// Two send cases, both dropped: each is reported. A comment in the default does not make it
// any less silent.
func fanTwo(a, b string) {
	left := make(chan string, 8)
	right := make(chan string)
	select {
	case left <- a: // want "go-select-default" "when left is full the default drops a silently"
	case right <- b: // want "go-select-default" "a send on the unbuffered channel right"
	default:
		// drop
	}
	log.Print(len(left), len(right))
}

// A non-blocking send that breaks out of the select.
func offer(jobs []Event) {
	queue := make(chan Event, len(jobs)/2)
	for _, j := range jobs {
		select {
		case queue <- j: // want "go-select-default" "when queue is full the default drops j silently"
		default:
			break
		}
	}
}

// A for-select whose only case waits for cancellation: with nothing ready it spins.
func waitBusy(ctx context.Context) {
	for {
		select { // want "go-select-default" "this loop's only statement is a select with an empty default: when no case is ready it spins, burning a whole core"
		case <-ctx.Done():
			return
		default:
		}
	}
}

// `for init; ; post` has no condition either: it spins the same way.
func pollTicks(tick <-chan time.Time) {
	for n := 0; ; n++ {
		select { // want "go-select-default" "this loop's only statement is a select with an empty default"
		case t := <-tick:
			log.Print(n, t)
		default:
			continue
		}
	}
}

// A send case in a spinning loop: the spin is reported, not the drop.
func pump(v int) {
	sink := make(chan int)
	for {
		select { // want "go-select-default" "spins, burning a whole core while it waits"
		case sink <- v:
		default:
		}
	}
}
