package fixtures

import (
	"bufio"
	"context"
	"io"
	"log"
)

type Message struct {
	Topic string
	Key   []byte
	Value []byte
}

type Reader interface {
	ReadMessage(ctx context.Context) (Message, error)
}

func process(msg Message) {
	log.Printf("processed %s/%s", msg.Topic, msg.Key)
}

func handle(msg Message) {
	log.Printf("handled %s", msg.Key)
}

// The seed: a Kafka consumer that starts one goroutine per message. A replay of twelve hours
// of events took the heap from 200 MB to 12 GB in forty seconds.
func consume(ctx context.Context, r Reader) error {
	for {
		msg, err := r.ReadMessage(ctx)
		if err != nil {
			return err
		}
		go process(msg) // want "go-unbounded-goroutines" "a goroutine per iteration of an endless loop, with nothing bounding how many run at once"
	}
}

// Ranging over a channel parameter: as many goroutines as the producer sends messages.
func dispatch(msgs <-chan Message) {
	for msg := range msgs {
		go handle(msg) // want "go-unbounded-goroutines" "a goroutine per iteration of a loop over the channel msgs"
	}
}

// A for-select loop with a way out is still unbounded: the ctx case stops the loop, not the fan-out.
func relay(ctx context.Context, in chan Message) {
	for {
		select {
		case msg := <-in:
			go func(m Message) { // want "go-unbounded-goroutines" "a goroutine per iteration of an endless loop"
				handle(m)
			}(msg)
		case <-ctx.Done():
			return
		}
	}
}

// Taking the input with `msg := <-in` is the input itself, not a semaphore slot.
func drain(in chan Message) {
	for {
		msg := <-in
		go handle(msg) // want "go-unbounded-goroutines" "an endless loop"
	}
}

// One goroutine per line of input, however long the input is.
func ingest(r io.Reader) error {
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := scanner.Text()
		go func() { // want "go-unbounded-goroutines" "a loop that runs while scanner\.Scan\(\) is true"
			log.Print(line)
		}()
	}
	return scanner.Err()
}

// A channel made in the function and ranged over.
func fanOut(ctx context.Context, r Reader) {
	msgs := make(chan Message, 128)
	go func() {
		defer close(msgs)
		for {
			msg, err := r.ReadMessage(ctx)
			if err != nil {
				return
			}
			msgs <- msg
		}
	}()
	for msg := range msgs {
		go process(msg) // want "go-unbounded-goroutines" "a loop over the channel msgs"
	}
}

type Dispatcher struct {
	jobs chan Message
}

// A channel field of the receiver.
func (d *Dispatcher) Run() {
	for job := range d.jobs {
		go d.run(job) // want "go-unbounded-goroutines" "a loop over the channel d\.jobs"
	}
}

func (d *Dispatcher) run(msg Message) {
	handle(msg)
}
