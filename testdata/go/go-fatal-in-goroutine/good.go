package fixtures

import (
	"errors"
	"sync"
	"testing"
)

type Cache struct {
	mu sync.Mutex
	m  map[string]string
}

func NewCache() *Cache { return &Cache{m: map[string]string{"k": "v"}} }

func (c *Cache) Get(k string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	if !ok {
		return "", errors.New("miss: " + k)
	}
	return v, nil
}

// Errors sent back to the test's goroutine, which fails the test.
func TestCacheConcurrentGet(t *testing.T) {
	c := NewCache()
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := c.Get("k")
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("Get: %v", err)
		}
	}
}

// t.Error/Errorf/Log in a goroutine, then return.
func TestCacheErrorf(t *testing.T) {
	c := NewCache()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := c.Get("k"); err != nil {
				t.Errorf("worker %d: Get: %v", i, err)
				return
			}
			t.Logf("worker %d ok", i)
		}(i)
	}
	wg.Wait()
}

// A subtest function runs as a test of its own: Fatal there is fine.
func TestCacheSubtests(t *testing.T) {
	c := NewCache()
	for _, k := range []string{"k"} {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			if _, err := c.Get(k); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A Fatal method of something that is not a testing value.
type logger struct{ lines []string }

func (l *logger) Fatal(args ...interface{}) { l.lines = append(l.lines, "fatal") }

func TestWithLogger(t *testing.T) {
	log := &logger{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		log.Fatal("disk full")
	}()
	<-done
	if len(log.lines) != 1 {
		t.Fatalf("lines = %v", log.lines)
	}
}

// A goroutine that is not in a test: the parameter t is not a testing value.
type ticker struct{ n int }

func (k *ticker) Skip() { k.n++ }

func advance(t *ticker, steps int) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < steps; i++ {
			t.Skip()
		}
	}()
	<-done
}
