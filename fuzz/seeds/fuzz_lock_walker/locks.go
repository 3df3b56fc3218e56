package p

import "sync"

type T struct {
	mu sync.Mutex
	s  *S
}

func (t *T) a() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := 0; i < 3; i++ {
		if i == 1 {
			continue
		}
		switch i {
		case 2:
			t.s.helper()
		default:
			func() { t.mu.Lock() }()
		}
	}
	select {
	case <-make(chan int):
		go func() { t.mu.Lock() }()
	default:
	}
	t.s.locked()
	t.s.Unlock()
}
