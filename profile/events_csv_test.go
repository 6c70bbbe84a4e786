package profile_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// The events CSV reader and writer moved here from metrics (ReadEvents, WriteEvents) with their
// tests: the readers of commerce data live with the vocabulary.

var eventCSVDay0 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// TestEventCSVColumnsIsACopy: the column list is not a global a caller can change.
func TestEventCSVColumnsIsACopy(t *testing.T) {
	c := profile.EventCSVColumns()
	c[0] = "when"
	if got := profile.EventCSVColumns(); got[0] != "time" || len(got) != 15 {
		t.Fatalf("columns changed through a returned slice: %v", got)
	}
}

// TestEventsCSVRoundTrip: the test shop's events survive WriteEventsCSV and ReadEventsCSV, except
// Identities (the format has no column for them), the time zone (UTC) and spaces around a
// string (trimmed).
func TestEventsCSVRoundTrip(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Customers: 60, Days: 30})
	if err != nil {
		t.Fatal(err)
	}
	events := slices.Collect(shop.Events())
	events = append(events, profile.Event{CustomerID: `a "quoted", id`, Time: eventCSVDay0, Type: "wish,list", Brand: " padded "})
	var buf bytes.Buffer
	if err := profile.WriteEventsCSV(&buf, slices.Values(events)); err != nil {
		t.Fatal(err)
	}
	var got []profile.Event
	for e, err := range profile.ReadEventsCSV(&buf) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	for i := range events {
		events[i].Identities = nil
		events[i].Time = events[i].Time.UTC()
	}
	events[len(events)-1].Brand = "padded"
	if d := cmp.Diff(events, got); d != "" {
		t.Fatalf("round trip differs:\n%s", d)
	}
}

// TestReadEventsCSVBadInput is the table of bad inputs with the exact error each gives: the line,
// the column, the value and the cause.
func TestReadEventsCSVBadInput(t *testing.T) {
	const head = "time,customer_id,type,price,quantity\n"
	cases := []struct {
		name, in      string
		line          int
		field, value  string
		cause         error
		stopsAfterErr bool
	}{
		{"unknown column", "time,customer,type\n", 1, "customer", "customer", profile.ErrHeader, true},
		{"duplicate column", "time,time,type,customer_id\n", 1, "time", "time", profile.ErrHeader, true},
		{"no time column", "customer_id,type\n", 1, "time", "", profile.ErrHeader, true},
		{"no person column", "time,type\n", 1, "customer_id", "", profile.ErrHeader, true},
		{"bad time", head + "yesterday,c1,view,,\n", 2, "time", "yesterday", profile.ErrTime, false},
		{"bad price", head + "2025-01-01T00:00:00Z,c1,view,abc,\n", 2, "price", "abc", textio.ErrNumber, false},
		{"NaN price", head + "2025-01-01T00:00:00Z,c1,view,NaN,\n", 2, "price", "NaN", textio.ErrNumber, false},
		{"negative price", head + "2025-01-01T00:00:00Z,c1,view,-1,\n", 2, "price", "-1", profile.ErrNegative, false},
		{"bad quantity", head + "2025-01-01T00:00:00Z,c1,purchase,3,1.5\n", 2, "quantity", "1.5", textio.ErrInteger, false},
		{"huge quantity", head + "2025-01-01T00:00:00Z,c1,purchase,3,99999999999\n", 2, "quantity", "99999999999", profile.ErrOutOfRange, false},
		{"purchase without quantity", head + "2025-01-01T00:00:00Z,c1,purchase,3,\n", 2, "quantity", "0", profile.ErrZeroQuantity, false},
		{"no person", head + "2025-01-01T00:00:00Z,,view,,\n", 2, "customer_id", "", profile.ErrMissing, false},
		{"no type", head + "2025-01-01T00:00:00Z,c1,,,\n", 2, "type", "", profile.ErrMissing, false},
		{"too few fields", head + "2025-01-01T00:00:00Z,c1,view\n", 2, "", "3 fields, header has 5", textio.ErrColumns, false},
		{"unterminated quote", head + `2025-01-01T00:00:00Z,"c1,view,,` + "\n", 2, "", `"c1,view,,`, textio.ErrQuote, false},
		{"stray quote", head + `2025-01-01T00:00:00Z,c"1,view,,` + "\n", 2, "", `c"1`, textio.ErrQuote, false},
	}
	for _, c := range cases {
		var errs []error
		var good int
		for _, err := range profile.ReadEventsCSV(strings.NewReader(c.in + "2025-01-02T00:00:00Z,c2,view,,\n")) {
			if err != nil {
				errs = append(errs, err)
			} else {
				good++
			}
		}
		if len(errs) != 1 {
			t.Errorf("%s: %d errors %v", c.name, len(errs), errs)
			continue
		}
		var re *profile.RowError
		if !errors.As(errs[0], &re) || re.Line != c.line || re.Field != c.field || re.Value != c.value || !errors.Is(errs[0], c.cause) {
			t.Errorf("%s: got %v (%#v), want line %d field %q value %q cause %v", c.name, errs[0], re, c.line, c.field, c.value, c.cause)
		}
		if wantGood := map[bool]int{true: 0, false: 1}[c.stopsAfterErr]; good != wantGood {
			t.Errorf("%s: %d good rows after the error, want %d", c.name, good, wantGood)
		}
	}
	// Header errors say what is wrong with the column, not only that the header is unexpected.
	for in, want := range map[string]string{
		"time,customer,type\n":         `field "customer" = "customer": unexpected header: unknown column (want names from time,`,
		"time,time,type,customer_id\n": `field "time" = "time": unexpected header: column named twice`,
		"customer_id,type\n":           `field "time" = "": unexpected header: required column missing`,
		"time,type\n":                  "customer_id or anonymous_id required",
	} {
		for _, err := range profile.ReadEventsCSV(strings.NewReader(in)) {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("header %q: %v, want %q", in, err, want)
			}
		}
	}
}

// TestReadEventsCSVFormat: column order is free, a subset of columns is enough, unix seconds and
// offsets are accepted, blank lines and a byte-order mark are skipped, CRLF works.
func TestReadEventsCSVFormat(t *testing.T) {
	in := "\ufefftype,anonymous_id,time,channel\r\n\r\nview,x1,1740787200,email\r\npage_view,x1,2025-03-01T01:00:00+01:00,\r\n"
	var got []profile.Event
	for e, err := range profile.ReadEventsCSV(strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := []profile.Event{
		{AnonymousID: "x1", Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Type: profile.View, Channel: "email"},
		{AnonymousID: "x1", Time: time.Date(2025, 3, 1, 1, 0, 0, 0, time.FixedZone("", 3600)), Type: profile.PageView},
	}
	if len(got) != 2 || !got[1].Time.Equal(want[1].Time) {
		t.Fatalf("got %+v", got)
	}
	got[1].Time = want[1].Time
	if d := cmp.Diff(want, got); d != "" {
		t.Fatal(d)
	}
	for _, err := range profile.ReadEventsCSV(strings.NewReader("")) {
		t.Fatalf("empty file yields %v", err)
	}
}

func TestWriteEventsCSVRefusesLineBreaks(t *testing.T) {
	err := profile.WriteEventsCSV(&bytes.Buffer{}, slices.Values([]profile.Event{{CustomerID: "a\nb", Time: eventCSVDay0, Type: profile.View}}))
	if err == nil || !strings.Contains(err.Error(), `"customer_id"`) {
		t.Fatalf("err %v", err)
	}
}

// FuzzReadEventsCSV: no input panics; every yielded event is valid; every error is a profile.RowError
// with a line number, or the header error that ends the stream.
func FuzzReadEventsCSV(f *testing.F) {
	f.Add([]byte("time,customer_id,type,price,quantity,order_id\n2025-01-01T00:00:00Z,c1,purchase,3.5,2,o1\n"))
	f.Add([]byte("time,anonymous_id,type\n1700000000,x,\"view\"\n\"2025-01-01T00:00:00Z\",\"a\"\"b\",wish\n"))
	f.Add([]byte(strings.Join(profile.EventCSVColumns(), ",") + "\n,,,,,,,,,,,,,,\n"))
	f.Add([]byte("time,customer_id,type\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for e, err := range profile.ReadEventsCSV(bytes.NewReader(data)) {
			if err != nil {
				var re *profile.RowError
				if !errors.As(err, &re) || re.Line < 1 {
					t.Fatalf("error %v is not a profile.RowError with a line", err)
				}
				continue
			}
			if verr := e.Validate(); verr != nil {
				t.Fatalf("yielded invalid event %+v: %v", e, verr)
			}
		}
	})
}

func readEventsCSV(t *testing.T, r io.Reader) ([]profile.Event, []error) {
	t.Helper()
	var got []profile.Event
	var errs []error
	for e, err := range profile.ReadEventsCSV(r) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, e)
	}
	return got, errs
}

// The probe's rows: before, " c1" was a second customer and " page_view" an unknown type.
func TestReadEventsCSVTrimsFields(t *testing.T) {
	in := "time, customer_id ,type,item_id,price,quantity\n" +
		"2025-01-01T00:00:00Z,c1,page_view,p1,,\n" +
		" 2025-01-01T00:01:00Z , c1, page_view ,\" p1 \", 2.5 , 2 \n"
	got, errs := readEventsCSV(t, strings.NewReader(in))
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

// TestReadEventsCSVExtremes puts NaN, infinities and the extreme magnitudes in every numeric field
// (price, list_price, quantity, and time as unix seconds), with the exact outcome for each.
func TestReadEventsCSVExtremes(t *testing.T) {
	const head = "time,customer_id,type,price,list_price,quantity\n"
	for _, tc := range []struct {
		field, value string
		cause        error // nil: accepted
	}{
		{"price", "NaN", textio.ErrNumber},
		{"price", "Inf", textio.ErrNumber},
		{"price", "-Inf", textio.ErrNumber},
		{"price", "1e308", profile.ErrOutOfRange},
		{"price", "9007199254740992", profile.ErrOutOfRange},
		{"price", "4611686018427387904", profile.ErrOutOfRange},
		{"price", "5e-324", nil},
		{"price", "1e15", nil},
		{"list_price", "NaN", textio.ErrNumber},
		{"list_price", "Inf", textio.ErrNumber},
		{"list_price", "1e308", profile.ErrOutOfRange},
		{"list_price", "9007199254740992", profile.ErrOutOfRange},
		{"list_price", "4611686018427387904", profile.ErrOutOfRange},
		{"list_price", "5e-324", nil},
		{"quantity", "NaN", textio.ErrInteger},
		{"quantity", "Inf", textio.ErrInteger},
		{"quantity", "1e308", textio.ErrInteger},
		{"quantity", "5e-324", textio.ErrInteger},
		{"quantity", "9007199254740992", profile.ErrOutOfRange},
		{"quantity", "4611686018427387904", profile.ErrOutOfRange},
		{"quantity", "2147483647", nil},
		{"time", "NaN", profile.ErrTime},
		{"time", "Inf", profile.ErrTime},
		{"time", "1e308", profile.ErrTime},
		{"time", "5e-324", profile.ErrTime},
		{"time", "9007199254740992", profile.ErrTime},
		{"time", "4611686018427387904", profile.ErrTime},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			vals := map[string]string{"time": "2025-01-01T00:00:00Z", "price": "1", "list_price": "", "quantity": "1"}
			vals[tc.field] = tc.value
			row := vals["time"] + ",c1,view," + vals["price"] + "," + vals["list_price"] + "," + vals["quantity"] + "\n"
			got, errs := readEventsCSV(t, strings.NewReader(head+"2025-01-01T00:00:00Z,c0,view,,,\n"+row+"2025-01-02T00:00:00Z,c2,view,,,\n"))
			if tc.cause == nil {
				if len(errs) != 0 || len(got) != 3 {
					t.Fatalf("events %d errors %v, want the row accepted", len(got), errs)
				}
				return
			}
			if len(errs) != 1 || len(got) != 2 {
				t.Fatalf("events %d errors %v, want one error and both good rows", len(got), errs)
			}
			var re *profile.RowError
			if !errors.As(errs[0], &re) || re.Line != 3 || re.Field != tc.field || !errors.Is(errs[0], tc.cause) {
				t.Fatalf("error %v, want line 3 field %q cause %v", errs[0], tc.field, tc.cause)
			}
		})
	}
}

// TestReadEventsCSVFileShapes: header only, a long line (bounded memory), a long header, CRLF and
// a byte-order mark; a header error wraps profile.ErrHeader and a bad row does not.
func TestReadEventsCSVFileShapes(t *testing.T) {
	const head = "time,customer_id,type\n"
	if got, errs := readEventsCSV(t, strings.NewReader(head)); len(got)+len(errs) != 0 {
		t.Fatalf("header only: %v %v", got, errs)
	}
	got, errs := readEventsCSV(t, strings.NewReader("\ufeff"+strings.ReplaceAll(head+"1700000000,c1,view\n", "\n", "\r\n")))
	if len(errs) != 0 || len(got) != 1 {
		t.Fatalf("BOM and CRLF: %v %v", got, errs)
	}
	_, errs = readEventsCSV(t, strings.NewReader(strings.Repeat("x", textio.MaxLineBytes+1)+"\n"+head))
	if len(errs) == 0 || !errors.Is(errs[0], textio.ErrLineTooLong) {
		t.Fatalf("long header: %v", errs)
	}
	_, errs = readEventsCSV(t, strings.NewReader(head+"1700000000,c1,sale\"\n"))
	if len(errs) != 1 || errors.Is(errs[0], profile.ErrHeader) {
		t.Fatalf("a bad row: %v", errs)
	}
	for _, open := range []string{"", "\""} {
		in := io.MultiReader(strings.NewReader(head+"1700000000,"+open),
			io.LimitReader(strings.NewReader(strings.Repeat("c", 16<<20)), 16<<20), strings.NewReader(",view\n1700000001,c2,view\n"))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got, errs := readEventsCSV(t, in)
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
func eventCSVFormulaCells(t *testing.T, data []byte) []string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("written file is not CSV: %v", err)
	}
	var bad []string
	for _, rec := range recs {
		for i, c := range rec {
			if c := profile.EventCSVColumns()[i]; c == "price" || c == "list_price" || c == "quantity" {
				continue
			}
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				bad = append(bad, c)
			}
		}
	}
	return bad
}

// The probe's cells: before, metrics.WriteEvents wrote =HYPERLINK(...) and @cmd verbatim.
func TestWriteEventsCSVEscapesFormulas(t *testing.T) {
	e := profile.Event{CustomerID: "=HYPERLINK(\"http://x\",\"y\")", AnonymousID: "@cmd", SessionID: "-1", Time: eventCSVDay0,
		Type: "+view", ItemID: "'quoted", Category: "=1+1", Brand: "\tb", Channel: "\rc", Device: "'", Region: "+44", OrderID: "-o1"}
	var buf bytes.Buffer
	if err := profile.WriteEventsCSV(&buf, slices.Values([]profile.Event{e})); err != nil {
		t.Fatal(err)
	}
	if bad := eventCSVFormulaCells(t, buf.Bytes()); len(bad) != 0 {
		t.Fatalf("cells a spreadsheet evaluates: %q", bad)
	}
	got, errs := readEventsCSV(t, &buf)
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

// FuzzWriteEventsCSV writes one event built from arbitrary values and reads it back: a valid
// event comes back exactly (strings trimmed), and no written cell starts a formula.
func FuzzWriteEventsCSV(f *testing.F) {
	f.Add("c1", "anon", "s1", "view", "p1", "cat", "brand", "web", "=cmd", 1.5, 2, int64(1700000000))
	f.Add("@c", "", "'", "purchase", "-p", "+", "''", "\t", "@", 5e-324, -3, int64(0))
	f.Fuzz(func(t *testing.T, customer, anon, session, typ, item, category, brand, channel, order string, price float64, qty int, unix int64) {
		e := profile.Event{CustomerID: customer, AnonymousID: anon, SessionID: session, Time: time.Unix(unix%(1<<34), 0).UTC(),
			Type: profile.EventType(typ), ItemID: item, Category: category, Brand: brand, Channel: channel, OrderID: order,
			Price: price, ListPrice: price, Quantity: qty}
		var buf bytes.Buffer
		if err := profile.WriteEventsCSV(&buf, slices.Values([]profile.Event{e})); err != nil {
			if strings.ContainsAny(customer+anon+session+typ+item+category+brand+channel+order, "\r\n") {
				return
			}
			t.Fatal(err)
		}
		if bad := eventCSVFormulaCells(t, buf.Bytes()); len(bad) != 0 {
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
		got, errs := readEventsCSV(t, &buf)
		if len(errs) != 0 || len(got) != 1 {
			t.Fatalf("events %v errors %v\n%s", got, errs, buf.String())
		}
		if d := cmp.Diff(want, got[0]); d != "" {
			t.Fatalf("round trip:\n%s\n%s", d, buf.String())
		}
	})
}

// Reading the events CSV format; a bad row names its line, column and value.
func ExampleReadEventsCSV() {
	in := "time,customer_id,type,price,quantity\n" +
		"2025-05-01T09:00:00Z,ann,view,12,\n" +
		"2025-05-01T09:01:00Z,ann,purchase,12,two\n"
	for e, err := range profile.ReadEventsCSV(strings.NewReader(in)) {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(e.CustomerID, e.Type, e.Price)
	}
	// Output:
	// ann view 12
	// error: line 3: field "quantity" = "two": not an integer
}

// BenchmarkReadEventsCSV: parsing the events CSV format.
func BenchmarkReadEventsCSV(b *testing.B) {
	shop, err := shoptest.New(shoptest.Config{Customers: 2000, Days: 90})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := profile.WriteEventsCSV(&buf, shop.Events()); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = 0
		for _, err := range profile.ReadEventsCSV(bytes.NewReader(data)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
