package metrics

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// manyEvents yields n views of 100 people, one second apart.
func manyEvents(n int) func(func(profile.Event) bool) {
	return func(yield func(profile.Event) bool) {
		for i := range n {
			e := profile.Event{CustomerID: string(rune('A' + i%100)), Time: day0.Add(time.Duration(i) * time.Second), Type: profile.View}
			if !yield(e) {
				return
			}
		}
	}
}

// TestAddAllProgressAndCancel: Progress is called every 65536 records with total 0 (the
// module's convention for a stream of unknown length, as in package profile), and a cancelled
// context stops every AddAll with its error.
func TestAddAllProgressAndCancel(t *testing.T) {
	var calls []int
	prog := func(done, total int) {
		if total != 0 {
			t.Errorf("progress total %d, want 0 (unknown length)", total)
		}
		calls = append(calls, done)
	}
	a := newAcc(t, Config{Progress: prog})
	if err := a.AddAll(context.Background(), manyEvents(140000)); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0] != 65536 || calls[1] != 131072 || a.Events() != 140000 {
		t.Fatalf("progress calls %v, events %d", calls, a.Events())
	}
	f, _ := NewFunnel(FunnelConfig{Steps: shopFunnel, Progress: prog})
	calls = nil
	f.AddAll(context.Background(), manyEvents(70000))
	if len(calls) != 1 || calls[0] != 65536 {
		t.Fatalf("funnel progress calls %v", calls)
	}
	orders := func(yield func(profile.Order) bool) {
		for i := range 70000 {
			o := profile.Order{ID: "o" + strconv.Itoa(i), CustomerID: "c", Time: day0.Add(time.Duration(i) * time.Minute),
				Lines: []profile.Line{{ItemID: "i", Quantity: 1, UnitPrice: 1}}}
			if !yield(o) {
				return
			}
		}
	}
	calls = nil
	ords := NewOrders(OrdersConfig{Progress: prog})
	if err := ords.AddAll(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || calls[0] != 65536 || ords.Invalid() != 0 {
		t.Fatalf("orders progress calls %v, invalid %d", calls, ords.Invalid())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := newAcc(t, Config{}).AddAll(ctx, manyEvents(10)); !errors.Is(err, context.Canceled) {
		t.Errorf("accumulator: %v", err)
	}
	if err := f.AddAll(ctx, manyEvents(10)); !errors.Is(err, context.Canceled) {
		t.Errorf("funnel: %v", err)
	}
	if err := NewOrders(OrdersConfig{}).AddAll(ctx, func(func(profile.Order) bool) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("orders: %v", err)
	}
}
