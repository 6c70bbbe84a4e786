package profile_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// formulaStart reports whether a spreadsheet would evaluate a cell (OWASP's leading characters).
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// checkNoFormulas parses a written CSV with encoding/csv and fails on a text cell a spreadsheet
// would evaluate. numeric lists the columns the writer formats as numbers.
func checkNoFormulas(t *testing.T, data []byte, numeric ...int) {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("written file is not CSV: %v", err)
	}
	for _, rec := range recs {
		for i, c := range rec {
			if !slices.Contains(numeric, i) && formulaStart(c) {
				t.Fatalf("cell %d = %q would be evaluated by a spreadsheet (row %q)", i, c, rec)
			}
		}
	}
}

// The probe's cells: before, WriteOnlineRetail wrote them verbatim.
func TestWriteOnlineRetailEscapesFormulas(t *testing.T) {
	at := time.Date(2011, 1, 2, 3, 4, 5, 0, time.UTC)
	orders := []profile.Order{
		{ID: "=HYPERLINK(\"http://x\",\"y\")", CustomerID: "@cmd", Region: "+44", Time: at,
			Lines: []profile.Line{{ItemID: "-1+2", Brand: "=b", Category: "c", Quantity: -2, UnitPrice: 1.5}}},
		{ID: "'already quoted", CustomerID: "7", Region: "UK", Time: at,
			Lines: []profile.Line{{ItemID: "'", Quantity: 1, UnitPrice: 0}}},
	}
	var buf bytes.Buffer
	if err := profile.WriteOnlineRetail(&buf, slices.Values(orders)); err != nil {
		t.Fatal(err)
	}
	checkNoFormulas(t, buf.Bytes(), 3, 5)
	if !strings.Contains(buf.String(), `'=HYPERLINK(`) || !strings.Contains(buf.String(), ",'@cmd,'+44") || !strings.Contains(buf.String(), "''already") {
		t.Fatalf("cells not escaped:\n%s", buf.String())
	}
	// The quantity -2 is a number the writer formats: not escaped.
	if !strings.Contains(buf.String(), ",-2,") {
		t.Fatalf("quantity escaped:\n%s", buf.String())
	}
	got, errs := readRetail(t, &buf)
	if len(errs) != 0 || len(got) != 2 {
		t.Fatalf("read back %d orders, errors %v", len(got), errs)
	}
	for i, o := range got {
		w := orders[i]
		if o.ID != w.ID || o.CustomerID != w.CustomerID || o.Region != w.Region || o.Lines[0].ItemID != w.Lines[0].ItemID {
			t.Fatalf("read back %+v, wrote %+v", o, w)
		}
	}
}

func TestWriteOnlineRetailRefusesLineBreaks(t *testing.T) {
	o := profile.Order{ID: "1", CustomerID: "a\nb", Lines: []profile.Line{{ItemID: "x", Quantity: 1}}}
	var buf bytes.Buffer
	if err := profile.WriteOnlineRetail(&buf, slices.Values([]profile.Order{o})); err == nil || !strings.Contains(err.Error(), "CustomerID") {
		t.Fatalf("err = %v, want a line-break error naming CustomerID", err)
	}
}

// FuzzWriteOnlineRetail writes one order built from arbitrary values and reads it back: the
// values the format carries come back exactly, and no text cell starts a formula.
func FuzzWriteOnlineRetail(f *testing.F) {
	f.Add("536365", "85123A", "17850", "United Kingdom", "brand", 6, 2.55)
	f.Add("=HYPERLINK(\"x\")", "@SUM(A1)", "-5", "+44", "'b", -3, 1e15)
	f.Add("'", "''x", "'=", "\"q\",x", "=", 1, 5e-324)
	f.Fuzz(func(t *testing.T, id, item, customer, region, brand string, qty int, price float64) {
		o := profile.Order{ID: id, CustomerID: customer, Region: region, Time: time.Date(2011, 5, 6, 7, 8, 9, 0, time.UTC),
			Lines: []profile.Line{{ItemID: item, Brand: brand, Quantity: qty, UnitPrice: price}}}
		var buf bytes.Buffer
		err := profile.WriteOnlineRetail(&buf, slices.Values([]profile.Order{o}))
		trimmed := []string{id, item, customer, region, brand}
		for i, s := range trimmed {
			trimmed[i] = strings.TrimSpace(s)
		}
		if strings.ContainsAny(strings.Join(trimmed, ""), "\r\n") {
			if err == nil {
				t.Fatal("a line break was written")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkNoFormulas(t, buf.Bytes(), 3, 5)
		// What the format does not carry: surrounding spaces, an empty ID, a float-written
		// customer ID ("7.0" reads as "7"), quantities the reader refuses, prices it refuses.
		for _, s := range []string{id, item, customer, region} {
			if strings.TrimSpace(s) != s {
				return
			}
		}
		if id == "" || item == "" || strings.Contains(customer, ".") || qty == 0 || qty > math.MaxInt32 || qty < -math.MaxInt32 ||
			!(price >= 0 && price <= 1e15) {
			return
		}
		got, errs := readRetail(t, &buf)
		if len(errs) != 0 || len(got) != 1 {
			t.Fatalf("read back %d orders, errors %v\n%s", len(got), errs, buf.String())
		}
		g := got[0]
		if g.ID != id || g.CustomerID != customer || g.Region != region || !g.Time.Equal(o.Time) || len(g.Lines) != 1 {
			t.Fatalf("read back %+v, wrote %+v", g, o)
		}
		if l := g.Lines[0]; l.ItemID != item || l.Quantity != qty || l.UnitPrice != price {
			t.Fatalf("read back line %+v, wrote %+v", l, o.Lines[0])
		}
	})
}
