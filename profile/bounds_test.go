package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The magnitudes every numeric input is probed with.
var (
	two53 = float64(1 << 53)
	two62 = float64(1 << 62)
)

// TestValidateBounds: every numeric field of Order, Line and Event, at NaN, the infinities,
// 1e308, 5e-324, 2^53, 2^62 and the bound itself: accepted up to textio.MaxMagnitude, otherwise
// an error naming the field (with the line index) and wrapping its sentinel; the Builder's
// error also names the order ID or the event's person.
func TestValidateBounds(t *testing.T) {
	prices := []struct {
		v    float64
		want error
	}{
		{math.NaN(), ErrNotFinite}, {math.Inf(1), ErrNotFinite}, {math.Inf(-1), ErrNotFinite},
		{1e308, ErrOutOfRange}, {two53, ErrOutOfRange}, {two62, ErrOutOfRange}, {1e15 * (1 + 1e-15), ErrOutOfRange},
		{-1e308, ErrNegative}, {-5e-324, ErrNegative},
		{5e-324, nil}, {1e15, nil}, {0, nil},
	}
	quantities := []struct {
		q    int
		want error
	}{
		{1 << 53, ErrOutOfRange}, {-(1 << 53), ErrOutOfRange}, {1 << 62, ErrOutOfRange}, {math.MaxInt, ErrOutOfRange},
		{math.MinInt, ErrOutOfRange}, {1e15 + 1, ErrOutOfRange}, {1e15, nil}, {-1e15, nil}, {-1, nil},
	}
	order := func(edit func(*Line)) Order {
		o := Order{ID: "ord-9", CustomerID: "c1", Time: day0(1), Lines: []Line{
			{ItemID: "i0", Quantity: 1, UnitPrice: 1},
			{ItemID: "i1", Quantity: 2, UnitPrice: 3, ListPrice: 4},
		}}
		edit(&o.Lines[1])
		return o
	}
	event := func(edit func(*Event)) Event {
		e := Event{CustomerID: "c1", Time: day0(1), Type: Purchase, Quantity: 1, Price: 2, ListPrice: 3}
		edit(&e)
		return e
	}
	check := func(t *testing.T, name string, err, want error, field, record string) {
		t.Helper()
		if want == nil {
			if err != nil {
				t.Errorf("%s: %v, want accepted", name, err)
			}
			return
		}
		var fe *FieldError
		if !errors.Is(err, want) || !errors.As(err, &fe) || fe.Field != field ||
			!strings.Contains(err.Error(), field) || !strings.Contains(err.Error(), record) {
			t.Errorf("%s: %v, want %v naming %s and %s", name, err, want, field, record)
		}
	}
	for _, p := range prices {
		for _, f := range []struct {
			name string
			set  func(*Line, float64)
		}{{"UnitPrice", func(l *Line, v float64) { l.UnitPrice = v }}, {"ListPrice", func(l *Line, v float64) { l.ListPrice = v }}} {
			o := order(func(l *Line) { f.set(l, p.v) })
			name := fmt.Sprintf("Lines[1].%s=%g", f.name, p.v)
			check(t, name, o.Validate(), p.want, "Lines[1]."+f.name, "")
			check(t, name+" (AddOrder)", newBuilder(t, Config{}).AddOrder(o), p.want, "Lines[1]."+f.name, `order "ord-9"`)
		}
		for _, f := range []struct {
			name string
			set  func(*Event, float64)
		}{{"Price", func(e *Event, v float64) { e.Price = v }}, {"ListPrice", func(e *Event, v float64) { e.ListPrice = v }}} {
			e := event(func(e *Event) { f.set(e, p.v) })
			name := fmt.Sprintf("Event.%s=%g", f.name, p.v)
			check(t, name, e.Validate(), p.want, f.name, "")
			check(t, name+" (AddEvent)", newBuilder(t, Config{}).AddEvent(e), p.want, f.name, `event of "c1" at 2025-01-02T00:00:00Z`)
		}
	}
	for _, q := range quantities {
		o := order(func(l *Line) { l.Quantity = q.q })
		check(t, fmt.Sprintf("Lines[1].Quantity=%d", q.q), o.Validate(), q.want, "Lines[1].Quantity", "")
		check(t, fmt.Sprintf("Lines[1].Quantity=%d (AddOrder)", q.q), newBuilder(t, Config{}).AddOrder(o), q.want, "Lines[1].Quantity", `order "ord-9"`)
		e := event(func(e *Event) { e.Quantity = q.q })
		check(t, fmt.Sprintf("Event.Quantity=%d", q.q), e.Validate(), q.want, "Quantity", "")
		view := event(func(e *Event) { e.Type, e.Quantity = View, q.q })
		check(t, fmt.Sprintf("view Event.Quantity=%d", q.q), view.Validate(), q.want, "Quantity", "")
	}
	// Times: zero is missing. What UnixNano cannot hold is a valid time for Validate, but not
	// one a Builder can store: AddOrder and AddEvent refuse it, at both ends.
	for _, c := range []struct {
		at            time.Time
		valid, stored error
	}{
		{time.Time{}, ErrMissing, ErrMissing},
		{time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), nil, ErrOutOfRange},
		{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), nil, ErrOutOfRange},
		{minTime, nil, nil}, {maxTime, nil, nil},
	} {
		o := order(func(*Line) {})
		o.Time = c.at
		check(t, "Order.Time="+c.at.String(), o.Validate(), c.valid, "Time", "")
		check(t, "Order.Time="+c.at.String()+" (AddOrder)", newBuilder(t, Config{}).AddOrder(o), c.stored, "Time", `order "ord-9"`)
		e := event(func(e *Event) { e.Time = c.at })
		check(t, "Event.Time="+c.at.String(), e.Validate(), c.valid, "Time", "")
		check(t, "Event.Time="+c.at.String()+" (AddEvent)", newBuilder(t, Config{}).AddEvent(e), c.stored, "Time", `event of "c1"`)
	}
}

// TestIssue13Overflow is the reported case: a unit price of 1e308 times quantity 3 gave
// Revenue +Inf (NaN when netted with a return) and an export json.Marshal refused. Now the
// order is rejected, naming the order, the line and the field, and the builder holds nothing.
func TestIssue13Overflow(t *testing.T) {
	b := newBuilder(t, Config{Now: day0(10)})
	buy := Order{ID: "o-big", CustomerID: "c1", Time: day0(1), Lines: []Line{{ItemID: "i", Quantity: 3, UnitPrice: 1e308}}}
	ret := Order{ID: "o-ret", CustomerID: "c1", Time: day0(2), Lines: []Line{{ItemID: "i", Quantity: -1, UnitPrice: 1e308}}}
	for _, o := range []Order{buy, ret} {
		err := b.AddOrder(o)
		if !errors.Is(err, ErrOutOfRange) || !strings.Contains(err.Error(), `order "`+o.ID+`"`) ||
			!strings.Contains(err.Error(), "Lines[0].UnitPrice") {
			t.Fatalf("AddOrder(%s) = %v, want ErrOutOfRange naming the order and Lines[0].UnitPrice", o.ID, err)
		}
	}
	if b.Profiles().Len() != 0 || b.Report().Invalid != 2 {
		t.Fatalf("rejected orders were kept: %+v", b.Report())
	}
}

// TestExtremesStayFinite: adversarial but accepted inputs (many orders at the bound, returns
// at the bound, the smallest positive price, quantities summing past an int64) give profiles,
// a report and an export whose every number is finite, and json.Marshal succeeds.
func TestExtremesStayFinite(t *testing.T) {
	const big = 1e15
	st := newStitcher(t, StitchConfig{})
	b := newBuilder(t, Config{Now: maxTime, Stitcher: st, BrandPrior: big, CatalogCategories: 1 << 62})
	n := 10000 // 10,000 x 1e15 units overflow an int64: the unit counts saturate
	for i := range n {
		o := Order{ID: fmt.Sprint("o", i), CustomerID: "whale", Time: minTime.Add(time.Duration(i) * time.Hour), Lines: []Line{
			{ItemID: "gold", Category: "c", Brand: "b", Quantity: big, UnitPrice: big, ListPrice: big},
			{ItemID: "dust", Category: "d", Brand: "b2", Quantity: 1, UnitPrice: 5e-324, ListPrice: big},
		}}
		if i%3 == 0 {
			o.Lines = append(o.Lines, Line{ItemID: "gold", Quantity: -big, UnitPrice: big})
		}
		if err := b.AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.AddOrder(Order{ID: "r", CustomerID: "whale", Time: maxTime, Lines: []Line{{ItemID: "never", Quantity: -big, UnitPrice: big}}}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddEvent(Event{CustomerID: "whale", AnonymousID: "a", Time: maxTime, Type: View, Price: big, ListPrice: big, Quantity: -big}); err != nil {
		t.Fatal(err)
	}
	ps := b.Profiles()
	p, ok := ps.Get("whale")
	if !ok {
		t.Fatal("no profile")
	}
	if p.Units != math.MaxInt || p.ReturnedUnits <= 0 || p.Orders != n {
		t.Errorf("units %d returned %d orders %d: want saturated units, positive returns, %d orders", p.Units, p.ReturnedUnits, p.Orders, n)
	}
	// 1678 to 2262 is more nanoseconds than an int64 holds: the recency is still right.
	wantTenure := float64(maxTime.Unix()-minTime.Unix()) / 86400
	if math.Abs(p.TenureDays-wantTenure) > 1e-9*wantTenure || p.RecencyDays < 0 {
		t.Errorf("tenure %v days, want %v; recency %v", p.TenureDays, wantTenure, p.RecencyDays)
	}
	assertFinite(t, "profile", reflect.ValueOf(p))
	assertFinite(t, "report", reflect.ValueOf(ps.Report()))
	ex, err := b.Export("whale", maxTime)
	if err != nil {
		t.Fatal(err)
	}
	assertFinite(t, "export", reflect.ValueOf(*ex))
	if _, err := json.Marshal(ex); err != nil {
		t.Fatalf("json.Marshal(Export) = %v", err)
	}
	for q := range ps.All() {
		if _, err := json.Marshal(q); err != nil {
			t.Fatalf("json.Marshal(profile %s) = %v", q.CustomerID, err)
		}
	}
	// Merged shards saturate the same way.
	s1, s2 := newBuilder(t, Config{Now: maxTime}), newBuilder(t, Config{Now: maxTime})
	for i := range n {
		o := Order{ID: fmt.Sprint("o", i), CustomerID: "whale", Time: day0(i % 300), Lines: []Line{{ItemID: "gold", Quantity: big, UnitPrice: big}}}
		if err := []*Builder{s1, s2}[i%2].AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s1.Merge(s2); err != nil {
		t.Fatal(err)
	}
	if m, _ := s1.Profiles().Get("whale"); m.Units != math.MaxInt || math.IsInf(m.Revenue, 0) {
		t.Errorf("merged: units %d revenue %v", m.Units, m.Revenue)
	}
}

// assertFinite walks v and fails on any NaN or infinite float.
func assertFinite(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			t.Errorf("%s = %v", path, f)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			assertFinite(t, path, v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			assertFinite(t, path+"."+v.Type().Field(i).Name, v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			assertFinite(t, fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			assertFinite(t, fmt.Sprintf("%s[%v]", path, k), v.MapIndex(k))
		}
	}
}
