package fixtures

import "sync"

var deepMu sync.Mutex

// Declared first, and reaches deepLocker eight calls down, where the lock walk once stopped
// following calls and kept what it had: deepLocker's summary must be the same whoever reaches
// it first, so deepHolder, two calls from the second Lock, sees it.
func deepStart() { deepHop1() }

func deepHop1() { deepHop2() }

func deepHop2() { deepHop3() }

func deepHop3() { deepHop4() }

func deepHop4() { deepHop5() }

func deepHop5() { deepHop6() }

func deepHop6() { deepHop7() }

func deepHop7() { deepLocker() }

func deepLocker() { deepLock() }

func deepLock() {
	deepMu.Lock() // want "go-double-lock" "deepMu is locked in deepLock while its caller deepHolder already holds it .deepHolder -> deepLocker -> deepLock."
	deepMu.Unlock()
}

func deepHolder() {
	deepMu.Lock()
	defer deepMu.Unlock()
	deepLocker()
}
