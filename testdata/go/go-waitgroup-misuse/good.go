package fixtures

import (
	"context"
	"sync"
)

type Item struct {
	ID int
}

func process(it Item) {}

func fetch(ctx context.Context, key string) (string, error) {
	return key, ctx.Err()
}

var results sync.Map

// The fix: Add before go, Done deferred first thing, Wait after the loop.
func fetchAll(ctx context.Context, keys []string) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			v, err := fetch(ctx, k)
			if err != nil {
				return
			}
			results.Store(k, v)
		}(k)
	}
	wg.Wait()
}

// Add for all of them before the loop.
func processAll(items []Item) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for _, it := range items {
		go func(it Item) {
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}

// Batches: Add in the inner loop, Wait once per batch.
func processBatches(items []Item, size int) {
	var wg sync.WaitGroup
	for start := 0; start < len(items); start += size {
		end := start + size
		if end > len(items) {
			end = len(items)
		}
		for _, it := range items[start:end] {
			wg.Add(1)
			go func(it Item) {
				defer wg.Done()
				process(it)
			}(it)
		}
		wg.Wait()
	}
}

// Waiting per iteration is a choice here.
func processMaybeSequential(items []Item, sequential bool) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			defer wg.Done()
			process(it)
		}(it)
		if sequential {
			wg.Wait()
		}
	}
	wg.Wait()
}

// A fresh WaitGroup per iteration.
func processGroups(groups [][]Item) {
	for _, group := range groups {
		var wg sync.WaitGroup
		for _, it := range group {
			wg.Add(1)
			go func(it Item) {
				defer wg.Done()
				process(it)
			}(it)
		}
		wg.Wait()
	}
}

// A Done that is not deferred, with no return before it.
func processPlain(items []Item) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it Item) {
			process(it)
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// The goroutine's own WaitGroup: Add inside it counts its own children.
func processNested(groups [][]Item) {
	var outer sync.WaitGroup
	for _, group := range groups {
		outer.Add(1)
		go func(group []Item) {
			defer outer.Done()
			var inner sync.WaitGroup
			for _, it := range group {
				inner.Add(1)
				go func(it Item) {
					defer inner.Done()
					process(it)
				}(it)
			}
			inner.Wait()
		}(group)
	}
	outer.Wait()
}

type Pool struct {
	wg   sync.WaitGroup
	jobs chan Item
}

// Workers started from a method, each counted before it starts.
func (p *Pool) Start(n int) {
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.work()
	}
}

func (p *Pool) work() {
	defer p.wg.Done()
	for it := range p.jobs {
		process(it)
	}
}

func (p *Pool) Stop() {
	close(p.jobs)
	p.wg.Wait()
}
