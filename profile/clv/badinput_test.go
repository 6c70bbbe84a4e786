package clv

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The probe of issue 13 made permanent: every numeric field of every input at the extremes
// (NaN, ±Inf, 1e308, 5e-324, 2^53, 2^62, negative) and degenerate data sets (all identical,
// one customer, no repeaters, recency > T) through Summarize, every fit, Predict and Value.
// Each gives a clear error or a finite, documented result: never NaN or Inf with a nil error,
// never a panic, and every fit returns within a bound.

const (
	two53 = 1 << 53
	two62 = 1 << 62
)

var extremes = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308, 5e-324, two53, two62, -1}

// TestSummarizeExtremeAmounts: an amount beyond textio.MaxMagnitude (1e15) is ErrData naming
// the transaction; tiny ones are kept.
func TestSummarizeExtremeAmounts(t *testing.T) {
	day := date("2020-01-01")
	for _, v := range extremes {
		tx := []Transaction{{Customer: "a", Time: day, Amount: 5}, {Customer: "a", Time: day.AddDate(0, 0, 3), Amount: v}}
		cs, err := Summarize(slices.Values(tx), SummaryConfig{})
		inRange := !math.IsNaN(v) && math.Abs(v) <= 1e15
		switch {
		case !inRange && !errors.Is(err, ErrData):
			t.Errorf("amount %v: %v, %+v; want ErrData", v, err, cs)
		case !inRange && err != nil && !strings.Contains(err.Error(), "transaction 1"):
			t.Errorf("amount %v: error %q does not name transaction 1", v, err)
		case inRange && (err != nil || len(cs) != 1 || cs[0].Monetary != v):
			t.Errorf("amount %v: %+v, %v", v, cs, err)
		}
	}
	// Many maximal amounts in one period add up without overflow (1e6 x 1e15 = 1e21).
	var tx []Transaction
	for range 1000 {
		tx = append(tx, Transaction{Customer: "a", Time: day, Amount: 1e15}, Transaction{Customer: "a", Time: day.AddDate(0, 0, 1), Amount: 1e15})
	}
	cs, err := Summarize(slices.Values(tx), SummaryConfig{})
	if err != nil || cs[0].Monetary != 1e18 {
		t.Errorf("sum of maximal amounts: %+v, %v", cs, err)
	}
}

// badCustomers is the table of single bad fields; each must be ErrData from every fit and from
// Predict and Value.
func badCustomers() []struct {
	name string
	c    Customer
} {
	var out []struct {
		name string
		c    Customer
	}
	add := func(name string, c Customer) {
		out = append(out, struct {
			name string
			c    Customer
		}{name, c})
	}
	for _, v := range extremes {
		if !(v >= 0) || math.IsInf(v, 0) {
			add(fmt.Sprintf("T=%v", v), Customer{Frequency: 1, Recency: 0, T: v, Monetary: 5})
			add(fmt.Sprintf("Recency=%v", v), Customer{Frequency: 1, Recency: v, T: 10, Monetary: 5})
		}
		if !(math.Abs(v) <= 1e15) || math.IsNaN(v) {
			add(fmt.Sprintf("Monetary=%v", v), Customer{Frequency: 1, Recency: 5, T: 10, Monetary: v})
			add(fmt.Sprintf("T=%v", v), Customer{Frequency: 1, Recency: 5, T: v, Monetary: 5})
		}
	}
	add("Frequency=-1", Customer{Frequency: -1, T: 10})
	add("Frequency=2^53", Customer{Frequency: two53, Recency: 5, T: 10, Monetary: 5})
	add("Frequency=2^62", Customer{Frequency: two62, Recency: 5, T: 10, Monetary: 5})
	add("Recency>T", Customer{Frequency: 2, Recency: 11, T: 10, Monetary: 5})
	add("Recency without repeats", Customer{Frequency: 0, Recency: 1, T: 10})
	return out
}

// goodData is enough for every fit.
func goodData() []Customer { return cdnowCustomersOrSmall() }

func cdnowCustomersOrSmall() []Customer {
	cs := simulateBGNBD(3, 2000, published, true)
	for i := range cs {
		if cs[i].Frequency > 0 {
			cs[i].Monetary = 20 + float64(i%37)
		}
	}
	return cs
}

func TestBadCustomersEverywhere(t *testing.T) {
	ctx := context.Background()
	base := goodData()
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	pn := ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	gg := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, b := range badCustomers() {
		cs := append(slices.Clone(base[:100]), b.c)
		for _, f := range allFits {
			start := time.Now()
			_, err := f.fit(ctx, cs, FitConfig{})
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("%s %s: %v", f.name, b.name, el)
			}
			// The purchase models do not read Monetary (documented on FitBGNBD).
			if f.name != "Gamma-Gamma" && strings.Contains(b.name, "Monetary") {
				continue
			}
			if !errors.Is(err, ErrData) || !strings.Contains(err.Error(), "customer 100") {
				t.Errorf("%s %s: %v, want ErrData naming customer 100", f.name, b.name, err)
			}
		}
		for _, m := range []PurchaseModel{bg, pn} {
			if _, err := Value(m, gg, b.c, ValueConfig{}); !errors.Is(err, ErrData) {
				t.Errorf("Value %T %s: %v, want ErrData", m, b.name, err)
			}
			if ps, err := Predict(m, gg, cs, ValueConfig{}); !errors.Is(err, ErrData) || ps != nil {
				t.Errorf("Predict %T %s: %v, want ErrData", m, b.name, err)
			}
		}
	}
}

// TestExtremeButValidCustomers: values at the edges of the accepted range give finite
// predictions, or a clear error; never NaN or Inf with a nil error.
func TestExtremeButValidCustomers(t *testing.T) {
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	pn := ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	gg := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs := []Customer{
		{ID: "tiny", Frequency: 1, Recency: 5e-324, T: 5e-324, Monetary: 5e-324},
		{ID: "1e15", Frequency: 1e15, Recency: 1e15, T: 1e15, Monetary: 1e15},
		{ID: "long T", Frequency: 3, Recency: 1e14, T: 1e15, Monetary: 1},
		{ID: "max spend", Frequency: 1, Recency: 1, T: 2, Monetary: 1e15},
		{ID: "negative spend", Frequency: 1, Recency: 1, T: 2, Monetary: -1e15},
		{ID: "zero", Frequency: 0, Recency: 0, T: 0},
		{ID: "tx=T", Frequency: 1000, Recency: 52, T: 52, Monetary: 3},
	}
	for _, m := range []PurchaseModel{bg, pn} {
		for _, cfg := range []ValueConfig{{}, {Horizon: MaxHorizon, PeriodLength: MaxPeriodLength, DiscountRate: 1e-9}, {DiscountRate: 1e308}} {
			for _, c := range cs {
				v, err := Value(m, gg, c, cfg)
				if testing.Verbose() {
					t.Logf("Value %T %+v %s: %v %v", m, cfg, c.ID, v, err)
				}
				if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
					t.Errorf("Value %T %+v %s: %v with nil error", m, cfg, c.ID, v)
				}
				if err != nil && !errors.Is(err, ErrModel) && !errors.Is(err, ErrInfiniteMean) {
					t.Errorf("Value %T %+v %s: unexpected error %v", m, cfg, c.ID, err)
				}
			}
			ps, err := Predict(m, gg, cs, cfg)
			for _, p := range ps {
				if !finite([]float64{p.ProbAlive, p.ExpectedPurchases, p.ExpectedSpend, p.Value}) || p.ProbAlive < 0 || p.ProbAlive > 1 {
					t.Errorf("Predict %T %+v: %+v", m, cfg, p)
				}
			}
			if err != nil && !errors.Is(err, ErrModel) && !errors.Is(err, ErrInfiniteMean) {
				t.Errorf("Predict %T %+v: %v", m, cfg, err)
			}
		}
	}
	// The fits on data with such rows end, with an estimate or an error.
	data := append(goodData()[:500], cs...)
	for _, f := range allFits {
		start := time.Now()
		ll, err := f.fit(context.Background(), data, FitConfig{})
		t.Logf("%s on data with these rows: LL %v, %v", f.name, ll, err)
		if err == nil && (math.IsNaN(ll) || math.IsInf(ll, 0)) {
			t.Errorf("%s: LL %v with nil error", f.name, ll)
		}
		if el := time.Since(start); el > 10*time.Second {
			t.Errorf("%s: %v", f.name, el)
		}
	}
}

// TestDegenerateData: all identical customers, one customer, no repeaters: an error or a
// finite fit, quickly.
func TestDegenerateData(t *testing.T) {
	same := make([]Customer, 1000)
	for i := range same {
		same[i] = Customer{Frequency: 3, Recency: 20, T: 30, Monetary: 10}
	}
	none := make([]Customer, 1000)
	for i := range none {
		none[i] = Customer{T: float64(i % 40)}
	}
	sets := map[string][]Customer{
		"all identical":  same,
		"one customer":   same[:1],
		"no repeaters":   none,
		"all T = 0":      make([]Customer, 50),
		"one repeater":   append(slices.Clone(none), same[0]),
		"identical x 10": same[:10],
	}
	for name, cs := range sets {
		for _, f := range allFits {
			for _, cfg := range []FitConfig{{}, {MinRepeaters: 1}} {
				start := time.Now()
				ll, err := f.fit(context.Background(), cs, cfg)
				el := time.Since(start)
				if err == nil && (math.IsNaN(ll) || math.IsInf(ll, 0)) {
					t.Errorf("%s %s: LL %v with nil error", name, f.name, ll)
				}
				if err != nil && !errors.Is(err, ErrTooFewRepeaters) && !errors.Is(err, ErrNotConverged) && !errors.Is(err, ErrInfiniteMean) && !errors.Is(err, ErrNoData) {
					t.Errorf("%s %s: unexpected error %v", name, f.name, err)
				}
				if el > 5*time.Second {
					t.Errorf("%s %s: %v, want well under 2 s", name, f.name, el)
				}
			}
		}
	}
}

// TestBadModelsAndConfigs: the zero-value models, NaN parameters and out-of-range ValueConfigs
// are errors from Value and Predict.
func TestBadModelsAndConfigs(t *testing.T) {
	c := Customer{Frequency: 2, Recency: 5, T: 10, Monetary: 5}
	gg := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	models := []struct {
		name string
		bg   PurchaseModel
		gg   GammaGamma
		want error
	}{
		{"zero BG/NBD", BGNBD{}, gg, ErrModel},
		{"NaN Pareto/NBD", ParetoNBD{R: math.NaN(), Alpha: 1, S: 1, Beta: 1}, gg, ErrModel},
		{"Inf BG/NBD", BGNBD{R: 1, Alpha: math.Inf(1), A: 1, B: 1}, gg, ErrModel},
		{"nil model", nil, gg, ErrModel},
		{"zero Gamma-Gamma", bg, GammaGamma{}, ErrModel},
		{"q = 1", bg, GammaGamma{P: 1, Q: 1, Gamma: 1}, ErrInfiniteMean},
		{"q = 0.29", bg, GammaGamma{P: 1, Q: 0.29, Gamma: 1}, ErrInfiniteMean},
	}
	for _, m := range models {
		if v, err := Value(m.bg, m.gg, c, ValueConfig{}); !errors.Is(err, m.want) {
			t.Errorf("Value %s: %v, %v; want %v", m.name, v, err, m.want)
		}
		if _, err := Predict(m.bg, m.gg, []Customer{c}, ValueConfig{}); !errors.Is(err, m.want) {
			t.Errorf("Predict %s: %v; want %v", m.name, err, m.want)
		}
	}
	for _, cfg := range []ValueConfig{
		{Horizon: -1}, {Horizon: MaxHorizon + 1}, {Horizon: 1_000_000_000},
		{PeriodLength: -1}, {PeriodLength: math.NaN()}, {PeriodLength: math.Inf(1)}, {PeriodLength: 1e308},
		{DiscountRate: -1}, {DiscountRate: math.NaN()}, {DiscountRate: math.Inf(1)}, {DiscountRate: -5e-324},
	} {
		if err := cfg.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: Validate %v", cfg, err)
		}
		start := time.Now()
		if _, err := Value(bg, gg, c, cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("Value %+v: %v", cfg, err)
		}
		if _, err := Predict(bg, gg, []Customer{c}, cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("Predict %+v: %v", cfg, err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("%+v: %v", cfg, el)
		}
	}
	// The largest accepted config is valid, and bounded: Predict on 2,000 customers.
	big := ValueConfig{Horizon: MaxHorizon, PeriodLength: MaxPeriodLength, DiscountRate: 1e-12}
	if err := big.Validate(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ps, err := Predict(bg, gg, goodData(), big)
	t.Logf("Predict on 2,000 customers at the largest horizon: %v", time.Since(start))
	if err != nil || len(ps) != 2000 {
		t.Errorf("largest config: %v", err)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("largest config: %v", el)
	}
}

// TestConcurrentModelUse: the models are plain values, documented safe for concurrent use;
// Predict, Value and every method from many goroutines at once give the same answers as one
// (run under -race in CI).
func TestConcurrentModelUse(t *testing.T) {
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	pn := ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	gg := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs := goodData()[:300]
	want, err := Predict(bg, gg, cs, ValueConfig{Horizon: 52, DiscountRate: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var m PurchaseModel = bg
			if g%2 == 1 {
				m = pn
			}
			got, err := Predict(m, gg, cs, ValueConfig{Horizon: 52, DiscountRate: 0.01})
			if err != nil {
				t.Error(err)
				return
			}
			if g%2 == 0 && !slices.Equal(got, want) {
				t.Error("concurrent Predict differs")
			}
			for _, c := range cs[:50] {
				_ = m.ProbAlive(c.Frequency, c.Recency, c.T)
				_ = bg.LogLikelihood(c.Frequency, c.Recency, c.T)
				_ = pn.LogLikelihood(c.Frequency, c.Recency, c.T)
				_ = bg.ExpectedPurchases(c.T)
			}
		})
	}
	wg.Wait()
}
