package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/segment"
)

// writeFile writes a file of the test's temporary directory.
func writeFile(t *testing.T, dir, name string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runPage(t *testing.T, args ...string) ([]byte, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	var stderr bytes.Buffer
	if err := run(context.Background(), append([]string{"-out", out}, args...), &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, stderr.String())
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return page, stderr.String()
}

// checkCohorts compares the cohort table with the library's cohorts of the same orders.
func checkCohorts(t *testing.T, figs map[string]*figure, orders []profile.Order) {
	t.Helper()
	act, err := segment.CollectActivity(context.Background(), slices.Values(orders), segment.CollectConfig{})
	if err != nil {
		t.Fatal(err)
	}
	coh, err := act.Cohorts(segment.CohortConfig{})
	if err != nil {
		t.Fatal(err)
	}
	f := figs["cohort-retention"]
	if f == nil || len(f.order) != len(coh.Sizes) {
		t.Fatalf("cohort table missing or of the wrong length (library: %d cohorts)", len(coh.Sizes))
	}
	for c := range coh.Sizes {
		exactInt(t, "cohort size "+coh.Label(c), f.cell(t, coh.Label(c), "customers"), int64(coh.Sizes[c]))
		for o := range coh.Active[c] {
			approx(t, "retention "+coh.Label(c), f.cell(t, coh.Label(c), "month "+strconv.Itoa(o)), coh.Retention(c, o))
		}
	}
}

// TestTailorFiles writes the synthetic shop in the tailor and CSV formats and reads the
// report back from the files: the same charts (but the sequential path, which needs per-unit
// data) with the same numbers.
func TestTailorFiles(t *testing.T) {
	d, err := shopData(600, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	orders := writeFile(t, dir, "orders.jsonl", func(b *bytes.Buffer) error { return profile.WriteOrdersJSONL(b, slices.Values(d.Orders)) })
	eventsJSONL := writeFile(t, dir, "events.jsonl", func(b *bytes.Buffer) error { return profile.WriteEventsJSONL(b, slices.Values(d.Events)) })
	eventsCSV := writeFile(t, dir, "events.csv", func(b *bytes.Buffer) error { return profile.WriteEventsCSV(b, slices.Values(d.Events)) })
	agg := writeFile(t, dir, "aggregates.csv", func(b *bytes.Buffer) error {
		w := csv.NewWriter(b)
		w.Write([]string{"experiment", "variant", "metric", "units", "sum", "sum_squares", "den_sum", "den_sum_squares", "cross_sum"})
		g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		for _, r := range d.Experiment {
			row := []string{r.Experiment, r.Variant, r.Metric, strconv.FormatInt(r.Units, 10), g(r.Sum), g(r.SumSquares), "", "", ""}
			if r.Ratio {
				row[6], row[7], row[8] = g(r.DenSum), g(r.DenSumSquares), g(r.CrossSum)
			}
			w.Write(row)
		}
		w.Flush()
		return w.Error()
	})
	for _, events := range []string{eventsJSONL, eventsCSV} {
		t.Run(filepath.Ext(events), func(t *testing.T) {
			page, _ := runPage(t, "-orders", orders, "-events", events, "-experiment", agg)
			doc, figs := parseFigures(t, page)
			for _, id := range allFigures {
				if _, ok := figs[id]; !ok && id != "ab-sequential" {
					t.Errorf("figure %q missing", id)
				}
			}
			if _, ok := figs["ab-sequential"]; ok || !strings.Contains(string(page), "<li>abtest sequential path: ") {
				t.Error("a sequential path drawn without per-unit data, or not listed as left out")
			}
			for _, p := range offlineProblems(doc) {
				t.Error(p)
			}
			checkCohorts(t, figs, d.Orders)
			ro, err := abtest.Analyze(context.Background(), slices.Values(d.Experiment), abtest.ReadoutConfig{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ro.Experiments[0].Metrics {
				approx(t, m.Metric+" lift", figs["ab-lifts"].cell(t, m.Metric, "relative lift"), m.Comparisons[0].Relative.Estimate)
			}
			acc, err := metrics.NewAccumulator(metrics.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if err := acc.AddAll(context.Background(), slices.Values(d.Events)); err != nil {
				t.Fatal(err)
			}
			for _, row := range acc.Report(metrics.ByChannel()).Rows {
				exactInt(t, row.Key+" sessions", figs["channel-kpis"].cell(t, row.Key, "sessions"), row.Sessions)
			}
		})
	}
}

// sharedData returns the shared data directory, or skips.
func sharedData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if s := os.Getenv("TAILOR_SHARED"); s != "" {
		dir = filepath.Join(s, "data")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared data at %s (set TAILOR_SHARED): %v", dir, err)
	}
	return dir
}

func readOrders(t *testing.T, path string, format string) []profile.Order {
	t.Helper()
	read := profile.ReadCDNOW
	if format == "online-retail" {
		read = profile.ReadOnlineRetail
	}
	orders, err := readAll(path, read, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	return orders
}

// TestSharedFiles draws the real Online Retail and CDNOW files: the customer charts with the
// library's numbers, and the charts their data cannot give listed with the reason.
func TestSharedFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the shared data sets")
	}
	data := sharedData(t)
	for _, c := range []struct {
		file, format string
		want         []string
		missing      []string
	}{
		{"online-retail/online_retail_nonuk_customers.csv", "online-retail",
			[]string{"cohort-retention", "rfm-segments", "rfm-matrix", "clusters", "recs-precision-recall"},
			[]string{"kpis: no events", "abtest: no experiment aggregates"}},
		{"cdnow/CDNOW_master.txt", "cdnow",
			[]string{"cohort-retention", "rfm-segments", "rfm-matrix", "clusters", "clv-alive", "clv-frequency-recency", "clv-value"},
			[]string{"kpis: no events", "recommender: no order lines with an item ID"}},
	} {
		t.Run(c.format, func(t *testing.T) {
			path := filepath.Join(data, c.file)
			page, _ := runPage(t, "-orders", path, "-format", c.format)
			doc, figs := parseFigures(t, page)
			for _, id := range c.want {
				f, ok := figs[id]
				if !ok {
					t.Errorf("figure %q missing", id)
					continue
				}
				if !strings.Contains(f.caption, filepath.Base(c.file)) {
					t.Errorf("%s: the caption does not name the file: %q", id, f.caption)
				}
			}
			for _, m := range c.missing {
				if !strings.Contains(string(page), "<li>"+m) {
					t.Errorf("the page does not list %q among the charts left out", m)
				}
			}
			// Every chart is drawn or listed with the reason it is not.
			for id, section := range figureSections() {
				if _, ok := figs[id]; !ok && !strings.Contains(string(page), "<li>"+section+": ") {
					t.Errorf("figure %q is neither drawn nor listed as left out", id)
				}
			}
			for _, p := range offlineProblems(doc) {
				t.Error(p)
			}
			checkCohorts(t, figs, readOrders(t, path, c.format))
		})
	}
}

// figureSections maps each figure to its section in the page's list of charts left out.
func figureSections() map[string]string {
	return map[string]string{
		"cohort-retention": "cohorts", "rfm-segments": "rfm", "rfm-matrix": "rfm", "clusters": "clusters",
		"channel-kpis": "kpis", "funnel": "kpis", "clv-alive": "clv", "clv-frequency-recency": "clv", "clv-value": "clv",
		"ab-lifts": "abtest", "ab-sequential": "abtest", "recs-precision-recall": "recommender",
	}
}

// TestHostileNames gives markup as experiment, variant and metric names: the page escapes it
// everywhere (captions, SVG text, tables) and stays free of scripts.
func TestHostileNames(t *testing.T) {
	dir := t.TempDir()
	agg := writeFile(t, dir, "agg.csv", func(b *bytes.Buffer) error {
		_, err := b.WriteString("experiment,variant,metric,units,sum,sum_squares\n" +
			`"<script>x</script>&",control,"<img src=https://example.com/x>",100,10,10` + "\n" +
			`"<script>x</script>&","</svg><script>y</script>","<img src=https://example.com/x>",100,14,14` + "\n")
		return err
	})
	page, _ := runPage(t, "-experiment", agg)
	doc, figs := parseFigures(t, page)
	for _, p := range offlineProblems(doc) {
		t.Error(p)
	}
	if _, ok := figs["ab-lifts"]; !ok {
		t.Error("no experiment chart")
	}
	if !strings.Contains(string(page), "&lt;script&gt;") {
		t.Error("the experiment's name is not shown escaped")
	}
}
