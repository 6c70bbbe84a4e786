package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runKPI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

// TestColumnsChannel: -columns channel is the default table, and the old value "mission" still
// gives it.
func TestColumnsChannel(t *testing.T) {
	def, err := runKPI(t, "", "-customers", "200", "-days", "30")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"channel", "mission"} {
		out, err := runKPI(t, "", "-customers", "200", "-days", "30", "-columns", v)
		if err != nil || out != def {
			t.Errorf("-columns %s: %v, output differs from the default:\n%s", v, err, out)
		}
	}
	if out, err := runKPI(t, "", "-customers", "200", "-days", "30", "-columns", "default"); err != nil || out == def {
		t.Errorf("-columns default: %v, same output as channel", err)
	}
}

// TestDefaultRun: no flags (a smaller shop to stay fast) prints the per-channel overview table,
// the funnel and the session statistics.
func TestDefaultRun(t *testing.T) {
	out, err := runKPI(t, "", "-customers", "300", "-days", "90")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# KPIs by channel: synthetic shop",
		"| channel | sessions | time on site (s) | bounce rate | AOV | conversion/session | most popular item |",
		"| search |", "| total |", "## Funnel (loose order, per person)", "| 1. view |", "| 4. purchase |",
		"## Sessions", "| sessions per visitor |", `| unknown type "login" |`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestEventsFileJSON reads metrics' test events file and checks the JSON against the pandas
// expectation for the total (sessions and orders).
func TestEventsFileJSON(t *testing.T) {
	file := filepath.Join("..", "..", "metrics", "testdata", "events.csv")
	out, err := runKPI(t, "", "-events", file, "-json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Report struct {
			Total struct {
				Sessions, Orders int64
				Bounce           struct{ Successes, Trials int64 }
			}
		}
		Funnel struct{ Steps []struct{ Reached int64 } }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "metrics", "testdata", "kpi_expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Total struct {
			Sessions, Orders int64
			Engaged          [2]int64
		}
		Funnel struct{ Loose []int64 }
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	tot := res.Report.Total
	if tot.Sessions != want.Total.Sessions || tot.Orders != want.Total.Orders ||
		tot.Bounce.Successes != want.Total.Engaged[1]-want.Total.Engaged[0] || len(res.Funnel.Steps) != 4 ||
		res.Funnel.Steps[3].Reached != want.Funnel.Loose[3] {
		t.Fatalf("got %+v, pandas %+v", res, want)
	}
}

func TestVariantComparison(t *testing.T) {
	out, err := runKPI(t, "", "-customers", "300", "-days", "90", "-by", "variant", "-compare", "control,treatment", "-columns", "Sessions,Orders")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| variant | sessions | orders |", "| control |", "| treatment |", "| (none) |", "## control vs treatment", "| conversion/session |"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestBadInput: each bad invocation or file gives an error naming what is wrong.
func TestBadInput(t *testing.T) {
	const head = "time,customer_id,type\n"
	cases := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"bad time", head + "2025-01-01T00:00:00Z,c1,view\nyesterday,c1,view\n", []string{"-events", "-"}, `line 3: field "time" = "yesterday"`},
		{"bad header", "when,customer_id,type\n", []string{"-events", "-"}, `line 1: field "when"`},
		{"unknown dimension", "", []string{"-by", "colour"}, `-by "colour"`},
		{"variant with a file", head, []string{"-events", "-", "-by", "variant"}, "-by variant needs the synthetic shop"},
		{"unknown column", head, []string{"-events", "-", "-columns", "Sessions,Nope"}, `unknown column "Nope"`},
		// Refused while parsing flags, before the synthetic shop is simulated.
		{"unknown column, synthetic shop", "", []string{"-columns", "Nope"}, `-columns: unknown column "Nope"`},
		{"empty column list", "", []string{"-columns", ","}, `-columns ",": no column names`},
		{"missing compare row", head + "2025-01-01T00:00:00Z,c1,view\n", []string{"-events", "-", "-compare", "a,b"}, "-compare a,b: no such rows"},
		{"bad alpha", "", []string{"-alpha", "1.5"}, "-alpha 1.5"},
		{"zero alpha", "", []string{"-alpha", "0"}, "-alpha 0"},
		{"bad method", "", []string{"-method", "wald"}, `-method "wald"`},
		{"no such file", "", []string{"-events", "/nonexistent/events.csv"}, "no such file"},
		{"extra argument", "", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		out, err := runKPI(t, c.stdin, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
		if out != "" {
			t.Errorf("%s: printed a partial result before the error:\n%s", c.name, out)
		}
	}
	// -skip-bad counts bad rows and goes on.
	out, err := runKPI(t, head+"yesterday,c1,view\n2025-01-01T00:00:00Z,c1,view\n", "-events", "-", "-skip-bad")
	if err != nil || !strings.Contains(out, "1 bad rows skipped.") || !strings.Contains(out, "| total | 1 |") {
		t.Errorf("skip-bad: %v\n%s", err, out)
	}
	if _, err := runKPI(t, "", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// TestStitch: with -stitch, anonymous sessions of the synthetic shop's customers join their
// customer, so there are fewer visitors and no fewer buyers; the funnel's people shrink the same
// way.
func TestStitch(t *testing.T) {
	args := []string{"-customers", "300", "-days", "90", "-json", "-by", "all"}
	visitors := func(extra ...string) (v, buyers int64) {
		out, err := runKPI(t, "", append(args, extra...)...)
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Report struct {
				Total struct {
					Visitors          int64
					VisitorConversion struct{ Successes int64 }
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return res.Report.Total.Visitors, res.Report.Total.VisitorConversion.Successes
	}
	plain, plainBuyers := visitors()
	stitched, stitchedBuyers := visitors("-stitch")
	if !(stitched < plain) || stitchedBuyers != plainBuyers {
		t.Fatalf("visitors %d -> %d, buyers %d -> %d", plain, stitched, plainBuyers, stitchedBuyers)
	}
	if _, err := runKPI(t, "", "-events", "-", "-stitch"); err == nil || !strings.Contains(err.Error(), "cannot read standard input") {
		t.Fatalf("-stitch with stdin: %v", err)
	}
}
