package abtest_test

import (
	"context"
	"math"
	"testing"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// TestMetricsRatesAreArms: a metrics ByVariant report's per-variant session conversion rates
// are abtest arms as they stand (one vocabulary, internal/stat): Report.Rates feeds ZTest in one
// call, and the test agrees with the pooled two-proportion z-test written out by hand from the
// rates' counts, z = (pB - pA) / sqrt(p(1-p)(1/nA + 1/nB)), p-value erfc(|z|/sqrt 2).
func TestMetricsRatesAreArms(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Customers: 400, Days: 90})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := metrics.NewAccumulator(metrics.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.AddAll(context.Background(), shop.Events()); err != nil {
		t.Fatal(err)
	}
	arms, err := acc.Report(metrics.ByVariant(shop.Variant)).Rates("SessionConversion")
	if err != nil {
		t.Fatal(err)
	}
	a, b := arms["control"], arms["treatment"]
	if a.Trials < 100 || b.Trials < 100 {
		t.Fatalf("arms %+v, %+v: too few sessions for a test", a, b)
	}
	z, err := abtest.ZTest(a, b, abtest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	xA, nA, xB, nB := float64(a.Successes), float64(a.Trials), float64(b.Successes), float64(b.Trials)
	p := (xA + xB) / (nA + nB)
	wantZ := (xB/nB - xA/nA) / math.Sqrt(p*(1-p)*(1/nA+1/nB))
	wantP := math.Erfc(math.Abs(wantZ) / math.Sqrt2)
	if math.Abs(z.Z-wantZ) > 1e-12*math.Max(1, math.Abs(wantZ)) || math.Abs(z.PValue-wantP) > 1e-12 {
		t.Errorf("ZTest(%v, %v) = z %v p %v, want z %v p %v", a, b, z.Z, z.PValue, wantZ, wantP)
	}
}
