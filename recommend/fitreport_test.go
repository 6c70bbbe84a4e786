package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFitReport: a hand-made input with each way to weigh 0. Under the default kind weights
// (which list "purchase" and "view" but not "Purchase" or "impression"): 2 purchases and 1
// view are used; "Purchase" (mis-cased) and "impression" are unknown; a custom kind table with
// "wishlist": 0 makes that kind a zero weight; a record with neither kind nor weight is a zero
// weight of kind "".
func TestFitReport(t *testing.T) {
	kinds := DefaultKindWeights()
	kinds["wishlist"] = 0
	data := []Interaction{
		{User: "a", Item: "x", Kind: "purchase"},
		{User: "a", Item: "y", Kind: "Purchase"},
		{User: "b", Item: "x", Kind: "purchase"},
		{User: "b", Item: "y", Kind: "view"},
		{User: "b", Item: "z", Kind: "impression"},
		{User: "c", Item: "z", Kind: "impression"},
		{User: "c", Item: "x", Kind: "wishlist"},
		{User: "c", Item: "y"},
		{User: "c", Item: "y", Kind: "Purchase", Weight: 2}, // an explicit weight wins over the kind
	}
	m, rep, err := FitWithReport(context.Background(), func(yield func(Interaction) bool) {
		for _, in := range data {
			if !yield(in) {
				return
			}
		}
	}, Config{KindWeights: kinds})
	if err != nil {
		t.Fatal(err)
	}
	want := FitReport{Read: 9, Used: 4, UnknownKinds: map[string]int{"Purchase": 1, "impression": 2}, ZeroWeight: map[string]int{"wishlist": 1, "": 1}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if rep.Ignored() != 5 {
		t.Errorf("Ignored() = %d, want 5", rep.Ignored())
	}
	if m.ItemUsers("z") != 0 || m.ItemUsers("x") != 2 {
		t.Errorf("z has %d users (want 0), x %d (want 2)", m.ItemUsers("z"), m.ItemUsers("x"))
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if w := `{"read":9,"used":4,"unknown_kinds":{"Purchase":1,"impression":2},"zero_weight":{"":1,"wishlist":1}}`; string(b) != w {
		t.Errorf("json %s, want %s", b, w)
	}
	var back FitReport
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(back, rep) {
		t.Errorf("round trip %+v, %v", back, err)
	}

	// Every kind mis-cased: ErrEmpty, and the report says why.
	_, rep, err = FitWithReport(context.Background(), func(yield func(Interaction) bool) {
		yield(Interaction{User: "a", Item: "x", Kind: "Purchase"})
	}, Config{})
	if !errors.Is(err, ErrEmpty) || rep.Read != 1 || rep.UnknownKinds["Purchase"] != 1 {
		t.Errorf("all unknown: %v, %+v", err, rep)
	}
	if b, _ := json.Marshal(FitReport{Read: 2, Used: 2}); string(b) != `{"read":2,"used":2}` {
		t.Errorf("clean report json %s", b)
	}
}

// TestByQuantity: with ByQuantity a purchase of 3 units weighs 3 * 5 = 15, a return of -2 units
// -5 * 2 = -10 (the sign comes from the kind), a view without quantity 1, an explicit Weight 2
// of quantity 4 weighs 8. Without it quantities are ignored.
func TestByQuantity(t *testing.T) {
	data := []Interaction{
		{User: "u", Item: "a", Kind: "purchase", Quantity: 3},
		{User: "u", Item: "a", Kind: "return", Quantity: -2},
		{User: "u", Item: "b", Kind: "view"},
		{User: "u", Item: "c", Weight: 2, Quantity: 4},
	}
	ctx := context.Background()
	m, err := FitSlice(ctx, data, Config{ByQuantity: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []Scored{{"a", 15 - 10}, {"b", 1}, {"c", 8}}
	if diff := cmp.Diff(want, m.History("u")); diff != "" {
		t.Errorf("ByQuantity history (-want +got):\n%s", diff)
	}
	plain, err := FitSlice(ctx, data, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Scored{{"a", 0}, {"b", 1}, {"c", 2}}, plain.History("u")); diff != "" {
		t.Errorf("default history (-want +got):\n%s", diff)
	}
	// Add and a saved-and-loaded model weigh by quantity too.
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	l, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Config().ByQuantity {
		t.Fatal("Load lost ByQuantity")
	}
	for _, mm := range []*Model{m, l} {
		if err := mm.AddSlice([]Interaction{{User: "u", Item: "b", Kind: "add_to_cart", Quantity: 2}}); err != nil {
			t.Fatal(err)
		}
		if h := mm.History("u"); h[1].Item != "b" || h[1].Score != 1+3*2 {
			t.Errorf("after Add: %v, want b = 7", h)
		}
	}
	// A model by quantity and one without do not merge (their weights differ).
	if err := m.Merge(ctx, plain); err == nil {
		t.Error("merged a ByQuantity model with a plain one")
	}
	// Bad quantities are errors naming the record and field.
	for _, q := range []float64{math.NaN(), math.Inf(1), 2e15} {
		_, err := FitSlice(ctx, []Interaction{{User: "u", Item: "a", Kind: "purchase", Quantity: q}}, Config{ByQuantity: true})
		if !errors.Is(err, ErrInteraction) {
			t.Errorf("Quantity %v: %v, want ErrInteraction", q, err)
		}
	}
	// 1e15 units of a purchase (weight 5) pass the bound on their own but not as a product.
	if _, err := FitSlice(ctx, []Interaction{{User: "u", Item: "a", Kind: "purchase", Quantity: 1e15}}, Config{ByQuantity: true}); !errors.Is(err, ErrInteraction) {
		t.Errorf("product above the bound: %v", err)
	}
}
