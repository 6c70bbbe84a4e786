package profile

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestConcurrentCrossCalls runs every method documented as safe for concurrent use at once
// (under -race in CI): two Stitchers merged into each other in both directions while observed,
// queried and forgotten; a Consents written, read and erased; builders on their own goroutines
// sharing both; Profiles snapshots read from many goroutines. It fails if anything deadlocks.
func TestConcurrentCrossCalls(t *testing.T) {
	a, b := newStitcher(t, StitchConfig{}), newStitcher(t, StitchConfig{})
	var cons Consents
	rounds := 300
	if testing.Short() {
		rounds = 60
	}
	var wg sync.WaitGroup
	run := func(f func(i int)) {
		wg.Go(func() {
			for i := range rounds {
				f(i)
			}
		})
	}
	run(func(i int) { a.Observe(day0(i%40), uid(fmt.Sprint("u", i%50)), anon(fmt.Sprint("x", i%70))) })
	run(func(i int) {
		b.ObserveEvent(Event{CustomerID: fmt.Sprint("u", i%30), AnonymousID: fmt.Sprint("x", i%20), Time: day0(40 - i%40), Type: View,
			Identities: []Identity{mail(fmt.Sprint("m", i%10))}})
	})
	run(func(int) { a.Merge(b) })
	run(func(int) { b.Merge(a) })
	run(func(i int) {
		_ = a.Canonical(anon(fmt.Sprint("x", i%70)))
		_ = b.Identities(fmt.Sprint("u", i%30))
		_ = a.Audit(fmt.Sprint("u", i%50))
		_ = b.Blocked(uid("null"))
		for range a.Customers() {
			break
		}
	})
	run(func(i int) {
		if i%10 == 0 {
			a.Forget(fmt.Sprint("u", i%50))
			b.Forget(fmt.Sprint("u", i%30))
		}
	})
	run(func(i int) {
		s := fmt.Sprint("u", i%50)
		_ = cons.Grant(s, PurposeAnalytics, day0(i%40))
		_ = cons.Withdraw(s, PurposeMarketing, day0(i%40))
		_ = cons.Record(ConsentRecord{Subject: "x1", Purpose: PurposeAnalytics, Granted: true, Time: day0(1)})
	})
	run(func(i int) {
		_ = cons.Allowed(fmt.Sprint("u", i%50), PurposeAnalytics, day0(20))
		_ = cons.Records(fmt.Sprint("u", i%50))
		if i%25 == 0 {
			cons.Forget(fmt.Sprint("u", i%50))
		}
	})
	// Builders are for one goroutine each, but share the Stitcher and the Consents.
	for w := range 2 {
		bl := newBuilder(t, Config{Now: day0(50), Stitcher: a, Consents: &cons})
		run(func(i int) {
			_ = bl.AddEvent(Event{CustomerID: fmt.Sprint("u", (i+w)%50), AnonymousID: fmt.Sprint("x", i%70), Time: day0(i % 40), Type: View})
			_ = bl.AddOrder(Order{ID: fmt.Sprint("o", w, i), CustomerID: fmt.Sprint("u", i%50), Time: day0(i % 40), Lines: []Line{{ItemID: "i", Quantity: 1, UnitPrice: 2}}})
			if i%20 == 0 {
				ps := bl.Profiles()
				var inner sync.WaitGroup
				for range 3 {
					inner.Go(func() {
						for p := range ps.All() {
							_, _ = ps.Get(p.CustomerID)
						}
						_, _ = ps.Len(), ps.Report()
					})
				}
				inner.Wait()
				bl.Forget(fmt.Sprint("u", i%50))
				_, _ = bl.Export(fmt.Sprint("u", (i+1)%50), day0(50))
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("concurrent calls did not finish in 2 minutes: deadlock")
	}
	checkStitchInvariants(t, a)
	checkStitchInvariants(t, b)
}
