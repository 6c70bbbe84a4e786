package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/segment"
)

func TestShopJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run([]string{"-json", "-restarts", "2", "-rule", `orders >= 3`}, nil, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Mode != "shop" || r.Customers == 0 || len(r.RFM.Segments) == 0 || len(r.Cohorts.Cohorts) == 0 || r.KMeans.K != 5 {
		t.Fatalf("report %+v", r)
	}
	// Consistency: segments and clusters each partition the customers; cohort sizes add up.
	seg, clu, coh, life := 0, 0, 0, 0
	for _, s := range r.RFM.Segments {
		seg += s.Customers
	}
	for _, c := range r.KMeans.Clusters {
		clu += c.Size
	}
	for _, c := range r.Cohorts.Cohorts {
		coh += c.Customers
		if c.Retention[0] != 1 {
			t.Errorf("cohort %s retention at 0 = %v", c.Cohort, c.Retention[0])
		}
	}
	for _, n := range r.Lifecycle {
		life += n
	}
	if seg != r.Customers || clu != r.Customers || coh != r.Customers || life != r.Customers {
		t.Errorf("customers %d: segments %d, clusters %d, cohorts %d, lifecycle %d", r.Customers, seg, clu, coh, life)
	}
	if r.Rule == nil || r.Rule.Customers <= 0 || r.Rule.Customers > r.Customers || len(r.Segments) != 4 {
		t.Errorf("rules %+v %+v", r.Rule, r.Segments)
	}
}

func TestShopText(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-restarts", "1", "-period", "week", "-table", "rfm-doc"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RFM segments", "Cohort retention by week", "Lifecycle:", "Advocates", "k-means", "Rule segments"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFeatures(t *testing.T) {
	dir := t.TempDir()
	labels := filepath.Join(dir, "labels.csv")
	var out bytes.Buffer
	err := run([]string{"-features", "../../segment/testdata/kmeans_points.csv", "-k", "5", "-restarts", "3", "-out", labels, "-json"}, nil, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	var r featuresResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err, out.String())
	}
	// scikit-learn's inertia for k = 5 on this file is 2477.887 (segment/testdata/sklearn_kmeans.json).
	if r.Rows != 600 || r.K != 5 || r.Inertia > 2477.887*(1+1e-4) || len(r.Sizes) != 5 {
		t.Errorf("result %+v", r)
	}
	b, err := os.ReadFile(labels)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 601 || lines[0] != "label" {
		t.Errorf("labels file: %d lines, first %q", len(lines), lines[0])
	}
}

func TestOrdersFiles(t *testing.T) {
	shared := os.Getenv("TAILOR_SHARED")
	if shared == "" {
		shared = filepath.Join("..", "..", "..", "shared")
	}
	cdnow := filepath.Join(shared, "data", "cdnow", "CDNOW_sample.txt")
	retail := filepath.Join(shared, "data", "online-retail", "online_retail_head10000.csv")
	for _, f := range []string{cdnow, retail} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("shared data not found (%v); set TAILOR_SHARED", err)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"-orders", cdnow, "-format", "cdnow", "-json", "-restarts", "1"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	// CDNOW_sample.txt: 2,357 customers (the calibration sample of the CLV literature).
	if r.Mode != "orders" || r.Customers != 2357 || r.BadRows != 0 {
		t.Errorf("cdnow sample: %d customers, %d bad rows", r.Customers, r.BadRows)
	}
	out.Reset()
	if err := run([]string{"-orders", retail, "-now", "2011-01-01", "-restarts", "1"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "analysis date 2011-01-01") {
		t.Errorf("online retail output:\n%s", out.String())
	}
}

func TestBadUsage(t *testing.T) {
	cases := [][]string{
		{"-format", "xls"}, {"-period", "day"}, {"-table", "x"}, {"-scale", "log"}, {"-now", "31/12/2025"},
		{"-k", "-1"}, {"-k", "0"}, {"-features", "x.csv", "-k", "0"}, {"-restarts", "0"}, {"-orders", "a", "-features", "b"}, {"extra"},
		{"-orders", "/nonexistent/file"}, {"-features", "/nonexistent/file"}, {"-rule", "orders >"},
		// A flag of the other mode is refused, not ignored.
		{"-out", "labels.csv"}, {"-scale", "z"}, {"-log1p"},
		{"-features", "x.csv", "-now", "2025-01-01"}, {"-features", "x.csv", "-table", "pymc"},
		{"-features", "x.csv", "-rule", "orders > 1"}, {"-features", "x.csv", "-format", "cdnow"},
	}
	for _, args := range cases {
		var out bytes.Buffer
		err := run(args, nil, &out, &out)
		if err == nil {
			t.Errorf("%v: no error", args)
			continue
		}
		// The program's name comes once, whether the error is the program's or the library's.
		if line := errorLine(err); !strings.HasPrefix(line, "segment: ") || strings.Contains(line, "segment: segment:") {
			t.Errorf("%v: error line %q", args, line)
		}
	}
	// More clusters than points: the error says which flag to change.
	small := filepath.Join(t.TempDir(), "small.csv")
	os.WriteFile(small, []byte("a,b\n1,2\n8,9\n"), 0o644)
	if err := run([]string{"-features", small, "-k", "3"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, segment.ErrTooFewPoints) ||
		!strings.Contains(err.Error(), "-k") {
		t.Errorf("k > points: %v", err)
	}
	var out bytes.Buffer
	if err := run([]string{"-h"}, nil, &out, &out); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, f := range []string{"-orders", "-format", "-features", "-k", "-seed", "-restarts", "-scale", "-log1p", "-out", "-table", "-period", "-now", "-rule", "-json"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("-h does not document %s", f)
		}
	}
	// Bad rows are skipped and counted; a file with no customer orders is an error.
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("1 19970101 1 10.5\nx y z\n2 19970102 2 3\n"), 0o644)
	out.Reset()
	if err := run([]string{"-orders", bad, "-format", "cdnow", "-json", "-k", "2", "-restarts", "1"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.BadRows != 1 || r.Customers != 2 {
		t.Errorf("bad rows: %v %+v", err, r)
	}
	// Two customers with identical values: k-means is skipped with a note, the rest is printed.
	os.WriteFile(bad, []byte("1 19970101 1 10.5\n2 19970101 1 10.5\n"), 0o644)
	out.Reset()
	if err := run([]string{"-orders", bad, "-format", "cdnow", "-restarts", "1"}, nil, &out, &bytes.Buffer{}); err != nil ||
		!strings.Contains(out.String(), "k-means skipped") || !strings.Contains(out.String(), "RFM segments") {
		t.Errorf("identical customers: %v\n%s", err, out.String())
	}
	os.WriteFile(bad, []byte("x y z\n"), 0o644)
	if err := run([]string{"-orders", bad, "-format", "cdnow"}, nil, &out, &bytes.Buffer{}); err == nil ||
		!strings.Contains(err.Error(), "-format online-retail") {
		t.Errorf("file without orders: %v, want a hint at the other format", err)
	}
}

// The JSON keys are the ones the program's doc comment lists (kmeans.skipped and features.out
// appear only when set).
func TestJSONKeysAsDocumented(t *testing.T) {
	keys := func(v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Sprintf("not an object: %v", v)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return strings.Join(ks, ",")
	}
	first := func(v any) any {
		if a, ok := v.([]any); ok && len(a) > 0 {
			return a[0]
		}
		return nil
	}
	var out bytes.Buffer
	if err := run([]string{"-json", "-restarts", "1", "-rule", "orders >= 3"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	get := func(v any, k string) any { m, _ := v.(map[string]any); return m[k] }
	for _, c := range []struct {
		what string
		v    any
		want string
	}{
		{"report", r, "advocates,bad_rows,cohorts,customers,future_orders,guest_orders,kmeans,lifecycle,mode,new_vs_returning,now,orders,repeat,returns,rfm,rule,segments,source"},
		{"rfm", r["rfm"], "segments,table"},
		{"rfm.segments[0]", first(get(r["rfm"], "segments")), "aov,customer_share,customers,order_share,orders,revenue,revenue_share,segment"},
		{"cohorts", r["cohorts"], "cohorts,period"},
		{"cohorts.cohorts[0]", first(get(r["cohorts"], "cohorts")), "cohort,customers,repeat_rate,retention"},
		{"lifecycle", r["lifecycle"], "active,churned,lapsed,new"},
		{"new_vs_returning[0]", first(r["new_vs_returning"]), "month,new,returning"},
		{"repeat", r["repeat"], "customers,mean_days_to_return,median_days_to_return,repeaters,share"},
		{"advocates[0]", first(r["advocates"]), "id,orders,rank,revenue"},
		{"kmeans", r["kmeans"], "clusters,inertia,iterations,k"},
		{"kmeans.clusters[0]", first(get(r["kmeans"], "clusters")), "orders,recency_days,revenue,size"},
		{"segments[0]", first(r["segments"]), "customers,name,text"},
		{"rule", r["rule"], "customers,text"},
	} {
		if got := keys(c.v); got != c.want {
			t.Errorf("%s keys %s, want %s", c.what, got, c.want)
		}
	}
	out.Reset()
	err := run([]string{"-features", "../../segment/testdata/kmeans_points.csv", "-k", "3", "-restarts", "1", "-json"}, nil, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(f), "columns,converged,inertia,iterations,k,mode,restarts,rows,seconds,seed,sizes,source"; got != want {
		t.Errorf("features keys %s, want %s", got, want)
	}
}

// The same orders in the three formats, with the format detected, give the same customers.
func TestFormatsDetected(t *testing.T) {
	shop := shopsim.New(shopsim.Config{Customers: 200, Seed: 3})
	dir := t.TempDir()
	write := func(name string, w func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		if err := w(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	files := []string{
		write("orders.jsonl", func(b *bytes.Buffer) error { return profile.WriteOrdersJSONL(b, shop.Orders()) }),
		write("orders.csv", func(b *bytes.Buffer) error { return profile.WriteOnlineRetail(b, shop.Orders()) }),
		write("cdnow.txt", func(b *bytes.Buffer) error { return profile.WriteCDNOW(b, shop.Orders()) }),
	}
	customers := -1
	for _, f := range files {
		var out bytes.Buffer
		if err := run([]string{"-orders", f, "-json", "-restarts", "1"}, nil, &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var r report
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if customers == -1 {
			customers = r.Customers
		} else if r.Customers != customers {
			t.Errorf("%s: %d customers, want %d as from orders.jsonl", f, r.Customers, customers)
		}
	}
	if customers <= 0 {
		t.Fatalf("%d customers", customers)
	}
}
