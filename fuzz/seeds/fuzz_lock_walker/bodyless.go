package p

import "sync"

var mu sync.Mutex

func asm() int

func f() { mu.Lock(); defer mu.Unlock(); asm() }
