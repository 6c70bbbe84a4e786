package profile_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

var vocabTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// TestEventValidate is the table of bad events: each names its field and wraps its sentinel.
func TestEventValidate(t *testing.T) {
	good := profile.Event{CustomerID: "c1", Time: vocabTime, Type: profile.View, ItemID: "i1", Price: 10}
	for _, tc := range []struct {
		name  string
		edit  func(*profile.Event)
		field string
		cause error
	}{
		{"valid", func(*profile.Event) {}, "", nil},
		{"anonymous only is fine", func(e *profile.Event) { e.CustomerID, e.AnonymousID = "", "a1" }, "", nil},
		{"unknown type is kept", func(e *profile.Event) { e.Type = "wishlist" }, "", nil},
		{"no person", func(e *profile.Event) { e.CustomerID = "" }, "CustomerID", profile.ErrMissing},
		{"zero time", func(e *profile.Event) { e.Time = time.Time{} }, "Time", profile.ErrMissing},
		{"no type", func(e *profile.Event) { e.Type = "" }, "Type", profile.ErrMissing},
		{"NaN price", func(e *profile.Event) { e.Price = math.NaN() }, "Price", profile.ErrNotFinite},
		{"infinite list price", func(e *profile.Event) { e.ListPrice = math.Inf(1) }, "ListPrice", profile.ErrNotFinite},
		{"negative price", func(e *profile.Event) { e.Price = -1 }, "Price", profile.ErrNegative},
		{"purchase without quantity", func(e *profile.Event) { e.Type = profile.Purchase }, "Quantity", profile.ErrZeroQuantity},
		{"identity without type", func(e *profile.Event) { e.Identities = []profile.Identity{{Value: "x"}} }, "Identities[0].Type", profile.ErrMissing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := good
			tc.edit(&e)
			checkFieldError(t, e.Validate(), tc.field, tc.cause)
		})
	}
}

func TestOrderValidate(t *testing.T) {
	good := profile.Order{ID: "o1", CustomerID: "c1", Time: vocabTime, Lines: []profile.Line{{ItemID: "i1", Quantity: 2, UnitPrice: 5}}}
	for _, tc := range []struct {
		name  string
		edit  func(*profile.Order)
		field string
		cause error
	}{
		{"valid", func(*profile.Order) {}, "", nil},
		{"guest order", func(o *profile.Order) { o.CustomerID = "" }, "", nil},
		{"return line", func(o *profile.Order) { o.Lines[0].Quantity = -1 }, "", nil},
		{"no ID", func(o *profile.Order) { o.ID = "" }, "ID", profile.ErrMissing},
		{"zero time", func(o *profile.Order) { o.Time = time.Time{} }, "Time", profile.ErrMissing},
		{"no lines", func(o *profile.Order) { o.Lines = nil }, "Lines", profile.ErrMissing},
		{"zero quantity", func(o *profile.Order) { o.Lines[0].Quantity = 0 }, "Lines[0].Quantity", profile.ErrZeroQuantity},
		{"NaN price", func(o *profile.Order) { o.Lines[0].UnitPrice = math.NaN() }, "Lines[0].UnitPrice", profile.ErrNotFinite},
		{"negative list price", func(o *profile.Order) { o.Lines[0].ListPrice = -3 }, "Lines[0].ListPrice", profile.ErrNegative},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			o.Lines = append([]profile.Line(nil), good.Lines...)
			tc.edit(&o)
			checkFieldError(t, o.Validate(), tc.field, tc.cause)
		})
	}
}

func checkFieldError(t *testing.T, err error, field string, cause error) {
	t.Helper()
	if cause == nil {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var fe *profile.FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, cause) {
		t.Fatalf("error %v, want field %q cause %v", err, field, cause)
	}
	if !strings.Contains(err.Error(), field) {
		t.Fatalf("message %q does not name the field", err)
	}
}

func TestValidateAllocatesNothing(t *testing.T) {
	o := profile.Order{ID: "o1", CustomerID: "c1", Time: vocabTime, Lines: []profile.Line{{ItemID: "i1", Quantity: 2, UnitPrice: 5}, {ItemID: "i2", Quantity: 1, UnitPrice: 3, ListPrice: 4}}}
	e := profile.Event{CustomerID: "c1", Time: vocabTime, Type: profile.Purchase, Quantity: 1, Price: 2}
	if n := testing.AllocsPerRun(100, func() { _ = o.Validate(); _ = e.Validate() }); n != 0 {
		t.Fatalf("Validate of valid records allocates %v times", n)
	}
}

func TestOrderArithmetic(t *testing.T) {
	// 2 x 5.00 at list 8.00, plus a returned unit at 3.00: total 10 - 3 = 7, units 2 - 1 = 1.
	o := profile.Order{Lines: []profile.Line{{Quantity: 2, UnitPrice: 5, ListPrice: 8}, {Quantity: -1, UnitPrice: 3}}}
	if o.Total() != 7 || o.Units() != 1 || o.IsReturn() {
		t.Fatalf("total %v units %d return %v", o.Total(), o.Units(), o.IsReturn())
	}
	if d := o.Lines[0].Discount(); d != 0.375 { // 1 - 5/8
		t.Fatalf("discount %v, want 0.375", d)
	}
	if d := o.Lines[1].Discount(); d != 0 {
		t.Fatalf("discount without list price = %v, want 0", d)
	}
	r := profile.Order{Lines: []profile.Line{{Quantity: -1}, {Quantity: -2}}}
	if !r.IsReturn() || (&profile.Order{}).IsReturn() {
		t.Fatal("IsReturn wrong")
	}
	e := profile.Event{AnonymousID: "a", Price: 4, ListPrice: 5}
	if e.Person() != "a" || !e.Discounted() {
		t.Fatal("Person/Discounted wrong")
	}
	if profile.EventType("wishlist").Known() || !profile.AddToCart.Known() {
		t.Fatal("Known wrong")
	}
}

func ExampleOrder_Validate() {
	o := profile.Order{ID: "1001", CustomerID: "c7", Time: vocabTime, Lines: []profile.Line{
		{ItemID: "sku-1", Quantity: 2, UnitPrice: 9.5, ListPrice: 12},
		{ItemID: "sku-2", Quantity: 0, UnitPrice: 3},
	}}
	err := o.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, profile.ErrZeroQuantity))
	// Output:
	// field "Lines[1].Quantity" = "0": zero quantity
	// true
}

func ExampleReadCDNOW() {
	in := " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00018 0003 19970101  x   11.77\n"
	for o, err := range profile.ReadCDNOW(strings.NewReader(in)) {
		if err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		fmt.Printf("%s customer %s spent %.2f on %d CDs\n", o.ID, o.CustomerID, o.Total(), o.Units())
	}
	// Output:
	// 1-19970101-1 customer 1 spent 29.33 on 2 CDs
	// 1-19970118-1 customer 1 spent 29.73 on 2 CDs
	// skipped: line 3: field "quantity" = "x": not an integer
}

func ExampleReadOnlineRetail() {
	in := `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom
`
	for o, err := range profile.ReadOnlineRetail(strings.NewReader(in)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s by %s: %d lines, %.2f, return=%v\n", o.ID, o.CustomerID, len(o.Lines), o.Total(), o.IsReturn())
	}
	// Output:
	// 536365 by 17850: 2 lines, 35.64, return=false
	// C536379 by 14527: 1 lines, -27.50, return=true
}

// TestMainCategoryTie: the main category is the one with the largest gross spend, ties by name.
// 0.1 + 0.2 in "b" and 0.3 in "a" are a tie (in floating point the first sum is
// 0.30000000000000004), so "a" is the main category and its window applies.
func TestMainCategoryTie(t *testing.T) {
	at := func(d int) time.Time { return vocabTime.AddDate(0, 0, d) }
	line := func(cat string, price float64) []profile.Line {
		return []profile.Line{{ItemID: "i-" + cat, Category: cat, Quantity: 1, UnitPrice: price}}
	}
	orders := []profile.Order{
		{ID: "1", CustomerID: "c", Time: at(0), Lines: line("b", 0.1)},
		{ID: "2", CustomerID: "c", Time: at(1), Lines: line("b", 0.2)},
		{ID: "3", CustomerID: "c", Time: at(2), Lines: line("a", 0.3)},
	}
	ps, err := profile.Build(context.Background(), slices.Values(orders), nil, profile.Config{
		Now:     at(3),
		Windows: map[string]time.Duration{"a": 5 * 24 * time.Hour, "b": 50 * 24 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ps.Get("c")
	if p.WindowDays != 5 {
		t.Fatalf("window %v days, want 5 (category \"a\" wins the tie by name)", p.WindowDays)
	}
}
