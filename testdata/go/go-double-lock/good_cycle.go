package fixtures

import "sync"

var cycleFreeMu sync.Mutex
var cycleFreeDeep bool

// The same cycle as bad_cycle.go, entered the same way, but the caller lets go of the lock
// before it visits.
func cycleFreeWatch() { cycleFreeStep() }

func cycleFreeFlush() {
	cycleFreeMu.Lock()
	pending := cycleFreeDeep
	cycleFreeMu.Unlock()
	if pending {
		cycleFreeVisit()
	}
}

func cycleFreeVisit() { cycleFreeStep() }

func cycleFreeStep() {
	if cycleFreeDeep {
		cycleFreeVisit()
	}
	cycleFreeMu.Lock()
	cycleFreeMu.Unlock()
}
