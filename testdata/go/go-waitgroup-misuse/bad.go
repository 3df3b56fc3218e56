package fixtures

import (
	"context"
	"log"
	"sync"
)

type Shard struct {
	id    int
	dirty bool
}

func (s *Shard) flush() {
	s.dirty = false
}

func load(ctx context.Context, key string) (string, error) {
	return key, ctx.Err()
}

var cache sync.Map

// Add inside the goroutine: Wait can see a zero counter and return before any load ran.
func warmAll(ctx context.Context, keys []string) {
	var wg sync.WaitGroup
	for _, k := range keys {
		go func(k string) {
			wg.Add(1) // want "go-waitgroup-misuse" "wg\.Add inside the goroutine it counts: wg\.Wait can run before this Add"
			defer wg.Done()
			if v, err := load(ctx, k); err == nil {
				cache.Store(k, v)
			}
		}(k)
	}
	wg.Wait()
}

// Wait inside the loop that adds: the flushes run one at a time.
func flushAll(shards []*Shard) {
	var wg sync.WaitGroup
	for _, s := range shards {
		wg.Add(1)
		go func(s *Shard) {
			defer wg.Done()
			s.flush()
		}(s)
		wg.Wait() // want "go-waitgroup-misuse" "wg\.Wait inside the loop that calls wg\.Add: each iteration waits for its own goroutine"
	}
}

// The error path returns before the Done that is not deferred: Wait blocks forever.
func loadAll(ctx context.Context, keys []string) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(k string) {
			v, err := load(ctx, k)
			if err != nil {
				log.Printf("load %s: %v", k, err)
				return // want "go-waitgroup-misuse" "this return skips wg\.Done\(\) \(line \d+\): the WaitGroup never reaches zero"
			}
			cache.Store(k, v)
			wg.Done()
		}(k)
	}
	wg.Wait()
}

type Indexer struct {
	wg     sync.WaitGroup
	shards []*Shard
}

// A WaitGroup field, added inside the goroutine.
func (ix *Indexer) Reindex() {
	for _, s := range ix.shards {
		go func(s *Shard) {
			ix.wg.Add(1) // want "go-waitgroup-misuse" "ix\.wg\.Add inside the goroutine it counts"
			defer ix.wg.Done()
			s.flush()
		}(s)
	}
	ix.wg.Wait()
}
