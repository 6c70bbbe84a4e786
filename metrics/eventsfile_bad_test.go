package metrics

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

func readEvents(t *testing.T, r io.Reader) ([]profile.Event, []error) {
	t.Helper()
	var got []profile.Event
	var errs []error
	for e, err := range ReadEvents(r) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, e)
	}
	return got, errs
}

// The probe's rows: before, " c1" was a second customer and " page_view" an unknown type.
func TestReadEventsTrimsFields(t *testing.T) {
	in := "time, customer_id ,type,item_id,price,quantity\n" +
		"2025-01-01T00:00:00Z,c1,page_view,p1,,\n" +
		" 2025-01-01T00:01:00Z , c1, page_view ,\" p1 \", 2.5 , 2 \n"
	got, errs := readEvents(t, strings.NewReader(in))
	if len(errs) != 0 || len(got) != 2 {
		t.Fatalf("events %+v errors %v", got, errs)
	}
	for _, e := range got {
		if e.CustomerID != "c1" || e.Type != profile.PageView || e.ItemID != "p1" {
			t.Fatalf("event %+v: fields not trimmed", e)
		}
	}
	if got[1].Price != 2.5 || got[1].Quantity != 2 {
		t.Fatalf("numbers %+v", got[1])
	}
}

// TestReadEventsExtremes puts NaN, infinities and the extreme magnitudes in every numeric field
// (price, list_price, quantity, and time as unix seconds), with the exact outcome for each.
func TestReadEventsExtremes(t *testing.T) {
	const head = "time,customer_id,type,price,list_price,quantity\n"
	for _, tc := range []struct {
		field, value string
		cause        error // nil: accepted
	}{
		{"price", "NaN", ErrNumber},
		{"price", "Inf", ErrNumber},
		{"price", "-Inf", ErrNumber},
		{"price", "1e308", ErrRange},
		{"price", "9007199254740992", ErrRange},
		{"price", "4611686018427387904", ErrRange},
		{"price", "5e-324", nil},
		{"price", "1e15", nil},
		{"list_price", "NaN", ErrNumber},
		{"list_price", "Inf", ErrNumber},
		{"list_price", "1e308", ErrRange},
		{"list_price", "9007199254740992", ErrRange},
		{"list_price", "4611686018427387904", ErrRange},
		{"list_price", "5e-324", nil},
		{"quantity", "NaN", ErrInteger},
		{"quantity", "Inf", ErrInteger},
		{"quantity", "1e308", ErrInteger},
		{"quantity", "5e-324", ErrInteger},
		{"quantity", "9007199254740992", ErrRange},
		{"quantity", "4611686018427387904", ErrRange},
		{"quantity", "2147483647", nil},
		{"time", "NaN", ErrTime},
		{"time", "Inf", ErrTime},
		{"time", "1e308", ErrTime},
		{"time", "5e-324", ErrTime},
		{"time", "9007199254740992", ErrTime},
		{"time", "4611686018427387904", ErrTime},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			vals := map[string]string{"time": "2025-01-01T00:00:00Z", "price": "1", "list_price": "", "quantity": "1"}
			vals[tc.field] = tc.value
			row := vals["time"] + ",c1,view," + vals["price"] + "," + vals["list_price"] + "," + vals["quantity"] + "\n"
			got, errs := readEvents(t, strings.NewReader(head+"2025-01-01T00:00:00Z,c0,view,,,\n"+row+"2025-01-02T00:00:00Z,c2,view,,,\n"))
			if tc.cause == nil {
				if len(errs) != 0 || len(got) != 3 {
					t.Fatalf("events %d errors %v, want the row accepted", len(got), errs)
				}
				return
			}
			if len(errs) != 1 || len(got) != 2 {
				t.Fatalf("events %d errors %v, want one error and both good rows", len(got), errs)
			}
			var re *RowError
			if !errors.As(errs[0], &re) || re.Line != 3 || re.Field != tc.field || !errors.Is(errs[0], tc.cause) {
				t.Fatalf("error %v, want line 3 field %q cause %v", errs[0], tc.field, tc.cause)
			}
		})
	}
}

// TestReadEventsFileShapes: header only, a long line (bounded memory), a long header, CRLF and
// a byte-order mark; a header error wraps ErrHeader and a bad row does not.
func TestReadEventsFileShapes(t *testing.T) {
	const head = "time,customer_id,type\n"
	if got, errs := readEvents(t, strings.NewReader(head)); len(got)+len(errs) != 0 {
		t.Fatalf("header only: %v %v", got, errs)
	}
	got, errs := readEvents(t, strings.NewReader("\ufeff"+strings.ReplaceAll(head+"1700000000,c1,view\n", "\n", "\r\n")))
	if len(errs) != 0 || len(got) != 1 {
		t.Fatalf("BOM and CRLF: %v %v", got, errs)
	}
	_, errs = readEvents(t, strings.NewReader(strings.Repeat("x", textio.MaxLineBytes+1)+"\n"+head))
	if len(errs) == 0 || !errors.Is(errs[0], textio.ErrLineTooLong) {
		t.Fatalf("long header: %v", errs)
	}
	_, errs = readEvents(t, strings.NewReader(head+"1700000000,c1,sale\"\n"))
	if len(errs) != 1 || errors.Is(errs[0], ErrHeader) {
		t.Fatalf("a bad row: %v", errs)
	}
	for _, open := range []string{"", "\""} {
		in := io.MultiReader(strings.NewReader(head+"1700000000,"+open),
			io.LimitReader(strings.NewReader(strings.Repeat("c", 16<<20)), 16<<20), strings.NewReader(",view\n1700000001,c2,view\n"))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got, errs := readEvents(t, in)
		runtime.ReadMemStats(&after)
		if len(errs) != 1 || !errors.Is(errs[0], textio.ErrLineTooLong) || len(got) != 1 {
			t.Fatalf("long line: events %v errors %v", got, errs)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5*textio.MaxLineBytes {
			t.Errorf("allocated %d bytes reading a 16 MiB line, want at most %d", alloc, 5*textio.MaxLineBytes)
		}
	}
}

// formulaCells returns the cells of a written CSV that a spreadsheet would evaluate, skipping
// the numeric columns.
func formulaCells(t *testing.T, data []byte) []string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("written file is not CSV: %v", err)
	}
	var bad []string
	for _, rec := range recs {
		for i, c := range rec {
			if i == colPrice || i == colListPrice || i == colQuantity {
				continue
			}
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				bad = append(bad, c)
			}
		}
	}
	return bad
}

// The probe's cells: before, WriteEvents wrote =HYPERLINK(...) and @cmd verbatim.
func TestWriteEventsEscapesFormulas(t *testing.T) {
	e := profile.Event{CustomerID: "=HYPERLINK(\"http://x\",\"y\")", AnonymousID: "@cmd", SessionID: "-1", Time: day0,
		Type: "+view", ItemID: "'quoted", Category: "=1+1", Brand: "\tb", Channel: "\rc", Device: "'", Region: "+44", OrderID: "-o1"}
	var buf bytes.Buffer
	if err := WriteEvents(&buf, slices.Values([]profile.Event{e})); err != nil {
		t.Fatal(err)
	}
	if bad := formulaCells(t, buf.Bytes()); len(bad) != 0 {
		t.Fatalf("cells a spreadsheet evaluates: %q", bad)
	}
	got, errs := readEvents(t, &buf)
	if len(errs) != 0 || len(got) != 1 {
		t.Fatalf("events %v errors %v", got, errs)
	}
	// Tab and CR are leading spaces: trimmed.
	e.Brand, e.Channel = "b", "c"
	e.Time = e.Time.UTC()
	if d := cmp.Diff(e, got[0]); d != "" {
		t.Fatalf("round trip:\n%s", d)
	}
}

// FuzzWriteEvents writes one event built from arbitrary values and reads it back: a valid
// event comes back exactly (strings trimmed), and no written cell starts a formula.
func FuzzWriteEvents(f *testing.F) {
	f.Add("c1", "anon", "s1", "view", "p1", "cat", "brand", "web", "=cmd", 1.5, 2, int64(1700000000))
	f.Add("@c", "", "'", "purchase", "-p", "+", "''", "\t", "@", 5e-324, -3, int64(0))
	f.Fuzz(func(t *testing.T, customer, anon, session, typ, item, category, brand, channel, order string, price float64, qty int, unix int64) {
		e := profile.Event{CustomerID: customer, AnonymousID: anon, SessionID: session, Time: time.Unix(unix%(1<<34), 0).UTC(),
			Type: profile.EventType(typ), ItemID: item, Category: category, Brand: brand, Channel: channel, OrderID: order,
			Price: price, ListPrice: price, Quantity: qty}
		var buf bytes.Buffer
		if err := WriteEvents(&buf, slices.Values([]profile.Event{e})); err != nil {
			if strings.ContainsAny(customer+anon+session+typ+item+category+brand+channel+order, "\r\n") {
				return
			}
			t.Fatal(err)
		}
		if bad := formulaCells(t, buf.Bytes()); len(bad) != 0 {
			t.Fatalf("cells a spreadsheet evaluates: %q", bad)
		}
		want := e
		for _, s := range []*string{&want.CustomerID, &want.AnonymousID, &want.SessionID, &want.ItemID, &want.Category, &want.Brand, &want.Channel, &want.OrderID} {
			*s = strings.TrimSpace(*s)
		}
		want.Type = profile.EventType(strings.TrimSpace(typ))
		if want.Validate() != nil || qty > 1<<31-1 || qty < -(1<<31-1) || !textio.InRange(price) {
			return
		}
		got, errs := readEvents(t, &buf)
		if len(errs) != 0 || len(got) != 1 {
			t.Fatalf("events %v errors %v\n%s", got, errs, buf.String())
		}
		if d := cmp.Diff(want, got[0]); d != "" {
			t.Fatalf("round trip:\n%s\n%s", d, buf.String())
		}
	})
}
