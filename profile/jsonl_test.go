package profile_test

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

func collectJSONL[T any](t *testing.T, seq func(func(T, error) bool)) ([]T, []error) {
	t.Helper()
	var good []T
	var bad []error
	seq(func(v T, err error) bool {
		if err != nil {
			bad = append(bad, err)
		} else {
			good = append(good, v)
		}
		return true
	})
	return good, bad
}

// Every field of Order, Line and Event survives a write and a read, including awkward floats,
// text that looks like a spreadsheet formula, quotes, newlines and non-ASCII.
func TestJSONLRoundTripEveryField(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 891011121, time.UTC)
	orders := []profile.Order{{
		ID: "o-1", CustomerID: "c \"q\" ü", Time: at, Channel: "=HYPERLINK(1)", Device: "mobile",
		Region: "DE", ReturnOf: "o-0",
		Lines: []profile.Line{
			{ItemID: "i\n1", Category: "@cat", Brand: "b,1", Quantity: -3, UnitPrice: 0.1, ListPrice: 1e-7},
			{ItemID: "i2", Quantity: 2, UnitPrice: 123456.789, ListPrice: textio.MaxMagnitude},
		},
	}}
	events := []profile.Event{{
		CustomerID: "c1", AnonymousID: "a1", Identities: []profile.Identity{{Type: "email_hash", Value: "h"}},
		Time: at, Type: "wishlist", ItemID: "i1", Category: "c", Brand: "b", Price: 9.99, ListPrice: 12.5,
		Quantity: 2, Channel: "email", Device: "app", Region: "FR", SessionID: "s1", OrderID: "o1",
	}}
	var ob, eb bytes.Buffer
	if err := profile.WriteOrdersJSONL(&ob, slices.Values(orders)); err != nil {
		t.Fatal(err)
	}
	if err := profile.WriteEventsJSONL(&eb, slices.Values(events)); err != nil {
		t.Fatal(err)
	}
	gotO, bad := collectJSONL(t, profile.ReadOrdersJSONL(&ob))
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	gotE, bad := collectJSONL(t, profile.ReadEventsJSONL(&eb))
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	if d := cmp.Diff(orders, gotO); d != "" {
		t.Errorf("orders changed in the round trip (-want +got):\n%s", d)
	}
	if d := cmp.Diff(events, gotE); d != "" {
		t.Errorf("events changed in the round trip (-want +got):\n%s", d)
	}
}

// The whole synthetic shop round-trips, and so do the fixtures.
func TestJSONLRoundTripShop(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Customers: 150})
	if err != nil {
		t.Fatal(err)
	}
	orders := append(slices.Collect(shop.Orders()), shoptest.FixtureOrders()...)
	events := append(slices.Collect(shop.Events()), shoptest.FixtureEvents()...)
	var ob, eb bytes.Buffer
	if err := profile.WriteOrdersJSONL(&ob, slices.Values(orders)); err != nil {
		t.Fatal(err)
	}
	if err := profile.WriteEventsJSONL(&eb, slices.Values(events)); err != nil {
		t.Fatal(err)
	}
	gotO, bad := collectJSONL(t, profile.ReadOrdersJSONL(&ob))
	gotE, bad2 := collectJSONL(t, profile.ReadEventsJSONL(&eb))
	if len(bad)+len(bad2) > 0 {
		t.Fatal(bad, bad2)
	}
	if d := cmp.Diff(orders, gotO); d != "" {
		t.Errorf("orders (-want +got):\n%s", d)
	}
	if d := cmp.Diff(events, gotE); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

// A bad line is an error naming its line and field; the good lines around it are all kept.
func TestJSONLBadLines(t *testing.T) {
	good := `{"id":"o1","customer_id":"c","time":"2025-01-01T00:00:00Z","lines":[{"item_id":"i","quantity":1,"unit_price":2}]}`
	cases := []struct {
		name, line, field string
		cause             error
	}{
		{"unknown field", `{"id":"o2","time":"2025-01-01T00:00:00Z","colour":"red","lines":[{"quantity":1,"unit_price":1}]}`, "colour", profile.ErrJSON},
		{"wrong type", `{"id":"o2","time":"2025-01-01T00:00:00Z","lines":[{"quantity":"many","unit_price":1}]}`, "lines.quantity", profile.ErrJSON},
		{"bad time", `{"id":"o2","time":"yesterday","lines":[{"quantity":1,"unit_price":1}]}`, "time", textio.ErrTime},
		{"not json", `id=o2`, "", profile.ErrJSON},
		{"trailing", good + ` {"id":"x"}`, "", profile.ErrJSON},
		{"invalid order", `{"id":"o2","time":"2025-01-01T00:00:00Z","lines":[{"quantity":0,"unit_price":1}]}`, "Lines[0].Quantity", profile.ErrZeroQuantity},
		{"huge price", `{"id":"o2","time":"2025-01-01T00:00:00Z","lines":[{"quantity":1,"unit_price":1e400}]}`, "lines.unit_price", profile.ErrJSON},
		{"unterminated", `{"id":"o2","time":"2025-01-01T00:00:00Z","lines":[{"quantity":1,`, "", profile.ErrJSON},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good + "\n" + c.line + "\n\n" + good + "\r\n" + good
			got, bad := collectJSONL(t, profile.ReadOrdersJSONL(strings.NewReader(in)))
			if len(got) != 3 {
				t.Errorf("%d good orders, want 3", len(got))
			}
			if len(bad) != 1 {
				t.Fatalf("errors %v, want one", bad)
			}
			var re *profile.RowError
			if !errors.As(bad[0], &re) || re.Line != 2 || re.Field != c.field || !errors.Is(bad[0], c.cause) {
				t.Errorf("error %v (%#v), want line 2, field %q, cause %v", bad[0], re, c.field, c.cause)
			}
		})
	}
}

func TestJSONLLongLine(t *testing.T) {
	long := `{"id":"` + strings.Repeat("x", textio.MaxLineBytes+10) + `"}`
	in := long + "\n" + `{"id":"o1","time":"2025-01-01T00:00:00Z","lines":[{"quantity":1,"unit_price":2}]}` + "\n"
	got, bad := collectJSONL(t, profile.ReadOrdersJSONL(strings.NewReader(in)))
	if len(got) != 1 || len(bad) != 1 || !errors.Is(bad[0], textio.ErrLineTooLong) {
		t.Fatalf("got %d orders and errors %v; want 1 order and a line-too-long error", len(got), bad)
	}
}

func FuzzReadOrdersJSONL(f *testing.F) {
	f.Add(`{"id":"o1","customer_id":"c","time":"2025-01-01T00:00:00Z","lines":[{"item_id":"i","quantity":1,"unit_price":2}]}`)
	f.Add(`{"id":"o1","time":"2025-01-01T00:00:00Z","lines":[{"quantity":-1,"unit_price":1e15}]}` + "\n{")
	f.Fuzz(func(t *testing.T, in string) {
		for o, err := range profile.ReadOrdersJSONL(strings.NewReader(in)) {
			if err != nil {
				continue
			}
			if err := o.Validate(); err != nil {
				t.Fatalf("yielded an invalid order: %v", err)
			}
			// What was read writes and reads back unchanged.
			var buf bytes.Buffer
			if err := profile.WriteOrdersJSONL(&buf, slices.Values([]profile.Order{o})); err != nil {
				t.Fatal(err)
			}
			for o2, err := range profile.ReadOrdersJSONL(&buf) {
				if err != nil {
					t.Fatalf("re-read: %v", err)
				}
				o.Time = o.Time.UTC()
				if d := cmp.Diff(o, o2); d != "" {
					t.Fatalf("round trip changed the order:\n%s", d)
				}
			}
		}
	})
}

func FuzzEventsJSONLRoundTrip(f *testing.F) {
	f.Add("c1", "a1", "view", "i1", "=x", 9.99, 2, int64(1700000000123456789))
	f.Fuzz(func(t *testing.T, cust, anon, typ, item, channel string, price float64, qty int, nanos int64) {
		e := profile.Event{CustomerID: cust, AnonymousID: anon, Type: profile.EventType(typ), ItemID: item,
			Channel: channel, Price: price, Quantity: qty, Time: time.Unix(0, nanos).UTC()}
		if e.Validate() != nil || math.Abs(price) > textio.MaxMagnitude || !utf8Valid(cust, anon, typ, item, channel) {
			return
		}
		var buf bytes.Buffer
		if err := profile.WriteEventsJSONL(&buf, slices.Values([]profile.Event{e})); err != nil {
			t.Fatal(err)
		}
		n := 0
		for got, err := range profile.ReadEventsJSONL(&buf) {
			if err != nil {
				t.Fatalf("read back %q: %v", buf.String(), err)
			}
			if d := cmp.Diff(e, got); d != "" {
				t.Fatalf("round trip changed the event:\n%s", d)
			}
			n++
		}
		if n != 1 {
			t.Fatalf("%d events read back, want 1", n)
		}
	})
}

func utf8Valid(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}
