package main

import (
	"bytes"
	"context"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/recommend"
	"github.com/tailorkit/tailor/segment"
)

// TestTour runs the whole tour on a small shop and checks that every section printed.
func TestTour(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, shopsim.Config{Customers: 600, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== The shop", "600 customers", "== profile:", "lifecycle:", "== profile/clv:", "BG/NBD on", "== segment:", "Champions", "advocates", "== recommend:", "because of", "== metrics:", "| social |", "== abtest:", "P(treatment better)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("tour output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestExport writes the shop's files and reads each back with the library's readers: nothing is
// lost, and every row parses.
func TestExport(t *testing.T) {
	shop := shopsim.New(shopsim.Config{Customers: 300, Seed: 4})
	dir := t.TempDir()
	var out bytes.Buffer
	if err := export(context.Background(), &out, shop, dir); err != nil {
		t.Fatal(err)
	}
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	var wantOrders, wantEvents, wantTSV int
	for range shop.Orders() {
		wantOrders++
	}
	weights := recommend.DefaultKindWeights()
	for e := range shop.Events() {
		wantEvents++
		if e.CustomerID != "" && e.ItemID != "" && weights[string(e.Type)] != 0 {
			wantTSV++
		}
	}
	if n := countRows(t, profile.ReadOnlineRetail(open("orders.csv"))); n != wantOrders {
		t.Errorf("orders.csv: %d orders, want %d", n, wantOrders)
	}
	if n := countRows(t, profile.ReadOrdersJSONL(open("orders.jsonl"))); n != wantOrders {
		t.Errorf("orders.jsonl: %d orders, want %d", n, wantOrders)
	}
	if n := countRows(t, profile.ReadEventsJSONL(open("events.jsonl"))); n != wantEvents {
		t.Errorf("events.jsonl: %d events, want %d", n, wantEvents)
	}
	if n := countRows(t, profile.ReadCDNOW(open("cdnow.txt"))); n == 0 || n > wantOrders {
		t.Errorf("cdnow.txt: %d rows, want between 1 and the %d orders", n, wantOrders)
	}
	if n := countRows(t, profile.ReadEventsCSV(open("events.csv"))); n != wantEvents {
		t.Errorf("events.csv: %d events, want %d", n, wantEvents)
	}
	if n := countRows(t, recommend.ReadTSV(open("interactions.tsv"))); n != wantTSV {
		t.Errorf("interactions.tsv: %d rows, want %d", n, wantTSV)
	}
	if n := countRows(t, abtest.ReadAggregates(open("experiment.csv"))); n != 4 {
		t.Errorf("experiment.csv: %d rows, want 2 variants x 2 metrics", n)
	}
	points, cols, err := segment.ReadPointsCSV(open("features.csv"))
	if err != nil || points.Dim != 6 || len(cols) != 6 || len(points.Data) == 0 {
		t.Errorf("features.csv: %d values in %d dimensions, err %v", len(points.Data), points.Dim, err)
	}
	if !strings.Contains(out.String(), "go run ./examples/abtest -data "+dir+"/experiment.csv") {
		t.Errorf("export does not print how to try the files:\n%s", out.String())
	}
}

// countRows counts the records of a reader's sequence, failing on any bad row.
func countRows[T any](t *testing.T, seq iter.Seq2[T, error]) int {
	t.Helper()
	n := 0
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
