package profile_test

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// What CDNOW keeps (customer, day, units, amount) reads back equal, order by order.
func TestWriteCDNOWRoundTrip(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Customers: 200})
	if err != nil {
		t.Fatal(err)
	}
	orders := append(slices.Collect(shop.Orders()), shoptest.FixtureOrders()...)
	orders = append(orders, profile.Order{ID: "guest", Time: time.Now(), Lines: []profile.Line{{Quantity: 1, UnitPrice: 1}}})
	var buf bytes.Buffer
	if err := profile.WriteCDNOW(&buf, slices.Values(orders)); err != nil {
		t.Fatal(err)
	}
	type row struct {
		cust, day string
		units     int
		amount    float64
	}
	var want []row
	for _, o := range orders {
		if o.CustomerID == "" {
			continue
		}
		want = append(want, row{o.CustomerID, o.Time.UTC().Format("20060102"), o.Units(), o.Total()})
	}
	var got []row
	for o, err := range profile.ReadCDNOW(&buf) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, row{o.CustomerID, o.Time.Format("20060102"), o.Units(), o.Total()})
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows read back, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.cust != g.cust || w.day != g.day || w.units != g.units || math.Abs(w.amount-g.amount) > 1e-9*math.Max(1, math.Abs(w.amount)) {
			t.Fatalf("row %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestWriteCDNOWRefusesSpaceInID(t *testing.T) {
	o := profile.Order{ID: "o", CustomerID: "jane doe", Time: time.Now(), Lines: []profile.Line{{Quantity: 1, UnitPrice: 1}}}
	err := profile.WriteCDNOW(&bytes.Buffer{}, slices.Values([]profile.Order{o}))
	if !errors.Is(err, profile.ErrUnwritable) || bytes.Contains([]byte(err.Error()), []byte("jane")) {
		t.Fatalf("err = %v, want ErrUnwritable without the ID in the message", err)
	}
}
