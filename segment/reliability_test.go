package segment

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// The standing probes of issue 13 for this package: every numeric field of orders, values,
// points and configs at NaN, ±Inf, 1e308, 5e-324, 2^53 and 2^62; times zero, far past and far
// future; empty IDs and duplicates; degenerate data for every fit; concurrent use of what is
// documented safe; and bounds on the time of long computations.

var day0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func order1(id, cust string, t time.Time, qty int, price float64) profile.Order {
	return profile.Order{ID: id, CustomerID: cust, Time: t, Lines: []profile.Line{{ItemID: "i", Category: "c", Quantity: qty, UnitPrice: price}}}
}

// TestActivityMergeSelf: a.Merge(a) is ErrSelfMerge and leaves a unchanged. Before, it counted
// every order twice.
func TestActivityMergeSelf(t *testing.T) {
	a := &Activity{}
	o := order1("o1", "c", day0, 1, 10)
	if err := a.Add(o); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(a); !errors.Is(err, ErrSelfMerge) {
		t.Errorf("Merge(self) = %v, want ErrSelfMerge", err)
	}
	v := must(a.RFM(RFMValuesConfig{}))
	if len(v) != 1 || v[0].Orders != 1 || v[0].Revenue != 10 {
		t.Errorf("after a refused self-merge: %+v", v)
	}
	b := &Activity{}
	if err := b.Merge(a); err != nil {
		t.Errorf("Merge of another activity: %v", err)
	}
}

// TestActivityBadOrders is the table of bad orders and the exact behaviour for each: an error
// wrapping the named sentinel (and the Activity unchanged), or a documented result.
func TestActivityBadOrders(t *testing.T) {
	line := func(mod func(l *profile.Line)) profile.Order {
		o := order1("o1", "c", day0, 2, 10)
		mod(&o.Lines[0])
		return o
	}
	at := func(tm time.Time) profile.Order { return order1("o1", "c", tm, 1, 10) }
	cases := []struct {
		name string
		o    profile.Order
		err  error
	}{
		{"UnitPrice NaN", line(func(l *profile.Line) { l.UnitPrice = math.NaN() }), profile.ErrNotFinite},
		{"UnitPrice +Inf", line(func(l *profile.Line) { l.UnitPrice = math.Inf(1) }), profile.ErrNotFinite},
		{"UnitPrice -Inf", line(func(l *profile.Line) { l.UnitPrice = math.Inf(-1) }), profile.ErrNotFinite},
		{"UnitPrice 1e308", line(func(l *profile.Line) { l.UnitPrice = 1e308 }), ErrOutOfRange},
		{"UnitPrice 2^53", line(func(l *profile.Line) { l.UnitPrice = 1 << 53 }), ErrOutOfRange},
		{"UnitPrice 2^62", line(func(l *profile.Line) { l.UnitPrice = 1 << 62 }), ErrOutOfRange},
		{"ListPrice NaN", line(func(l *profile.Line) { l.ListPrice = math.NaN() }), profile.ErrNotFinite},
		{"ListPrice 1e308", line(func(l *profile.Line) { l.ListPrice = 1e308 }), ErrOutOfRange},
		{"Quantity 2^53", line(func(l *profile.Line) { l.Quantity = 1 << 53 }), ErrOutOfRange},
		{"Quantity 2^62", line(func(l *profile.Line) { l.Quantity = 1 << 62 }), ErrOutOfRange},
		{"Quantity -2^62 (a return)", line(func(l *profile.Line) { l.Quantity = -1 << 62 }), ErrOutOfRange},
		{"amount 1e8 x 1e8", line(func(l *profile.Line) { l.Quantity, l.UnitPrice = 1e8, 1e8 }), ErrOutOfRange},
		{"Quantity 0", line(func(l *profile.Line) { l.Quantity = 0 }), profile.ErrZeroQuantity},
		{"zero time", at(time.Time{}), profile.ErrMissing},
		{"year 0", at(time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)), ErrOutOfRange},
		{"year 10000", at(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)), ErrOutOfRange},
		{"year 10 million", at(time.Date(10_000_000, 1, 1, 0, 0, 0, 0, time.UTC)), ErrOutOfRange},
		{"year -10 million", at(time.Date(-10_000_000, 1, 1, 0, 0, 0, 0, time.UTC)), ErrOutOfRange},
		{"empty order ID", order1("", "c", day0, 1, 10), profile.ErrMissing},
		{"no lines", profile.Order{ID: "o1", CustomerID: "c", Time: day0}, profile.ErrMissing},
	}
	for _, c := range cases {
		a := &Activity{}
		err := a.Add(c.o)
		if !errors.Is(err, c.err) || a.Len() != 0 {
			t.Errorf("%s: err %v (customers %d), want %v", c.name, err, a.Len(), c.err)
			continue
		}
		if !strings.Contains(err.Error(), "segment: order") {
			t.Errorf("%s: error %q does not name the order", c.name, err)
		}
	}

	// Accepted, with their documented results.
	add := func(orders ...profile.Order) *Activity {
		a := &Activity{}
		for i := range orders {
			if err := a.Add(orders[i]); err != nil {
				t.Fatalf("%s: %v", orders[i].ID, err)
			}
		}
		return a
	}
	// Tiny and boundary magnitudes are ordinary values.
	a := add(order1("a", "c", day0, 3, 5e-324), order1("b", "d", day0, 1, 1e15), order1("e", "f", day0, 1e15, 1))
	for _, v := range must(a.RFM(RFMValuesConfig{})) {
		if !finite(v.Monetary) || v.Monetary < 0 {
			t.Errorf("customer %s: monetary %v", v.ID, v.Monetary)
		}
	}
	if _, err := FitRFM(must(a.RFM(RFMValuesConfig{})), RFMConfig{}); err != nil {
		t.Errorf("FitRFM at the magnitude bound: %v", err)
	}
	// A guest order (no customer ID) is counted and skipped.
	if a := add(order1("g", "", day0, 1, 10)); a.GuestOrders != 1 || a.Len() != 0 {
		t.Errorf("guest order: guests %d, customers %d", a.GuestOrders, a.Len())
	}
	// An order added twice counts twice (orders are not deduplicated).
	if v := must(add(order1("o", "c", day0, 1, 10), order1("o", "c", day0, 1, 10)).RFM(RFMValuesConfig{})); v[0].Orders != 2 || v[0].Revenue != 20 {
		t.Errorf("duplicate order: %+v", v)
	}
	// Negative quantities are a return: revenue goes down, no order, no activity (recency is
	// still counted from the last order, which is also the latest order in the data).
	ret := add(order1("o", "c", day0, 2, 10), order1("r", "c", day0.AddDate(0, 0, 10), -1, 10), order1("r2", "x", day0, -1, 10))
	if v := must(ret.RFM(RFMValuesConfig{})); len(v) != 1 || v[0].Orders != 1 || v[0].Revenue != 10 || v[0].Recency != 0 || ret.Returns != 2 {
		t.Errorf("returns: %+v, %d returns", v, ret.Returns)
	}
	// Dates before 1970 and in the years 1 and 9999 are ordinary dates: recency spans them in
	// fractional days (0001-01-02 to 9999-12-31 is 3,652,057 days by Python's datetime.date).
	fut := add(order1("o", "c", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 1, 10), order1("p", "d", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), 1, 10))
	v := must(fut.RFM(RFMValuesConfig{}))
	if len(v) != 2 || v[0].Recency != 0 || v[1].Recency != 3652057 {
		t.Errorf("far future and past: %+v", v)
	}
	st := must(fut.Lifecycle(LifecycleConfig{}))
	if len(st) != 2 || st[0].Stage != profile.New || st[1].Stage != profile.Churned {
		t.Errorf("stages %+v", st)
	}
	// An order after Now is left out and counted: never a negative recency.
	past := activityAt(t, day0, []profile.Order{order1("o", "c", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 1, 10),
		order1("p", "d", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), 1, 10)})
	if v := must(past.RFM(RFMValuesConfig{})); past.Future != 1 || len(v) != 1 || v[0].ID != "d" || v[0].Recency <= 0 {
		t.Errorf("order after Now: %+v, %d future", v, past.Future)
	}
	if c := must(fut.Cohorts(CohortConfig{})); len(c.Sizes) != 2 || c.Label(0) != "0001-01" || c.Label(1) != "9999-12" {
		t.Errorf("cohorts over 10,000 years: %d rows", len(c.Sizes))
	}
}

// TestConfigsValidate: zero fields are the documented defaults; other values out of range fail
// Validate with ErrBadConfig naming the field, and the Activity methods return that error rather
// than silently use a default (before issue 12 they returned nil). Before: a NaN ChurnFactor made every lapsed customer churned, a
// negative Window became 90 days, a Top of 5 became 1%, an unknown Period became Month and an
// unknown Basis PerOrder.
func TestConfigsValidate(t *testing.T) {
	a := activityOf(t, []profile.Order{order1("a", "c", day0, 1, 10), order1("b", "c", day0.AddDate(0, 0, 1), 1, 20), order1("e", "d", day0, 1, 5)})
	for _, c := range []struct {
		field string
		err   error
		run   func() error // the method's error for the config
	}{
		{"Basis", RFMValuesConfig{Basis: 7}.Validate(), func() error { _, err := a.RFM(RFMValuesConfig{Basis: 7}); return err }},
		{"ActivityConfig.Now", ActivityConfig{Now: time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)}.Validate(), nil},
		{"ChurnFactor", LifecycleConfig{ChurnFactor: 0.5}.Validate(), nil}, // profile.Lifecycle's rule: >= 1
		{"Window", LifecycleConfig{Window: -time.Hour}.Validate(), func() error { _, err := a.Lifecycle(LifecycleConfig{Window: -time.Hour}); return err }},
		{`Windows["c"]`, LifecycleConfig{Windows: map[string]time.Duration{"c": -1}}.Validate(), nil},
		{"ChurnFactor", LifecycleConfig{ChurnFactor: math.NaN()}.Validate(), func() error { _, err := a.Lifecycle(LifecycleConfig{ChurnFactor: math.NaN()}); return err }},
		{"ChurnFactor", LifecycleConfig{ChurnFactor: math.Inf(1)}.Validate(), func() error { _, err := a.Customers(LifecycleConfig{ChurnFactor: math.Inf(1)}); return err }},
		{"ChurnFactor", LifecycleConfig{ChurnFactor: -1}.Validate(), nil},
		{"Top", AdvocateConfig{Top: 5}.Validate(), func() error { _, err := a.Advocates(AdvocateConfig{Top: 5}); return err }},
		{"Top", AdvocateConfig{Top: math.NaN()}.Validate(), nil},
		{"Top", AdvocateConfig{Top: -0.1}.Validate(), nil},
		{"MinOrders", AdvocateConfig{MinOrders: -1}.Validate(), nil},
		{"ActiveWithin", AdvocateConfig{ActiveWithin: -1}.Validate(), nil},
		{"Period", CohortConfig{Period: 9}.Validate(), func() error { _, err := a.Cohorts(CohortConfig{Period: 9}); return err }},
		{"K", KMeansConfig{K: -1}.Validate(), nil},
		{"Restarts", KMeansConfig{Restarts: -1}.Validate(), nil},
		{"MaxIter", KMeansConfig{MaxIter: -1}.Validate(), nil},
		{"Workers", KMeansConfig{Workers: -1}.Validate(), nil},
		{"LocalTrials", KMeansConfig{LocalTrials: 1 << 40}.Validate(), nil},
		{"Tol", KMeansConfig{Tol: math.Inf(1)}.Validate(), nil},
		{"Tol", KMeansConfig{Tol: math.NaN()}.Validate(), nil},
	} {
		if !errors.Is(c.err, ErrBadConfig) || !strings.Contains(c.err.Error(), c.field) {
			t.Errorf("%s: Validate = %v, want ErrBadConfig naming the field", c.field, c.err)
		}
		if c.run != nil {
			if err := c.run(); err == nil || err.Error() != c.err.Error() || !errors.Is(err, ErrBadConfig) {
				t.Errorf("%s: the method's error is %v, want Validate's %v", c.field, err, c.err)
			}
		}
	}
	for _, err := range []error{RFMValuesConfig{}.Validate(), LifecycleConfig{}.Validate(), AdvocateConfig{}.Validate(),
		CohortConfig{}.Validate(), KMeansConfig{}.Validate(), KMeansConfig{Tol: -1}.Validate()} {
		if err != nil {
			t.Errorf("a zero (or documented) config fails: %v", err)
		}
	}
	// FitRFM's own config: Bins beyond MaxBins, cut points beyond the magnitude bound.
	vals := must(a.RFM(RFMValuesConfig{}))
	for _, cfg := range []RFMConfig{{Bins: MaxBins + 1}, {Bins: 1 << 40}, {Bins: -1}, {Method: 3},
		{RecencyCuts: []float64{1, 1e308}}, {MonetaryCuts: []float64{math.Inf(-1), 0}}, {FrequencyCuts: []float64{2, 1}}} {
		if _, err := FitRFM(vals, cfg); !errors.Is(err, ErrBadConfig) {
			t.Errorf("FitRFM %+v: %v, want ErrBadConfig", cfg, err)
		}
	}
	if _, err := FitKMeans(context.Background(), Points{Data: []float64{1, 2, 3}, Dim: 1}, KMeansConfig{K: 2, LocalTrials: 1 << 40}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("FitKMeans with LocalTrials 2^40: %v, want ErrBadConfig", err)
	}
}

// TestFitBadValues: RFM values and k-means points at NaN, ±Inf, 1e308, 2^53 and 2^62 are
// errors naming the customer or point and column; 5e-324 and the bound 1e15 are ordinary.
// Before, 1e308 was accepted: recency cuts of ±1e308 overflowed to Inf in the quantiles, and
// k-means' squared distances to +Inf.
func TestFitBadValues(t *testing.T) {
	for _, c := range []struct {
		v   float64
		err error
	}{{math.NaN(), ErrNotFinite}, {math.Inf(1), ErrNotFinite}, {math.Inf(-1), ErrNotFinite},
		{1e308, ErrOutOfRange}, {-1e308, ErrOutOfRange}, {1 << 53, ErrOutOfRange}, {1 << 62, ErrOutOfRange},
		{5e-324, nil}, {1e15, nil}, {-1e15, nil}} {
		for col := range 3 {
			vals := []CustomerRFM{{ID: "a", Recency: 1, Frequency: 1, Monetary: 1}, {ID: "b", Recency: 2, Frequency: 2, Monetary: -1e15}}
			switch col {
			case 0:
				vals[1].Recency = c.v
			case 1:
				vals[1].Frequency = c.v
			default:
				vals[1].Monetary = c.v
			}
			m, err := FitRFM(vals, RFMConfig{})
			if c.err == nil {
				if err != nil {
					t.Errorf("FitRFM with %v in column %d: %v", c.v, col, err)
					continue
				}
				for _, s := range m.ScoreAll(vals) {
					if s.R < 1 || s.F < 1 || s.M < 1 {
						t.Errorf("FitRFM with %v: score %+v", c.v, s.RFMScore)
					}
				}
				continue
			}
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), `customer "b"`) {
				t.Errorf("FitRFM with %v in column %d: %v, want %v naming customer b", c.v, col, err, c.err)
			}
		}
		p := Points{Data: []float64{0, 0, 1, 1, 2, c.v}, Dim: 2}
		_, errK := FitKMeans(context.Background(), p, KMeansConfig{K: 2})
		_, errS := FitScaler(p, ScalerConfig{})
		_, errSil := Silhouette(p, []int{0, 0, 1}, SilhouetteConfig{})
		for _, err := range []error{errK, errS, errSil} {
			if c.err == nil && err != nil || c.err != nil && (!errors.Is(err, c.err) || !strings.Contains(err.Error(), "point 2, column 1")) {
				t.Errorf("points with %v: %v, want %v naming point 2, column 1", c.v, err, c.err)
			}
		}
	}
}

// TestDegenerateFits: every fit on one row, all-identical rows, K above n and no repeaters gives
// the documented result.
func TestDegenerateFits(t *testing.T) {
	ctx := context.Background()
	// One customer.
	one := activityOf(t, []profile.Order{order1("a", "c", day0, 1, 10)})
	m, err := FitRFM(must(one.RFM(RFMValuesConfig{})), RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if s := m.ScoreAll(must(one.RFM(RFMValuesConfig{}))); s[0].R != 5 || s[0].F != 1 || s[0].M != 1 {
		t.Errorf("one customer (BinsR): %+v, want recency 5 and the first bins", s[0].RFMScore)
	}
	if m, err := FitRFM(must(one.RFM(RFMValuesConfig{})), RFMConfig{Method: BinsQcut}); err != nil || m.Score(must(one.RFM(RFMValuesConfig{}))[0]).Code != "111" {
		t.Errorf("one customer (BinsQcut): %v", err)
	}
	if r := one.Repeat(); r.Customers != 1 || r.Repeaters != 0 || r.Share != 0 || r.MedianDaysToReturn != 0 {
		t.Errorf("no repeaters: %+v", r)
	}
	if adv := must(one.Advocates(AdvocateConfig{})); len(adv) != 0 {
		t.Errorf("no repeaters: advocates %+v, want none", adv)
	}
	if c := must(one.Cohorts(CohortConfig{})); len(c.Sizes) != 1 || c.RepeatRate(0) != 0 || c.Retention(0, 0) != 1 {
		t.Errorf("one customer's cohorts %+v", c)
	}
	if _, err := FitRFM(nil, RFMConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no customers: %v", err)
	}
	// All identical customers share every score.
	same := make([]CustomerRFM, 50)
	for i := range same {
		same[i] = CustomerRFM{ID: string(rune('a' + i%26)), Recency: 3, Frequency: 1, Monetary: 7}
	}
	for _, meth := range []BinMethod{BinsR, BinsQcut} {
		m, err := FitRFM(same, RFMConfig{Method: meth})
		if err != nil {
			t.Fatal(err)
		}
		codes := map[string]bool{}
		for _, s := range m.ScoreAll(same) {
			codes[s.Code] = true
		}
		if len(codes) != 1 {
			t.Errorf("identical customers (method %d) got codes %v", meth, codes)
		}
	}
	// k-means: one point, identical points, K above n.
	if km, err := FitKMeans(ctx, Points{Data: []float64{1, 2}, Dim: 2}, KMeansConfig{K: 1}); err != nil || km.Inertia != 0 || km.Sizes[0] != 1 {
		t.Errorf("one point: %+v, %v", km, err)
	}
	ident := Points{Data: make([]float64, 2*100), Dim: 2}
	for i := range ident.Data {
		ident.Data[i] = 4.25
	}
	if km, err := FitKMeans(ctx, ident, KMeansConfig{K: 1}); err != nil || km.Inertia != 0 {
		t.Errorf("identical points, K = 1: %v", err)
	}
	if _, err := FitKMeans(ctx, ident, KMeansConfig{K: 2}); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("identical points, K = 2: %v, want ErrTooFewPoints", err)
	}
	if _, err := FitKMeans(ctx, Points{Data: []float64{1, 2, 3}, Dim: 1}, KMeansConfig{K: 4}); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("K above n: %v, want ErrTooFewPoints", err)
	}
	if _, err := FitKMeans(ctx, Points{}, KMeansConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no points: %v, want ErrEmpty", err)
	}
	if s, err := FitScaler(ident, ScalerConfig{}); err != nil || s.Transform(nil, []float64{4.25, 4.25})[0] != 0 {
		t.Errorf("scaler on a constant column: %v", err)
	}
	if _, err := Silhouette(ident, make([]int, 100), SilhouetteConfig{}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("silhouette of one cluster: %v, want ErrBadConfig", err)
	}
	if _, _, err := ChooseK(ctx, ident, []int{2, 3}, KMeansConfig{}, SilhouetteConfig{}); err == nil {
		t.Error("ChooseK on identical points gave a k")
	}
}

// TestKMeansBounds: k-means returns within a stated time on adversarial data and honours its
// context within 100 ms.
func TestKMeansBounds(t *testing.T) {
	ctx := context.Background()
	// 100,000 identical points: ErrTooFewPoints from the seeding, within a second.
	n := 100000
	ident := Points{Data: make([]float64, 4*n), Dim: 4}
	for i := range ident.Data {
		ident.Data[i] = 1e15
	}
	start := time.Now()
	if _, err := FitKMeans(ctx, ident, KMeansConfig{K: 8}); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("identical points: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("100,000 identical points took %v, want under 1 s", took)
	}
	// Magnitudes at the bound, spread over the whole range: finite inertia, bounded by MaxIter
	// (under a second here; 20 s allowed for the race detector on a busy machine).
	rng := rand.New(rand.NewPCG(1, 2))
	huge := Points{Data: make([]float64, 4*20000), Dim: 4}
	for i := range huge.Data {
		huge.Data[i] = (2*rng.Float64() - 1) * 1e15
		if i%7 == 0 {
			huge.Data[i] = 5e-324
		}
	}
	start = time.Now()
	km, err := FitKMeans(ctx, huge, KMeansConfig{K: 8, Restarts: 2})
	if err != nil || !finite(km.Inertia) || km.Inertia <= 0 {
		t.Errorf("huge magnitudes: %v, inertia %v", err, km.Inertia)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("20,000 points of magnitude 1e15 took %v, want under 20 s (the race detector's bound)", took)
	} else {
		t.Logf("20,000 points of magnitude 1e15, K = 8, 2 restarts: %v", took)
	}
	// A long fit (many restarts, tolerance never met) stops within 100 ms of its context.
	big := Points{Data: make([]float64, 8*50000), Dim: 8}
	for i := range big.Data {
		big.Data[i] = rng.NormFloat64()
	}
	cctx, cancel := context.WithCancel(ctx)
	stopped := make(chan time.Time, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		stopped <- time.Now()
		cancel()
	}()
	_, err = FitKMeans(cctx, big, KMeansConfig{K: 50, Restarts: 1000, MaxIter: 100000, Tol: -1})
	if took := time.Since(<-stopped); !errors.Is(err, context.Canceled) || took > 100*time.Millisecond {
		t.Errorf("FitKMeans returned %v %v after the cancellation, want context.Canceled within 100 ms", err, took)
	}
	// Silhouette on 50,000 points scores a sample of 2,000: bounded by SampleSize, not n (the
	// exact score would cost 625 times the sample's, minutes; the bound allows the race
	// detector's slowdown).
	labels := make([]int, 50000)
	for i := range labels {
		labels[i] = i % 5
	}
	start = time.Now()
	if s, err := Silhouette(big, labels, SilhouetteConfig{}); err != nil || !finite(s) {
		t.Errorf("silhouette: %v %v", s, err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("silhouette of 50,000 points took %v, want under 10 s", took)
	}
}

// TestRuleBounds: deeply nested and very long rules are refused or evaluated quickly, never a
// stack overflow; a rule at the 64 KiB limit parses, prints and matches in well under a second.
func TestRuleBounds(t *testing.T) {
	s := testSchema()
	for _, src := range []string{
		strings.Repeat("(", 100000) + "orders > 1" + strings.Repeat(")", 100000),
		strings.Repeat("not ", 100000) + "orders > 1",
		strings.Repeat("not (", 5000) + "orders > 1" + strings.Repeat(")", 5000),
	} {
		start := time.Now()
		if _, err := ParseRule(src, s); !errors.Is(err, ErrSyntax) {
			t.Errorf("nesting of %d bytes: %v, want ErrSyntax", len(src), err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("refusing %d bytes took %v, want under 1 s", len(src), took)
		}
	}
	long := "orders >= 1"
	for len(long)+len(" or orders >= 1") < 64<<10 {
		long += " or orders >= 1"
	}
	start := time.Now()
	p, err := ParseRule(long, s)
	if err != nil {
		t.Fatalf("rule of %d bytes: %v", len(long), err)
	}
	c := alice()
	if !p.Match(c) || len(p.String()) == 0 {
		t.Error("the long rule does not match")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("a 64 KiB rule took %v", took)
	}
	if _, err := ParseRule(long+" or orders >= 1 or orders >= 2", s); !errors.Is(err, ErrSyntax) {
		t.Errorf("rule over 64 KiB: %v, want ErrSyntax", err)
	}
	for _, src := range []string{"orders > 1e309", "orders > -1e309", "orders > NaN", "orders > Inf"} {
		if _, err := ParseRule(src, s); err == nil {
			t.Errorf("%q parsed", src)
		}
	}
}

// TestSegmentersConcurrent: fitted RFM and k-means models, rules, scalers and their compositions
// are documented safe for concurrent use; call them from many goroutines under -race.
func TestSegmentersConcurrent(t *testing.T) {
	vals := make([]CustomerRFM, 200)
	custs := make([]Customer, 200)
	pts := Points{Dim: 2}
	for i := range vals {
		vals[i] = CustomerRFM{ID: string(rune('A' + i)), Recency: float64(i % 37), Frequency: float64(1 + i%5), Monetary: float64(i * 3 % 101)}
		c := Customer{ID: vals[i].ID}
		c.SetNumber(AttrRecencyDays, vals[i].Recency).SetNumber(AttrOrders, vals[i].Frequency).SetNumber(AttrRevenue, vals[i].Monetary)
		custs[i] = c
		pts.Data = append(pts.Data, vals[i].Frequency, vals[i].Monetary)
	}
	rfm, err := FitRFM(vals, RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := FitScaler(pts, ScalerConfig{Log1p: true})
	if err != nil {
		t.Fatal(err)
	}
	km, err := FitKMeans(context.Background(), sc.TransformPoints(pts), KMeansConfig{K: 4, Restarts: 2})
	if err != nil {
		t.Fatal(err)
	}
	km.Features, km.Scaler = []string{AttrOrders, AttrRevenue}, sc
	rule := Rule{Name: "loyal", When: MustParseRule(`orders >= 3 and revenue > 10`, DefaultSchema())}
	seg := FirstMatch{rule, rfm, km, Fallback("other")}
	want := make([]string, len(custs))
	for i := range custs {
		want[i], _ = seg.Assign(&custs[i])
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range custs {
				c := &custs[(i+g*25)%len(custs)]
				if got, _ := seg.Assign(c); got != want[(i+g*25)%len(custs)] {
					t.Errorf("goroutine %d: %s assigned %q, want %q", g, c.ID, got, want[(i+g*25)%len(custs)])
					return
				}
				AllMatches(c, rule, rfm, km)
				rfm.Score(vals[i])
				km.Predict(pts.Row(i))
				sc.Transform(nil, pts.Row(i))
				rule.When.Match(c)
				_ = rule.When.String()
			}
		})
	}
	wg.Wait()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// TestCohortsBounded: orders spread over millennia no longer make the cohort table quadratic.
// 120 customers acquired 83 years apart, with one order in 9999, asked for weekly cohorts: a
// triangle of 120 rows of up to 521,000 weeks, 516 MB allocated before; now at most MaxCohortCells
// cells, the most recent cohorts whole, the older ones' customers counted in Omitted (also for
// months: 120 rows of up to 120,000 months do not fit either).
func TestCohortsBounded(t *testing.T) {
	a := &Activity{}
	const n = 120
	for i := range n {
		o := order1("o", "c"+string(rune('A'+i)), time.Date(1+i*83, 1, 5, 0, 0, 0, 0, time.UTC), 1, 1)
		if err := a.Add(o); err != nil {
			t.Fatal(err)
		}
	}
	last := order1("last", "cA", time.Date(9999, 12, 1, 0, 0, 0, 0, time.UTC), 1, 1)
	if err := a.Add(last); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c := must(a.Cohorts(CohortConfig{Period: Week}))
	runtime.ReadMemStats(&after)
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 150 {
		t.Errorf("weekly cohorts of %d customers allocated %d MB, want under 150", n, mb)
	}
	check := func(c *Cohorts, what string) {
		cells, sum := 0, 0
		for k, row := range c.Active {
			cells += len(row)
			sum += c.Sizes[k]
		}
		if cells > MaxCohortCells || c.Omitted == 0 || sum+c.Omitted != n {
			t.Errorf("%s: %d cells, %d customers in rows, %d omitted; want at most %d cells and all %d customers accounted for",
				what, cells, sum, c.Omitted, MaxCohortCells, n)
		}
		newest := time.Date(1+(n-1)*83, 1, 5, 0, 0, 0, 0, time.UTC)
		if got, want := c.Starts[len(c.Starts)-1], periodStart(c.Period, periodOf(c.Period, dayOf(newest.Unix()))); !got.Equal(want) {
			t.Errorf("%s: latest cohort %v, want the most recent acquisition's %v", what, got, want)
		}
	}
	check(c, "weekly")
	check(must(a.Cohorts(CohortConfig{})), "monthly")
}

// TestPredictFarPoints: a point so far out that every squared distance overflows still gets its
// nearest centroid (before: always centroid 0), in Predict and in Assign.
func TestPredictFarPoints(t *testing.T) {
	m := &KMeans{Centroids: Points{Data: []float64{0, 0, 10, 10}, Dim: 2}, Features: []string{"x", "y"}}
	for _, c := range []struct {
		x    []float64
		want int
	}{{[]float64{1e200, 1e200}, 1}, {[]float64{-1e200, -1e200}, 0}, {[]float64{1e300, -1e300}, 0},
		{[]float64{1e308, 1e308}, 1}, {[]float64{math.MaxFloat64, 11}, 1}} {
		if got := m.Predict(c.x); got != c.want {
			t.Errorf("Predict(%v) = %d, want %d", c.x, got, c.want)
		}
	}
	cu := (&Customer{ID: "far"}).SetNumber("x", 1e200).SetNumber("y", 1e200)
	if seg, ok := m.Assign(cu); !ok || seg != "cluster 2" {
		t.Errorf("Assign of a far customer: %q %v, want cluster 2", seg, ok)
	}
}

// TestChooseKHonoursContext: ChooseK stops within 100 ms of its context also while it scores a
// fit (an exact silhouette of 30,000 points is 9e8 distances, seconds of work that ran to the
// end before); a negative SampleSize is an error, not the default.
func TestChooseKHonoursContext(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := Points{Data: make([]float64, 2*30000), Dim: 2}
	for i := range p.Data {
		p.Data[i] = rng.NormFloat64()
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan time.Time, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		stopped <- time.Now()
		cancel()
	}()
	_, _, err := ChooseK(ctx, p, []int{2}, KMeansConfig{Restarts: 1}, SilhouetteConfig{SampleSize: 30000})
	if took := time.Since(<-stopped); !errors.Is(err, context.Canceled) || took > 100*time.Millisecond {
		t.Errorf("ChooseK returned %v %v after the cancellation, want context.Canceled within 100 ms", err, took)
	}
	if _, err := Silhouette(p, make([]int, 30000), SilhouetteConfig{SampleSize: -1}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("SampleSize -1: %v, want ErrBadConfig", err)
	}
}

// TestManyCategoriesLinear: one customer buying in 100,000 distinct categories (a hostile or
// garbled category column) is added in well under a second (a scan of the customer's
// categories per line was quadratic: 33 s) and merges to the same main category.
func TestManyCategoriesLinear(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 20000
	}
	a, b, whole := &Activity{}, &Activity{}, &Activity{}
	start := time.Now()
	for i := range n {
		o := order1("o"+strconv.Itoa(i), "c", day0.Add(time.Duration(i)*time.Second), 1, float64(1+i%7))
		o.Lines[0].Category = "cat" + strconv.Itoa(i)
		if err := whole.Add(o); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			a.Add(o)
		} else {
			b.Add(o)
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	cs, cm := must(whole.Customers(LifecycleConfig{})), must(a.Customers(LifecycleConfig{}))
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("%d categories took %v, want under 5 s", n, took)
	}
	cats, _ := cs[0].Set(AttrCategories)
	if len(cats) != n || !reflect.DeepEqual(cs, cm) {
		t.Errorf("%d categories; merged customers equal: %v", len(cats), reflect.DeepEqual(cs, cm))
	}
}
