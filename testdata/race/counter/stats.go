// Package counter counts hits without a lock.
package counter

type Stats struct {
	hits int
}

func (s *Stats) Hit() {
	s.hits++
}

func (s *Stats) Hits() int {
	return s.hits
}
