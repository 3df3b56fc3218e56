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

// The Fatalf ends only its goroutine; wg.Done is not deferred, so wg.Wait never returns and
// the test hangs until go test's timeout.
func TestCacheConcurrentGet(t *testing.T) {
	c := NewCache()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			if _, err := c.Get("k"); err != nil {
				t.Fatalf("Get: %v", err) // want "go-fatal-in-goroutine" "^t\.Fatalf in a goroutine: it ends only this goroutine \(runtime\.Goexit\), not the test"
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// A benchmark's goroutine, and a closure called on that goroutine.
func BenchmarkCacheGet(b *testing.B) {
	c := NewCache()
	done := make(chan struct{})
	go func() {
		defer close(done)
		check := func(k string) {
			if _, err := c.Get(k); err != nil {
				b.FailNow() // want "go-fatal-in-goroutine" "^b\.FailNow in a goroutine"
			}
		}
		for i := 0; i < b.N; i++ {
			check("k")
		}
	}()
	<-done
}

// A helper taking testing.TB, its goroutine skipping the whole test while it runs on.
func startReplica(tb testing.TB, c *Cache) <-chan string {
	out := make(chan string, 1)
	go func(tb testing.TB) {
		v, err := c.Get("replica")
		if err != nil {
			tb.Skip("no replica configured") // want "go-fatal-in-goroutine" "^tb\.Skip in a goroutine"
		}
		out <- v
	}(tb)
	return out
}

// A goroutine started inside another goroutine is judged on its own.
func TestNestedWorkers(t *testing.T) {
	c := NewCache()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		inner := make(chan error, 1)
		go func() {
			_, err := c.Get("k")
			if err != nil {
				t.Fatal(err) // want "go-fatal-in-goroutine" "^t\.Fatal in a goroutine"
			}
			inner <- err
		}()
		if err := <-inner; err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
}
