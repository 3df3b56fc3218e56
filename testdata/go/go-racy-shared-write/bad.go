package fixtures

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Item struct {
	ID   int
	Name string
}

type Result struct {
	ID  int
	Err error
}

func fetch(ctx context.Context, it Item) (Result, error) {
	return Result{ID: it.ID}, nil
}

// Every goroutine appends to the same slice: appends are lost, or the backing array is torn.
func fetchAll(ctx context.Context, items []Item) []Result {
	var results []Result
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			r, _ := fetch(ctx, it)
			results = append(results, r) // want "go-racy-shared-write" "goroutines started in a loop all append to results with no lock held"
		}(it)
	}
	wg.Wait()
	return results
}

// A map written from every goroutine: the runtime crashes with "concurrent map writes".
func index(items []Item) map[int]string {
	names := make(map[int]string)
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			names[it.ID] = it.Name // want "go-racy-shared-write" "all write the map names with no lock held"
		}(it)
	}
	wg.Wait()
	return names
}

// A counter: n++ is a read, an add and a write.
func count(items []Item) int {
	n := 0
	var wg sync.WaitGroup
	for range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n++ // want "go-racy-shared-write" "all update n with no lock held: concurrent writes race"
		}()
	}
	wg.Wait()
	return n
}

// The last error wins, and the race detector flags the write.
func firstErr(ctx context.Context, items []Item) error {
	var err error
	g, ctx := errgroup.WithContext(ctx)
	for _, it := range items {
		it := it
		g.Go(func() error {
			if _, e := fetch(ctx, it); e != nil {
				err = e // want "go-racy-shared-write" "all assign err with no lock held"
			}
			return nil
		})
	}
	_ = g.Wait()
	return err
}

type Stats struct {
	seen  map[int]bool
	total int
}

// A field of the receiver: a map and a counter.
func (s *Stats) Record(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			s.seen[it.ID] = true // want "go-racy-shared-write" "all write the map s\.seen"
			s.total += it.ID     // want "go-racy-shared-write" "all assign s\.total"
		}(it)
	}
	wg.Wait()
}

// Unlocked too early: the append runs after the lock is released.
func collect(items []Item) []int {
	var mu sync.Mutex
	var ids []int
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			mu.Lock()
			mu.Unlock()
			ids = append(ids, it.ID) // want "go-racy-shared-write" "all append to ids with no lock held"
		}(it)
	}
	wg.Wait()
	return ids
}

// A map parameter, a decrement, and a map declared with var: each its own finding.
func tally(items []Item, byName map[string]int) {
	var left = len(items)
	var seen map[int]struct{} = map[int]struct{}{}
	var wg sync.WaitGroup
	for i := 0; i < len(items); i++ {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			byName[it.Name] = it.ID  // want "go-racy-shared-write" "all write the map byName"
			left--                   // want "go-racy-shared-write" "all update left"
			seen[it.ID] = struct{}{} // want "go-racy-shared-write" "all write the map seen"
		}(items[i])
	}
	wg.Wait()
}

// An increment of a map entry is a map write too.
func countNames(items []Item, counts map[string]int) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			counts[it.Name]++ // want "go-racy-shared-write" "all write the map counts"
		}(it)
	}
	wg.Wait()
}
