package w

import (
	"context"
	"sync"
)

func a(ctx context.Context) {
	go
	for range {
	}
	var wg sync.WaitGroup
	for {
		go
		wg.Wait(
	}
	ctx2, := context.WithCancel(ctx)
	ch := make(chan)
	go func() { ch <- }()
	select { case <-ch: case }
	var c sync.Cond
	c.Wait(
	defer
	return <-
}

type S struct { ctx context.Context
