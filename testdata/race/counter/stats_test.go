package counter

import "testing"

func TestHitWhileReading(t *testing.T) {
	var s Stats
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100; i++ {
			s.Hit()
		}
	}()
	for i := 0; i < 100; i++ {
		_ = s.Hits()
	}
	<-done
}
