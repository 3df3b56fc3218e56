package fanout

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAggregateGivesUpOnDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	backends := []Backend{{"users", 100 * time.Millisecond}, {"orders", 100 * time.Millisecond}, {"prices", 100 * time.Millisecond}}
	_, err := Aggregate(ctx, backends)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
}
