package fixtures

import "sync"

var cycleMu sync.Mutex
var cycleDeep bool

// Declared first, and enters the visit/step cycle at step: which function of a cycle the lock
// walk reaches first must not decide what cycleFlush learns about cycleVisit.
func cycleWatch() { cycleStep() }

// Holds cycleMu across cycleVisit, which reaches cycleStep's Lock.
func cycleFlush() {
	cycleMu.Lock()
	cycleVisit()
	cycleMu.Unlock()
}

func cycleVisit() { cycleStep() }

func cycleStep() {
	if cycleDeep {
		cycleVisit()
	}
	cycleMu.Lock() // want "go-double-lock" "cycleMu is locked in cycleStep while its caller cycleFlush already holds it .cycleFlush -> cycleVisit -> cycleStep."
	cycleMu.Unlock()
}
