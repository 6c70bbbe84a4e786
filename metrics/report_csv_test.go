package metrics

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

// The probe's report: a channel named "=HYPERLINK(...)" and a top item "@cmd" were written
// verbatim. Now every text cell is escaped and a negative number is still a number.
func TestReportWriteCSVEscapesFormulas(t *testing.T) {
	r := Report{Dimension: "+dim", Rows: []Row{
		{Key: "=HYPERLINK(\"http://x\",\"y\")", KPIs: KPIs{TopItem: "@cmd", TopItemUnits: 3, Revenue: -12.5}},
		{Key: "-1", KPIs: KPIs{TopItem: "'q"}},
	}, Total: Row{Key: "total"}}
	var b bytes.Buffer
	if err := r.WriteCSV(&b, "TopItem", "Revenue"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"'+dim", "most_popular_item", "top_item_units", "revenue"},
		{`'=HYPERLINK("http://x","y")`, "'@cmd", "3", "-12.5"},
		{"'-1", "''q", "0", "0"},
		{"total", "", "0", "0"},
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, recs[i], want[i])
		}
	}
}

// FuzzReportWriteCSV: whatever the keys and item IDs, no text cell starts a formula and removing
// one leading quote gives the value back.
func FuzzReportWriteCSV(f *testing.F) {
	f.Add("channel", "=1+1", "@SUM(A1)")
	f.Add("'", "\tx", "-")
	f.Fuzz(func(t *testing.T, dim, key, item string) {
		r := Report{Dimension: dim, Rows: []Row{{Key: key, KPIs: KPIs{TopItem: item, Revenue: -1}}}, Total: Row{Key: "total"}}
		var b bytes.Buffer
		if err := r.WriteCSV(&b, "TopItem", "Revenue"); err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(&b)
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil {
			if strings.ContainsAny(dim+key+item, "\r\"") {
				return // encoding/csv's own reading of CR and quotes, not the escape
			}
			t.Fatalf("unreadable CSV: %v\n%q", err, b.String())
		}
		if len(recs) != 3 {
			return // a value with a line break spans lines
		}
		for i, c := range []string{recs[0][0], recs[1][0], recs[1][1]} {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Fatalf("cell %q starts a formula", c)
			}
			if want := []string{dim, key, item}[i]; !strings.Contains(want, "\r") && textio.UnescapeCell(c) != want {
				t.Fatalf("cell %q does not give back %q", c, want)
			}
		}
		if recs[1][3] != "-1" {
			t.Fatalf("revenue cell %q", recs[1][3])
		}
	})
}
