package profile

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConsentRules(t *testing.T) {
	var c Consents
	if c.Allowed("c1", PurposeMarketing, day0(5)) {
		t.Error("no decision must mean no consent")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Grant("c1", PurposeMarketing, day0(1)))
	must(c.Withdraw("c1", PurposeMarketing, day0(10)))
	must(c.Grant("c1", PurposeAnalytics, day0(3)))
	cases := []struct {
		purpose Purpose
		at      int
		want    bool
	}{
		{PurposeMarketing, 0, false},  // before the grant
		{PurposeMarketing, 1, true},   // at the grant
		{PurposeMarketing, 9, true},   // between
		{PurposeMarketing, 10, false}, // withdrawn
		{PurposeAnalytics, 2, false},
		{PurposeAnalytics, 30, true},
		{PurposePersonalization, 30, false}, // purposes are separate
	}
	for _, k := range cases {
		if got := c.Allowed("c1", k.purpose, day0(k.at)); got != k.want {
			t.Errorf("Allowed(%s, day %d) = %v, want %v", k.purpose, k.at, got, k.want)
		}
	}
	// A grant and a withdrawal at the same instant: the withdrawal wins, in either order.
	must(c.Grant("c2", PurposeMarketing, day0(4)))
	must(c.Withdraw("c2", PurposeMarketing, day0(4)))
	must(c.Withdraw("c3", PurposeMarketing, day0(4)))
	must(c.Grant("c3", PurposeMarketing, day0(4)))
	if c.Allowed("c2", PurposeMarketing, day0(5)) || c.Allowed("c3", PurposeMarketing, day0(5)) {
		t.Error("a simultaneous withdrawal must win")
	}
	// Bad records.
	for _, r := range []ConsentRecord{{Purpose: PurposeMarketing, Time: day0(1)}, {Subject: "x", Time: day0(1)}, {Subject: "x", Purpose: PurposeMarketing}} {
		if err := c.Record(r); !errors.Is(err, ErrConsent) {
			t.Errorf("Record(%+v) = %v, want ErrConsent", r, err)
		}
	}
	if rep := c.Forget("c1"); !rep.Found || rep.Removed["consents"] != 3 || len(rep.Removed) != 1 || len(c.Records("c1")) != 0 {
		t.Errorf("Forget = %+v, want 3 consents", rep)
	}
	if rep := c.Forget("c1"); rep.Found || len(rep.Removed) != 0 || rep.Person != "c1" {
		t.Errorf("second Forget = %+v, want nothing found", rep)
	}
}

// stitchedShop: an anonymous visitor later logs in; consent is given on the cookie banner.
func stitchedShop() ([]Order, []Event) {
	orders := []Order{
		{ID: "o1", CustomerID: "u1", Time: day0(3), Channel: "email", Lines: []Line{{ItemID: "i1", Category: "books", Quantity: 1, UnitPrice: 10}}},
		{ID: "o2", CustomerID: "u2", Time: day0(4), Lines: []Line{{ItemID: "i2", Category: "toys", Quantity: 2, UnitPrice: 5}}},
	}
	events := []Event{
		{AnonymousID: "a1", Time: day0(1), Type: View, ItemID: "i1", Device: "mobile", Channel: "social"},
		{AnonymousID: "a1", Time: day0(2), Type: AddToCart, ItemID: "i1", Device: "mobile",
			Identities: []Identity{{IDEmailHash, "h1"}}},
		{CustomerID: "u1", AnonymousID: "a1", Time: day0(3), Type: Checkout, Device: "mobile"},
		{CustomerID: "u2", Time: day0(4), Type: View, Device: "desktop"},
	}
	return orders, events
}

func TestBuilderWithStitchingConsentForgetExport(t *testing.T) {
	orders, events := stitchedShop()
	st := newStitcher(t, StitchConfig{})
	var cons Consents
	if err := cons.Grant("a1", PurposeAnalytics, day0(1)); err != nil { // recorded under the cookie
		t.Fatal(err)
	}
	b := newBuilder(t, Config{Now: day0(10), Stitcher: st, Consents: &cons})
	for _, e := range events {
		if err := b.AddEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range orders {
		if err := b.AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	ps := b.Profiles()
	// u2 never consented: left out and counted. u1 is stitched with its cookie and e-mail.
	if ps.Len() != 1 || ps.Report().NoConsent != 1 {
		t.Fatalf("profiles %d, no-consent %d; want 1 and 1", ps.Len(), ps.Report().NoConsent)
	}
	p, ok := ps.Get("u1")
	if !ok {
		t.Fatal("u1 missing")
	}
	wantIDs := []Identity{{IDAnonymous, "a1"}, {IDEmailHash, "h1"}, {IDUser, "u1"}}
	if diff := cmp.Diff(wantIDs, p.Identities); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	// Anonymous browsing counts for the customer: 3 events on mobile, first seen on social.
	if p.Events[View] != 1 || p.Events[AddToCart] != 1 || p.Events[Checkout] != 1 || p.Devices["mobile"] != 3 ||
		p.Channels["social"] != 1 || p.Channels["email"] != 1 || p.Revenue != 10 || p.Orders != 1 {
		t.Errorf("stitched profile = %+v", p)
	}

	ex, err := b.Export("u1", day0(11))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]any
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"customer_id", "exported_at", "identities", "profile", "orders", "consents", "stitching"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("export lacks %q: %s", k, raw)
		}
	}
	if len(ex.Orders) != 1 || ex.Orders[0].ID != "o1" || len(ex.Consents) != 1 || len(ex.Stitching) == 0 || ex.Profile == nil {
		t.Errorf("export = %s", raw)
	}

	// Forget erases the customer, its stitched identities and its consent decisions.
	rep := b.Forget("u1")
	if rep.Removed["accumulators"] != 2 || rep.Removed["consents"] != 1 || rep.Removed["identities"] != 3 || !rep.Found { // accumulators of u1 and a1
		t.Errorf("forget report = %+v", rep)
	}
	if _, err := b.Export("u1", day0(11)); !errors.Is(err, ErrUnknownCustomer) {
		t.Errorf("export after forget: %v", err)
	}
	for _, id := range wantIDs {
		if got := st.Canonical(id); got != CanonicalID(id) {
			t.Errorf("%v still stitched to %s", id, got)
		}
	}
	if b.Profiles().Len() != 0 { // u2 has no consent; u1 is gone
		t.Error("profiles left after forget")
	}
	if ps2 := b.snapshot(false); ps2.Len() != 1 {
		t.Errorf("without the consent check only u2 should be left, got %d", ps2.Len())
	}
}

// TestMergeEqualsSingleBuild: shards built separately and merged give bit-identical profiles
// to one builder fed everything, whatever the order of the records.
func TestMergeEqualsSingleBuild(t *testing.T) {
	orders := syntheticOrders(rand.New(rand.NewPCG(7, 7)), 400, 60)
	one := newBuilder(t, Config{})
	for _, o := range orders {
		if err := one.AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	want := slices.Collect(one.Profiles().All())
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 5; trial++ {
		sh := slices.Clone(orders)
		r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
		shards := []*Builder{newBuilder(t, Config{}), newBuilder(t, Config{}), newBuilder(t, Config{})}
		for i, o := range sh {
			if err := shards[i%3].AddOrder(o); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range shards[1:] {
			if err := shards[0].Merge(s); err != nil {
				t.Fatal(err)
			}
		}
		got := slices.Collect(shards[0].Profiles().All())
		// Sums of floats can differ in the last bits when added in another order; everything
		// else must be identical.
		if diff := cmp.Diff(want, got, cmpFloats); diff != "" {
			t.Fatalf("trial %d: merged shards differ (-single +merged):\n%s", trial, diff)
		}
	}
	if err := one.Merge(one); !errors.Is(err, ErrSelfMerge) {
		t.Errorf("self merge: %v", err)
	}
}

var cmpFloats = cmp.Comparer(func(a, b float64) bool {
	return a == b || (a-b) <= 1e-9*max(1, a, -a) && (b-a) <= 1e-9*max(1, a, -a)
})

// syntheticOrders draws orders with returns, discounts, brands and categories.
func syntheticOrders(r *rand.Rand, n, customers int) []Order {
	cats := []string{"apparel", "grocery", "books", ""}
	brands := []string{"acme", "bolt", "core", ""}
	var out []Order
	for i := 0; i < n; i++ {
		o := Order{ID: "o" + itoa(i), CustomerID: "c" + itoa(r.IntN(customers)), Time: day0(r.IntN(300)),
			Channel: []string{"search", "email", ""}[r.IntN(3)], Device: []string{"mobile", "desktop"}[r.IntN(2)]}
		for k := 0; k < 1+r.IntN(4); k++ {
			list := float64(5 + r.IntN(50))
			price := list * (1 - 0.1*float64(r.IntN(4)))
			q := 1 + r.IntN(3)
			if r.IntN(10) == 0 {
				q = -q
			}
			o.Lines = append(o.Lines, Line{ItemID: "i" + itoa(r.IntN(40)), Category: cats[r.IntN(len(cats))],
				Brand: brands[r.IntN(len(brands))], Quantity: q, UnitPrice: price, ListPrice: list})
		}
		out = append(out, o)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
