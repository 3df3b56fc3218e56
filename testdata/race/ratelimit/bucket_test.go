package ratelimit

import (
	"sync"
	"testing"
	"time"
)

func TestAllowConcurrently(t *testing.T) {
	b := New(100, time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				b.Allow()
			}
		}()
	}
	wg.Wait()
}
