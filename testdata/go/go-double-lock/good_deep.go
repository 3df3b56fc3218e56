package fixtures

import "sync"

var deepFreeMu sync.Mutex
var deepFreeCount int

// The same chain as bad_deep.go, reached the same way, but the holder lets go of the lock
// before it calls.
func deepFreeStart() { deepFreeHop1() }

func deepFreeHop1() { deepFreeHop2() }

func deepFreeHop2() { deepFreeHop3() }

func deepFreeHop3() { deepFreeHop4() }

func deepFreeHop4() { deepFreeHop5() }

func deepFreeHop5() { deepFreeHop6() }

func deepFreeHop6() { deepFreeHop7() }

func deepFreeHop7() { deepFreeLocker() }

func deepFreeLocker() { deepFreeLock() }

func deepFreeLock() {
	deepFreeMu.Lock()
	deepFreeCount++
	deepFreeMu.Unlock()
}

func deepFreeHolder() {
	deepFreeMu.Lock()
	pending := deepFreeCount
	deepFreeMu.Unlock()
	if pending > 0 {
		deepFreeLocker()
	}
}
