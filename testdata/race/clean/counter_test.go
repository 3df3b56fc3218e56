package clean

import (
	"sync"
	"testing"
)

func TestHitConcurrently(t *testing.T) {
	var s Stats
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				s.Hit()
			}
		}()
	}
	wg.Wait()
	if got := s.Hits(); got != 400 {
		t.Fatalf("hits = %d, want 400", got)
	}
}
