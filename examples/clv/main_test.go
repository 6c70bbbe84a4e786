package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/sharedtest"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String(), err
}

// TestCDNOW: the contract of the issue, on CDNOW_sample.txt. The fit on the unrounded
// calibration data is CLVTools' (tests/testthat/test_correctness_bgnbd.R: 0.2425945,
// 4.4136019, 0.7929199, 2.4258881, LL -9582.429; clv.json), within 1e-4 relative.
func TestCDNOW(t *testing.T) {
	path := sharedtest.Path(t, "data/cdnow/CDNOW_sample.txt")
	out := filepath.Join(t.TempDir(), "pred.csv")
	text, err := runCLI(t, "-transactions", path, "-format", "cdnow", "-end", "1997-09-30", "-period", "week", "-horizon", "52", "-json", "-out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var rep report
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	want := map[string]float64{"r": 0.2425945, "alpha": 4.4136019, "a": 0.7929199, "b": 2.4258881}
	for k, w := range want {
		if g := rep.Purchase.Params[k]; math.Abs(g-w) > 1e-4*w {
			t.Errorf("%s = %v, want %v", k, g, w)
		}
	}
	if math.Abs(rep.Purchase.LogLikelihood-(-9582.429207)) > 1e-4 || rep.Customers != 2357 || rep.Repeaters != 946 || len(rep.Top) != 10 {
		t.Errorf("report %+v", rep)
	}
	for i := 1; i < len(rep.Top); i++ {
		if rep.Top[i].Value > rep.Top[i-1].Value {
			t.Errorf("top list not sorted by value at %d", i)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2358 || lines[0] != "customer,frequency,recency,T,monetary,p_alive,expected_purchases,expected_spend,value" {
		t.Errorf("CSV: %d lines, header %q", len(lines), lines[0])
	}
	// The text output names the parameters and the log-likelihood.
	text, err = runCLI(t, "-transactions", path, "-end", "1997-09-30", "-top", "3")
	if err != nil || !strings.Contains(text, "log-likelihood -9582.4292") || !strings.Contains(text, "top 3 customers") {
		t.Errorf("text output: %v\n%s", err, text)
	}
}

func TestSyntheticShopByDefault(t *testing.T) {
	text, err := runCLI(t, "-top", "2")
	if err != nil || !strings.Contains(text, "synthetic shop") || !strings.Contains(text, "BG/NBD") {
		t.Fatalf("%v\n%s", err, text)
	}
}

func TestBadInvocations(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-orders", "x", "-format", "xml"}, "want online-retail, cdnow or tailor"},
		{[]string{"-horizon", "0"}, "positive number of periods"},
		{[]string{"-period", "fortnight"}, "unknown period"},
		{[]string{"-end", "30/09/1997"}, "want YYYY-MM-DD"},
		{[]string{"-transactions", "/does/not/exist"}, "no such file"},
		{[]string{"stray"}, "unexpected argument"},
		{[]string{"-discount", "-1"}, "finite rate >= 0"},
	}
	for _, c := range cases {
		_, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
}

// TestUnidentifiableData: three weeks of Online Retail orders show no dropout; the BG/NBD
// maximum is on the boundary (a -> 0, b -> infinity; SciPy's Nelder-Mead agrees), and the
// program says so instead of printing nonsense.
func TestUnidentifiableData(t *testing.T) {
	path := sharedtest.Path(t, "data/online-retail/online_retail_head39529.csv")
	_, err := runCLI(t, "-transactions", path, "-format", "online-retail")
	if err == nil || !strings.Contains(err.Error(), "cannot identify") {
		t.Errorf("err = %v", err)
	}
}

// TestParetoNBDModel: -model pnbd on CDNOW fits Pareto/NBD; clv.json pareto_nbd.clvtools_estimate
// ours.MLE_unrounded: (0.553277, 10.577683, 0.60624, 11.668725), LL -9594.976179 (CLVTools
// -9594.976).
func TestParetoNBDModel(t *testing.T) {
	path := sharedtest.Path(t, "data/cdnow/CDNOW_sample.txt")
	text, err := runCLI(t, "-transactions", path, "-end", "1997-09-30", "-model", "pnbd", "-json", "-top", "1")
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var rep report
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Purchase.Model != "Pareto/NBD" || math.Abs(rep.Purchase.LogLikelihood-(-9594.976179)) > 1e-4 ||
		math.Abs(rep.Purchase.Params["r"]-0.553277) > 1e-3*0.553277 || math.Abs(rep.Purchase.Params["s"]-0.60624) > 1e-3*0.60624 {
		t.Errorf("report %+v", rep.Purchase)
	}
	if _, err := runCLI(t, "-model", "weibull"); err == nil || !strings.Contains(err.Error(), "want bgnbd or pnbd") {
		t.Errorf("bad model: %v", err)
	}
}
