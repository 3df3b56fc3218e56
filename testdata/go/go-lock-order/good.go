package fixtures

import "sync"

// One order everywhere: Catalog.mu before Prices.mu, directly and through a call.
type Catalog struct {
	mu     sync.Mutex
	items  map[string]string
	prices *Prices
}

type Prices struct {
	mu     sync.Mutex
	byItem map[string]int
}

func (c *Catalog) Add(id, name string, price int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[id] = name
	c.prices.mu.Lock()
	c.prices.byItem[id] = price
	c.prices.mu.Unlock()
}

func (c *Catalog) Remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, id)
	c.prices.drop(id)
}

// Two instances of one class: ordering between a.mu and b.mu is not judged.
type Wallet struct {
	mu      sync.Mutex
	balance int
}

func (w *Wallet) Send(to *Wallet, amount int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	w.balance -= amount
	to.balance += amount
}

// refund runs Send the other way round: still one class, not an inversion between classes.
func refund(from, to *Wallet, amount int) {
	to.Send(from, amount)
}

// Restock takes Orders.mu under Inventory.mu; Cancel releases Orders.mu before taking Inventory.mu.
type Inventory struct {
	mu    sync.Mutex
	stock map[string]int
}

type Orders struct {
	mu      sync.Mutex
	pending map[string]int
}

func (inv *Inventory) Restock(o *Orders, sku string, n int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.stock[sku] += n
	o.mu.Lock()
	delete(o.pending, sku)
	o.mu.Unlock()
}

func (o *Orders) Cancel(inv *Inventory, sku string) {
	o.mu.Lock()
	n := o.pending[sku]
	delete(o.pending, sku)
	o.mu.Unlock()
	inv.give(sku, n)
}

// Local mutexes are new on every call: opposite orders in two functions never meet.
func mergeSorted(a, b []int) []int {
	var outMu, inMu sync.Mutex
	var out []int
	outMu.Lock()
	inMu.Lock()
	out = append(append(out, a...), b...)
	inMu.Unlock()
	outMu.Unlock()
	return out
}

func splitEven(xs []int) ([]int, []int) {
	var inMu, outMu sync.Mutex
	var even, odd []int
	inMu.Lock()
	outMu.Lock()
	for _, x := range xs {
		if x%2 == 0 {
			even = append(even, x)
		} else {
			odd = append(odd, x)
		}
	}
	outMu.Unlock()
	inMu.Unlock()
	return even, odd
}

// Publish starts copy as a goroutine, which runs without Feed.mu: Resync's order is the only one.
type Feed struct {
	mu     sync.Mutex
	last   string
	mirror *Mirror
}

type Mirror struct {
	mu   sync.Mutex
	msgs []string
	feed *Feed
}

func (f *Feed) Publish(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = msg
	go f.mirror.copy(msg)
	go func() {
		f.mirror.copy(msg + " (replay)")
	}()
}

func (m *Mirror) Resync() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs[:0], m.feed.Last())
}

// Each goroutine declares its own mutexes: same names, different locks.
func ownLocks(done chan<- bool) {
	go func() {
		var a, b sync.Mutex
		a.Lock()
		b.Lock()
		b.Unlock()
		a.Unlock()
		done <- true
	}()
	go func() {
		var a, b sync.Mutex
		b.Lock()
		a.Lock()
		a.Unlock()
		b.Unlock()
		done <- true
	}()
}

// Captured locals taken in one order by both goroutines.
func sameOrder(done chan<- bool) {
	var a, b sync.Mutex
	for i := 0; i < 2; i++ {
		go func() {
			a.Lock()
			b.Lock()
			b.Unlock()
			a.Unlock()
			done <- true
		}()
	}
}
