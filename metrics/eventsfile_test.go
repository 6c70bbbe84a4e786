package metrics

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/profile"
)

// TestEventsRoundTrip: the synthetic shop's events survive WriteEvents and ReadEvents, except
// Identities (the format has no column for them), the time zone (UTC) and spaces around a
// string (trimmed).
func TestEventsRoundTrip(t *testing.T) {
	events := shopEvents(t, 60, 30)
	events = append(events, profile.Event{CustomerID: `a "quoted", id`, Time: day0, Type: "wish,list", Brand: " padded "})
	var buf bytes.Buffer
	if err := WriteEvents(&buf, slices.Values(events)); err != nil {
		t.Fatal(err)
	}
	var got []profile.Event
	for e, err := range ReadEvents(&buf) {
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

// TestReadEventsBadInput is the table of bad inputs with the exact error each gives: the line,
// the column, the value and the cause.
func TestReadEventsBadInput(t *testing.T) {
	const head = "time,customer_id,type,price,quantity\n"
	cases := []struct {
		name, in      string
		line          int
		field, value  string
		cause         error
		stopsAfterErr bool
	}{
		{"unknown column", "time,customer,type\n", 1, "customer", "customer", ErrHeader, true},
		{"duplicate column", "time,time,type,customer_id\n", 1, "time", "time", ErrHeader, true},
		{"no time column", "customer_id,type\n", 1, "time", "", ErrHeader, true},
		{"no person column", "time,type\n", 1, "customer_id", "", ErrHeader, true},
		{"bad time", head + "yesterday,c1,view,,\n", 2, "time", "yesterday", ErrTime, false},
		{"bad price", head + "2025-01-01T00:00:00Z,c1,view,abc,\n", 2, "price", "abc", ErrNumber, false},
		{"NaN price", head + "2025-01-01T00:00:00Z,c1,view,NaN,\n", 2, "price", "NaN", ErrNumber, false},
		{"negative price", head + "2025-01-01T00:00:00Z,c1,view,-1,\n", 2, "price", "-1", profile.ErrNegative, false},
		{"bad quantity", head + "2025-01-01T00:00:00Z,c1,purchase,3,1.5\n", 2, "quantity", "1.5", ErrInteger, false},
		{"huge quantity", head + "2025-01-01T00:00:00Z,c1,purchase,3,99999999999\n", 2, "quantity", "99999999999", ErrRange, false},
		{"purchase without quantity", head + "2025-01-01T00:00:00Z,c1,purchase,3,\n", 2, "quantity", "0", profile.ErrZeroQuantity, false},
		{"no person", head + "2025-01-01T00:00:00Z,,view,,\n", 2, "customer_id", "", profile.ErrMissing, false},
		{"no type", head + "2025-01-01T00:00:00Z,c1,,,\n", 2, "type", "", profile.ErrMissing, false},
		{"too few fields", head + "2025-01-01T00:00:00Z,c1,view\n", 2, "", "3 fields, header has 5", ErrColumns, false},
		{"unterminated quote", head + `2025-01-01T00:00:00Z,"c1,view,,` + "\n", 2, "", `"c1,view,,`, ErrQuote, false},
		{"stray quote", head + `2025-01-01T00:00:00Z,c"1,view,,` + "\n", 2, "", `c"1`, ErrQuote, false},
	}
	for _, c := range cases {
		var errs []error
		var good int
		for _, err := range ReadEvents(strings.NewReader(c.in + "2025-01-02T00:00:00Z,c2,view,,\n")) {
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
		var re *RowError
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
		for _, err := range ReadEvents(strings.NewReader(in)) {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("header %q: %v, want %q", in, err, want)
			}
		}
	}
}

// TestReadEventsFormat: column order is free, a subset of columns is enough, unix seconds and
// offsets are accepted, blank lines and a byte-order mark are skipped, CRLF works.
func TestReadEventsFormat(t *testing.T) {
	in := "\ufefftype,anonymous_id,time,channel\r\n\r\nview,x1,1740787200,email\r\npage_view,x1,2025-03-01T01:00:00+01:00,\r\n"
	var got []profile.Event
	for e, err := range ReadEvents(strings.NewReader(in)) {
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
	for _, err := range ReadEvents(strings.NewReader("")) {
		t.Fatalf("empty file yields %v", err)
	}
}

func TestWriteEventsRefusesLineBreaks(t *testing.T) {
	err := WriteEvents(&bytes.Buffer{}, slices.Values([]profile.Event{{CustomerID: "a\nb", Time: day0, Type: profile.View}}))
	if err == nil || !strings.Contains(err.Error(), `"customer_id"`) {
		t.Fatalf("err %v", err)
	}
}

// FuzzReadEvents: no input panics; every yielded event is valid; every error is a RowError
// with a line number, or the header error that ends the stream.
func FuzzReadEvents(f *testing.F) {
	f.Add([]byte("time,customer_id,type,price,quantity,order_id\n2025-01-01T00:00:00Z,c1,purchase,3.5,2,o1\n"))
	f.Add([]byte("time,anonymous_id,type\n1700000000,x,\"view\"\n\"2025-01-01T00:00:00Z\",\"a\"\"b\",wish\n"))
	f.Add([]byte(strings.Join(EventColumns, ",") + "\n,,,,,,,,,,,,,,\n"))
	f.Add([]byte("time,customer_id,type\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for e, err := range ReadEvents(bytes.NewReader(data)) {
			if err != nil {
				var re *RowError
				if !errors.As(err, &re) || re.Line < 1 {
					t.Fatalf("error %v is not a RowError with a line", err)
				}
				continue
			}
			if verr := e.Validate(); verr != nil {
				t.Fatalf("yielded invalid event %+v: %v", e, verr)
			}
		}
	})
}
