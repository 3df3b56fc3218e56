package fixtures

import "sync"

type Writer struct {
	mu  sync.Mutex
	buf []byte
}

// flushLocked writes out the buffer. REQUIRES: w.mu held.
func (w *Writer) flushLocked() {
	w.buf = w.buf[:0]
}

// writeLocked appends and flushes when full. REQUIRES: w.mu held.
func (w *Writer) writeLocked(p []byte) {
	w.buf = append(w.buf, p...)
	if len(w.buf) > 4096 {
		w.flushLocked() // a helper that requires the lock, called from one that requires it too
	}
}

func (w *Writer) Write(p []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeLocked(p)
}

// Never touches w.mu: its callers hold it, so the requirement is theirs.
func (w *Writer) reset() {
	w.flushLocked()
}

func (w *Writer) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reset()
}

// Two mutexes: the suffix does not say which, so nothing is inferred.
type Conn struct {
	readMu  sync.Mutex
	writeMu sync.Mutex
	pending int
}

func (c *Conn) pendingLocked() int { return c.pending }

func (c *Conn) Pending() int {
	c.readMu.Lock()
	n := c.pending
	c.readMu.Unlock()
	return n + c.pendingLocked()
}

// Named ...Locked for another lock (the database's), and takes its own lock itself.
type DB struct{ mu sync.Mutex }

type driverConn struct {
	sync.Mutex
	closed bool
}

func (dc *driverConn) closeDBLocked() {
	dc.Lock()
	defer dc.Unlock()
	dc.closed = true
}

func (dc *driverConn) Close() {
	dc.Lock()
	closed := dc.closed
	dc.Unlock()
	if !closed {
		dc.closeDBLocked()
	}
}

// Doc text that names no lock is no requirement.
type Parser struct {
	mu  sync.Mutex
	buf []byte
}

// parseBuf requires that held bytes be valid; REQUIRES: buf held in memory.
func (p *Parser) parseBuf() int { return len(p.buf) }

func (p *Parser) Parse() int {
	p.mu.Lock()
	p.buf = append(p.buf, 0)
	p.mu.Unlock()
	return p.parseBuf()
}
