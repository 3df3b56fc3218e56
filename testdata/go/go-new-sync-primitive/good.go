package fixtures

import (
	"sort"
	"strings"
	"sync"
)

type Record struct {
	Key   string
	Value string
}

func normalize(r Record) Record {
	r.Key = strings.ToLower(strings.TrimSpace(r.Key))
	return r
}

// Channel types in signatures and fields, with no make: whoever makes the channel is the one
// asked about it.
type Sink struct {
	out chan<- Record
}

func (s *Sink) Emit(r Record) {
	s.out <- normalize(r)
}

func Drain(in <-chan Record) []Record {
	var all []Record
	for r := range in {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Key < all[j].Key })
	return all
}

// Methods named Lock, Unlock and Wait on the package's own types.
type Ledger struct {
	locked  bool
	entries []Record
}

func (l *Ledger) Lock()   { l.locked = true }
func (l *Ledger) Unlock() { l.locked = false }
func (l *Ledger) Wait() []Record {
	return l.entries
}

func Close(l *Ledger) []Record {
	l.Lock()
	defer l.Unlock()
	return l.Wait()
}

// A sync.Locker parameter: the caller's lock, not a new one.
func WithLock(l sync.Locker, f func()) {
	l.Lock()
	defer l.Unlock()
	f()
}
