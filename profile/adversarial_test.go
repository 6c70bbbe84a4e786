//go:build !race

package profile

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// These tests bound the time of long computations on adversarial data. The bounds are 10x and
// more above what the code takes on a loaded 2-core machine; the quadratic code they replaced
// took minutes. (Not under -race, which multiplies the times; not in -short.)

// TestBuilderManyDistinctKeys: one customer with 50,000 distinct items, categories, brands,
// channels, devices and event types. Before, every line scanned all of them (this took 24 s);
// now each costs a map lookup. Bound: 10 s.
func TestBuilderManyDistinctKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("adversarial timing test")
	}
	const n = 50_000
	start := time.Now()
	b := newBuilder(t, Config{TopBrands: -1})
	for i := range n {
		s := strconv.Itoa(i)
		if err := b.AddOrder(Order{ID: s, CustomerID: "c", Time: day0(i % 300), Channel: s, Device: s,
			Lines: []Line{{ItemID: s, Category: s, Brand: s, Quantity: 1, UnitPrice: 1}}}); err != nil {
			t.Fatal(err)
		}
		if err := b.AddEvent(Event{CustomerID: "c", Time: day0(i % 300), Type: EventType(s)}); err != nil {
			t.Fatal(err)
		}
	}
	p, _ := b.Profiles().Get("c")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v, bound 10 s", took)
	}
	if p.Categories != n || len(p.Brands) != n || len(p.Channels) != n || len(p.Events) != n || p.Orders != n {
		t.Errorf("categories %d brands %d channels %d events %d orders %d, want %d each", p.Categories, len(p.Brands), len(p.Channels), len(p.Events), p.Orders, n)
	}
}

// TestStitcherHub: 30,000 cookies seen with one user ID (a shared kiosk, a bot), then one
// late observation, a build and a Forget of that user. Before, every join re-sorted and
// re-counted the customer's identities (30,000 joins took 96 s). Bound: 10 s for all of it.
func TestStitcherHub(t *testing.T) {
	if testing.Short() {
		t.Skip("adversarial timing test")
	}
	const n = 30_000
	start := time.Now()
	s := newStitcher(t, StitchConfig{})
	for i := range n {
		s.Observe(day0(1).Add(time.Duration(i)*time.Second), uid("kiosk"), anon("a"+strconv.Itoa(i)))
	}
	s.Observe(day0(0), anon("a5"), dev("d"))
	if got := len(s.Identities("kiosk")); got != n+2 {
		t.Fatalf("%d identities, want %d", got, n+2)
	}
	b := newBuilder(t, Config{Stitcher: s})
	if err := b.AddOrder(Order{ID: "o", CustomerID: "kiosk", Time: day0(2), Lines: []Line{{Quantity: 1, UnitPrice: 1}}}); err != nil {
		t.Fatal(err)
	}
	if b.Profiles().Len() != 1 {
		t.Fatal("the hub is not one customer")
	}
	if got := s.Forget("kiosk").Removed["identities"]; got != n+2 {
		t.Fatalf("forgot %d identities, want %d", got, n+2)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v, bound 10 s", took)
	}
}

// TestBuildHonoursContext: Build over an endless stream returns within 100 ms of the
// context's end.
func TestBuildHonoursContext(t *testing.T) {
	endless := func(yield func(Order) bool) {
		for i := 0; ; i++ {
			if !yield(Order{ID: strconv.Itoa(i), CustomerID: strconv.Itoa(i % 1000), Time: day0(i % 300),
				Lines: []Line{{ItemID: "i", Quantity: 1, UnitPrice: 1}}}) {
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Build(ctx, endless, nil, Config{})
	if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || took > 150*time.Millisecond {
		t.Errorf("Build returned %v after %v, want the deadline error within 100 ms of 50 ms", err, took)
	}
}
