package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// tasteOrders are two tastes: customers a0-a19 buy three of the items a0-a5, customers b0-b19
// three of b0-b5, one item per order.
func tasteOrders() []profile.Order {
	var orders []profile.Order
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, p := range []string{"a", "b"} {
		for u := range 20 {
			for k := range 3 {
				orders = append(orders, profile.Order{
					ID: fmt.Sprintf("%s%d-%d", p, u, k), CustomerID: fmt.Sprintf("%s%d", p, u), Time: t0.Add(time.Duration(u*3+k) * time.Hour),
					Lines: []profile.Line{{ItemID: fmt.Sprintf("%s%d", p, (u+k)%6), Quantity: 1, UnitPrice: 9.5}},
				})
			}
		}
	}
	return orders
}

// purchaseEvents are the purchases of the orders, as a tracker records them.
func purchaseEvents(orders []profile.Order) []profile.Event {
	var events []profile.Event
	for _, o := range orders {
		for _, l := range o.Lines {
			events = append(events, profile.Event{CustomerID: o.CustomerID, Time: o.Time, Type: profile.Purchase,
				ItemID: l.ItemID, Price: l.UnitPrice, Quantity: l.Quantity, OrderID: o.ID})
		}
	}
	return events
}

func writeWith(t *testing.T, path string, write func(io.Writer) error) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Orders in Online Retail, CDNOW and the tailor format, and tailor events, train the model:
// each customer's two recommendations are the two unseen items of their taste, the same from
// every file, with the format detected or named by -format.
func TestTrainOnOrdersAndEvents(t *testing.T) {
	dir := t.TempDir()
	orders := tasteOrders()
	csvPath := writeWith(t, filepath.Join(dir, "orders.csv"), func(w io.Writer) error { return profile.WriteOnlineRetail(w, slices.Values(orders)) })
	jsonlPath := writeWith(t, filepath.Join(dir, "orders.jsonl"), func(w io.Writer) error { return profile.WriteOrdersJSONL(w, slices.Values(orders)) })
	// The tailor format is detected from the first line, whatever the file is called.
	renamed := filepath.Join(dir, "orders.txt")
	b, _ := os.ReadFile(jsonlPath)
	os.WriteFile(renamed, b, 0o644)
	eventsPath := writeWith(t, filepath.Join(dir, "events.jsonl"), func(w io.Writer) error {
		return profile.WriteEventsJSONL(w, slices.Values(purchaseEvents(orders)))
	})
	var first []byte
	for _, c := range []struct {
		args   []string
		format string
	}{
		{[]string{"-orders", csvPath}, "online-retail"},
		{[]string{"-orders", csvPath, "-format", "online-retail"}, "online-retail"},
		{[]string{"-orders", jsonlPath}, "tailor"},
		{[]string{"-orders", renamed}, "tailor"},
		{[]string{"-events", eventsPath}, "tailor"},
	} {
		recs := filepath.Join(dir, "recs.tsv")
		var out, errb bytes.Buffer
		if err := run(append(c.args, "-k", "2", "-json", "-out", recs), &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, errb.String())
		}
		var res result
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		if res.Format != c.format || res.TrainRows != len(orders) || res.Users != 40 || res.Items != 12 || res.RecUsers != 40 {
			t.Errorf("%v: %+v, want format %s, %d rows, 40 users, 12 items", c.args, res, c.format, len(orders))
		}
		got, _ := os.ReadFile(recs)
		lines := strings.Split(strings.TrimSpace(string(got)), "\n")
		if len(lines) != 80 {
			t.Fatalf("%v: %d recommendations, want 2 for each of 40 users", c.args, len(lines))
		}
		for _, l := range lines {
			if f := strings.Split(l, "\t"); f[0][0] != f[2][0] {
				t.Errorf("%v: %q leaves the user's taste", c.args, l)
			}
		}
		if first == nil {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Errorf("%v: recommendations differ from the first file's", c.args)
		}
	}

	// CDNOW records no items: refused with the reason, not an empty model.
	cdnow := writeWith(t, filepath.Join(dir, "cdnow.txt"), func(w io.Writer) error { return profile.WriteCDNOW(w, slices.Values(orders)) })
	var out, errb bytes.Buffer
	err := run([]string{"-orders", cdnow}, &out, &errb)
	if !errors.Is(err, cli.ErrNoRows) || !strings.Contains(err.Error(), "120 order lines without a customer or an item ID") {
		t.Errorf("CDNOW: err = %v, want no interaction from 120 item-less lines", err)
	}
}

// The files quickstart -export writes (the synthetic shop through the profile writers) train
// the model: as many interactions as order lines of known customers with an item, and as
// events of a person with an item.
func TestTrainOnExportedShop(t *testing.T) {
	shop := shopsim.New(shopsim.Config{Customers: 300, Seed: 4})
	dir := t.TempDir()
	wantLines, wantEvents := 0, 0
	for o := range shop.Orders() {
		for _, l := range o.Lines {
			if o.CustomerID != "" && l.ItemID != "" {
				wantLines++
			}
		}
	}
	for e := range shop.Events() {
		if e.ItemID != "" && e.Person() != "" {
			wantEvents++
		}
	}
	paths := map[string]string{
		"orders.jsonl": writeWith(t, filepath.Join(dir, "orders.jsonl"), func(w io.Writer) error { return profile.WriteOrdersJSONL(w, shop.Orders()) }),
		"orders.csv":   writeWith(t, filepath.Join(dir, "orders.csv"), func(w io.Writer) error { return profile.WriteOnlineRetail(w, shop.Orders()) }),
		"events.jsonl": writeWith(t, filepath.Join(dir, "events.jsonl"), func(w io.Writer) error { return profile.WriteEventsJSONL(w, shop.Events()) }),
	}
	for _, c := range []struct {
		flag, file string
		want       int
	}{{"-orders", "orders.jsonl", wantLines}, {"-orders", "orders.csv", wantLines}, {"-events", "events.jsonl", wantEvents}} {
		var out, errb bytes.Buffer
		if err := run([]string{c.flag, paths[c.file], "-split", "0.75", "-json"}, &out, &errb); err != nil {
			t.Fatalf("%s: %v\n%s", c.file, err, errb.String())
		}
		var res result
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		if res.TrainRows+res.TestRows != c.want || res.Metrics == nil || res.Metrics.Users == 0 || errb.Len() != 0 {
			t.Errorf("%s: %d+%d interactions, want %d; metrics %+v; stderr %q", c.file, res.TrainRows, res.TestRows, c.want, res.Metrics, errb.String())
		}
		// The fit reports what it read: every training row. Order lines are purchases, all used;
		// the shop's events include impressions, a kind that weighs nothing, reported as such.
		if res.Fit.Read != res.TrainRows || res.Fit.Used == 0 || res.Fit.ZeroWeight != nil {
			t.Errorf("%s: fit report %+v for %d training rows", c.file, res.Fit, res.TrainRows)
		}
		if c.flag == "-orders" && res.Fit.Ignored() != 0 {
			t.Errorf("%s: %d order lines ignored: %+v", c.file, res.Fit.Ignored(), res.Fit)
		}
		if c.flag == "-events" && (res.Fit.UnknownKinds["impression"] == 0 || res.Fit.Ignored() != res.Fit.UnknownKinds["impression"]) {
			t.Errorf("%s: fit report %+v, want only impressions ignored", c.file, res.Fit)
		}
	}
}

// A bad row of an interactions file is skipped and reported with its line, field and value;
// an empty file, a file of bad rows and a wrong Online Retail header are errors.
func TestBadInputReported(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	var b strings.Builder
	for u := range 10 {
		for k := range 3 {
			fmt.Fprintf(&b, "u%d\ti%d\t1\t1000\n", u, (u+k)%5)
		}
	}
	var out, errb bytes.Buffer
	if err := run([]string{"-train", file("one-bad.tsv", b.String()+"u1\ti1\tx\t1000\n"), "-k", "2"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), `one-bad.tsv: skipped 1 bad row: line 31: field "weight" = "x"`) {
		t.Errorf("bad row not reported: %q", errb.String())
	}
	for _, c := range []struct {
		args []string
		want error
	}{
		{[]string{"-train", file("empty.tsv", "")}, cli.ErrNoRows},
		{[]string{"-train", file("bad.tsv", "u\n")}, cli.ErrNoRows},
		{[]string{"-train", file("ok.tsv", b.String()), "-test", file("empty-test.tsv", "")}, cli.ErrNoRows},
		{[]string{"-orders", file("header.csv", "InvoiceNo,Quantity\n1,2\n")}, textio.ErrHeader},
		{[]string{"-events", file("events.jsonl", "")}, cli.ErrNoRows},
	} {
		if err := run(c.args, &out, &errb); !errors.Is(err, c.want) {
			t.Errorf("%v: err = %v, want %v", c.args, err, c.want)
		}
	}
}

func TestTrainingFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-train", "a", "-orders", "b"}, "exclude each other"},
		{[]string{"-orders", "a", "-events", "b"}, "exclude each other"},
		{[]string{"-format", "cdnow"}, "-format needs -orders"},
		{[]string{"-orders", "x", "-format", "xml"}, "want online-retail, cdnow or tailor"},
		{[]string{"-events", "/nonexistent/e.jsonl"}, "/nonexistent/e.jsonl"},
	} {
		var out, errb bytes.Buffer
		if err := run(c.args, &out, &errb); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	var out, errb bytes.Buffer
	run([]string{"-h"}, &out, &errb)
	for _, f := range []string{"-orders", "-format", "-events"} {
		if !strings.Contains(errb.String(), "\n  "+f+" ") {
			t.Errorf("-h does not document %s", f)
		}
	}
}
