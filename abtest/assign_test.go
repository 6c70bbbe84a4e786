package abtest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Bucket's definition is frozen; these vectors come from Python's hashlib
// (testdata/gen_bucket_vectors.py), not from this package.
func TestBucketPinnedVectors(t *testing.T) {
	for _, c := range []struct {
		salt, unit string
		want       float64
	}{
		{"", "", 0.9049687102438427},
		{"reco-widget", "c000001", 0.023703650390842768},
		{"reco-widget", "c000002", 0.8525053801806417},
		{"exp-42", "user@example.com", 0.4673782879668815},
		{"layer:home", "u1", 0.8120535767580307},
		{"ünïcode", "客户-7", 0.7533550119768871},
		{"a:b", "c", 0.6911318880745688},
		{"a", "b:c", 0.6911318880745688}, // the documented collision of the ':' separator
	} {
		if got := Bucket(c.salt, c.unit); got != c.want {
			t.Errorf("Bucket(%q, %q) = %v, hashlib %v", c.salt, c.unit, got, c.want)
		}
	}
}

// chiSquareCounts returns Pearson's chi-square p-value of counts against expected shares.
func chiSquareCounts(counts []int, shares []float64) float64 {
	total := 0
	for _, c := range counts {
		total += c
	}
	x := 0.0
	for i, c := range counts {
		e := shares[i] * float64(total)
		x += (float64(c) - e) * (float64(c) - e) / e
	}
	return chi2SF(x, float64(len(counts)-1))
}

// Assignment follows the weights: 200000 units into 20/30/50 arms, chi-square p > 0.001; and
// Bucket itself is uniform over 100 bins (p > 0.001). The seed-free hash makes this exact and
// repeatable, so these thresholds cannot flake.
func TestAssignmentUniformity(t *testing.T) {
	a, err := NewAssigner(Experiment{Salt: "uniformity", Variants: []string{"a", "b", "c"}, Weights: []float64{2, 3, 5}})
	must(t, err)
	counts := make([]int, 3)
	bins := make([]int, 100)
	shares := make([]float64, 100)
	for i := range shares {
		shares[i] = 0.01
	}
	const units = 200000
	for i := range units {
		u := fmt.Sprintf("user-%d", i)
		v, ok := position(a, u)
		if !ok {
			t.Fatalf("unit %s not assigned at full coverage", u)
		}
		counts[v]++
		bins[int(Bucket("uniformity", u)*100)]++
	}
	if p := chiSquareCounts(counts, []float64{0.2, 0.3, 0.5}); p < 0.001 {
		t.Errorf("variant counts %v vs 20/30/50: chi-square p %v", counts, p)
	}
	if p := chiSquareCounts(bins, shares); p < 0.001 {
		t.Errorf("bucket histogram not uniform: p %v", p)
	}
}

// Two experiments with different salts assign independently: the 2x2 contingency table of
// 100000 units has chi-square p > 0.001 (df 1).
func TestAssignmentIndependentAcrossExperiments(t *testing.T) {
	x, _ := NewAssigner(Experiment{Salt: "exp-a"})
	y, _ := NewAssigner(Experiment{Salt: "exp-b"})
	var table [2][2]float64
	const units = 100000
	for i := range units {
		u := fmt.Sprintf("c%07d", i)
		vx, _ := position(x, u)
		vy, _ := position(y, u)
		table[vx][vy]++
	}
	chi := 0.0
	for i := range 2 {
		for j := range 2 {
			row := table[i][0] + table[i][1]
			col := table[0][j] + table[1][j]
			e := row * col / units
			chi += (table[i][j] - e) * (table[i][j] - e) / e
		}
	}
	if p := chi2SF(chi, 1); p < 0.001 {
		t.Errorf("assignments correlated: table %v, p %v", table, p)
	}
}

// Layers: experiments with disjoint ranges of one layer never share a unit, and each gets
// about its range's share of traffic.
func TestLayersMutuallyExclusive(t *testing.T) {
	e1, err := NewAssigner(Experiment{Salt: "hero", Layer: &LayerRange{Salt: "homepage", Start: 0, End: 0.3}})
	must(t, err)
	e2, err := NewAssigner(Experiment{Salt: "banner", Layer: &LayerRange{Salt: "homepage", Start: 0.3, End: 1}})
	must(t, err)
	n1, n2 := 0, 0
	const units = 50000
	for i := range units {
		u := fmt.Sprintf("u%d", i)
		_, in1 := position(e1, u)
		_, in2 := position(e2, u)
		if in1 && in2 {
			t.Fatalf("unit %s in both experiments of one layer", u)
		}
		if !in1 && !in2 {
			t.Fatalf("unit %s in neither, but the ranges cover the layer", u)
		}
		if in1 {
			n1++
		} else {
			n2++
		}
	}
	if f := float64(n1) / units; math.Abs(f-0.3) > 4*math.Sqrt(0.3*0.7/units) {
		t.Errorf("layer share %v, want 0.3", f)
	}
}

// Raising coverage only adds units: everyone already in keeps their variant.
func TestCoverageIsMonotone(t *testing.T) {
	low, _ := NewAssigner(Experiment{Salt: "ramp", Variants: []string{"a", "b", "c"}, Weights: []float64{1, 1, 2}, Coverage: 0.1})
	high, _ := NewAssigner(Experiment{Salt: "ramp", Variants: []string{"a", "b", "c"}, Weights: []float64{1, 1, 2}, Coverage: 0.6})
	in := 0
	for i := range 20000 {
		u := fmt.Sprintf("u%d", i)
		v1, ok1 := position(low, u)
		v2, ok2 := position(high, u)
		if ok1 {
			in++
			if !ok2 || v1 != v2 {
				t.Fatalf("unit %s moved from %d to %d (in=%v) when coverage grew", u, v1, v2, ok2)
			}
		}
	}
	if f := float64(in) / 20000; math.Abs(f-0.1) > 0.01 {
		t.Errorf("coverage 0.1 admitted %v", f)
	}
}

// Bad experiments are refused with the documented sentinels.
func TestAssignerBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		exp  Experiment
		want error
	}{
		{"empty salt", Experiment{}, ErrInvalidInput},
		{"colon in salt", Experiment{Salt: "a:b"}, ErrInvalidInput},
		{"negative weight", Experiment{Salt: "x", Weights: []float64{1, -1}}, ErrWeights},
		{"zero weights", Experiment{Salt: "x", Weights: []float64{0, 0}}, ErrWeights},
		{"NaN weight", Experiment{Salt: "x", Weights: []float64{math.NaN(), 1}}, ErrWeights},
		{"weight beyond 1e15", Experiment{Salt: "x", Weights: []float64{1e308, 1e308}}, ErrWeights},
		{"coverage above 1", Experiment{Salt: "x", Coverage: 1.5}, ErrInvalidInput},
		{"negative coverage", Experiment{Salt: "x", Coverage: -0.1}, ErrInvalidInput},
		{"empty layer range", Experiment{Salt: "x", Layer: &LayerRange{Salt: "l", Start: 0.5, End: 0.5}}, ErrInvalidInput},
		{"layer salt equals salt", Experiment{Salt: "x", Layer: &LayerRange{Salt: "x", Start: 0, End: 1}}, ErrInvalidInput},
	} {
		if _, err := NewAssigner(c.exp); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := GrowthBookHash("a", "b", 3); !errors.Is(err, ErrHashVersion) {
		t.Errorf("hash version 3: %v", err)
	}
}

// Defect 13 of issue 13: the Assigner kept the caller's *LayerRange, so editing it after
// NewAssigner moved units (1000 of 1000 in, then 0), bypassed validation (Start > End) and
// raced with Assign. The Assigner now copies the range and the weights.
func TestAssignerCopiesLayerAndWeights(t *testing.T) {
	layer := &LayerRange{Salt: "homepage", Start: 0, End: 1}
	weights := []float64{1, 1}
	a, err := NewAssigner(Experiment{Salt: "hero", Weights: weights, Layer: layer})
	must(t, err)
	units := make([]string, 1000)
	before := make([]int, len(units))
	for i := range units {
		units[i] = fmt.Sprintf("u%d", i)
		v, ok := position(a, units[i])
		if !ok {
			t.Fatalf("unit %s out of a full layer range", units[i])
		}
		before[i] = v
	}
	// Invalid after the fact (Start > End) and a different split: neither may reach a.
	layer.Start, layer.End = 0.9, 0.1
	weights[0], weights[1] = 0, 1
	for i, u := range units {
		if v, ok := position(a, u); !ok || v != before[i] {
			t.Fatalf("unit %s: (%d, %v) after editing the caller's range and weights, want (%d, true)", u, v, ok, before[i])
		}
	}
}

// Editing the caller's range while other goroutines assign is not a data race (run with
// -race; the old Assigner read the caller's struct on every Assign).
func TestAssignerLayerEditConcurrent(t *testing.T) {
	layer := &LayerRange{Salt: "homepage", Start: 0, End: 0.5}
	a, err := NewAssigner(Experiment{Salt: "hero", Layer: layer})
	must(t, err)
	want := make(map[string]bool)
	for i := range 200 {
		u := fmt.Sprintf("u%d", i)
		_, want[u] = position(a, u)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 2000 {
			layer.End = float64(i%10) / 10
		}
	}()
	errs := make(chan string, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u, in := range want {
				if _, ok := position(a, u); ok != in {
					errs <- u
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for u := range errs {
		t.Errorf("unit %s changed membership while the caller edited its range", u)
	}
}

// position is Index as (position, in the experiment); the units of these tests are never empty.
func position(a *Assigner, unit string) (int, bool) {
	i, err := a.Index(unit)
	if err != nil {
		panic(err)
	}
	return i, i >= 0
}

// TestAssignNamedVariants: Assign returns the variant's name. Expected names from Python's
// SHA-256 of "names:<unit>" (the Bucket definition): c1 0.710, c2 0.535, c3 0.370, c4 0.970,
// c5 0.141, c6 0.064, against the ranges a [0, 0.25), b [0.25, 0.5), c [0.5, 1) of weights
// 1, 1, 2.
func TestAssignNamedVariants(t *testing.T) {
	a, err := NewAssigner(Experiment{Salt: "names", Variants: []string{"a", "b", "c"}, Weights: []float64{1, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"c1": "c", "c2": "c", "c3": "b", "c4": "c", "c5": "a", "c6": "a"}
	for u, w := range want {
		if v, err := a.Assign(u); err != nil || v != w {
			t.Errorf("Assign(%q) = %q, %v; want %q", u, v, err, w)
		}
		if i, err := a.Index(u); err != nil || a.Variants()[i] != w {
			t.Errorf("Index(%q) = %d, %v; want the position of %q", u, i, err, w)
		}
	}
	if got := a.Variants(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Variants = %v", got)
	}
	a.Variants()[0] = "changed" // a copy
	if a.Variants()[0] != "a" {
		t.Error("Variants returned the Assigner's own slice")
	}
	d, err := NewAssigner(Experiment{Salt: "names"})
	if err != nil || !slices.Equal(d.Variants(), []string{"control", "treatment"}) {
		t.Fatalf("default variants %v, %v", d.Variants(), err)
	}
	// c3 at 0.370 is below 0.5: the control of two equal variants; c1 at 0.710 the treatment.
	if v, _ := d.Assign("c3"); v != "control" {
		t.Errorf("default Assign(c3) = %q, want control", v)
	}
	if v, _ := d.Assign("c1"); v != "treatment" {
		t.Errorf("default Assign(c1) = %q, want treatment", v)
	}
	// Coverage 0.1: c1 (0.710) is outside every variant's range and gets "".
	low, _ := NewAssigner(Experiment{Salt: "names", Coverage: 0.1})
	if v, err := low.Assign("c1"); v != "" || err != nil {
		t.Errorf("outside the coverage: %q, %v; want \"\", nil", v, err)
	}
}

// TestAssignEmptyUnit: an empty unit ID is an error, not the control (before, Assign("")
// returned variant 0, true).
func TestAssignEmptyUnit(t *testing.T) {
	a, err := NewAssigner(Experiment{Salt: "names"})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.Assign(""); v != "" || !errors.Is(err, ErrEmptyUnit) || !strings.HasPrefix(err.Error(), "abtest: ") {
		t.Errorf("Assign(\"\") = %q, %v; want ErrEmptyUnit", v, err)
	}
	if i, err := a.Index(""); i != -1 || !errors.Is(err, ErrEmptyUnit) {
		t.Errorf("Index(\"\") = %d, %v; want -1, ErrEmptyUnit", i, err)
	}
}

// TestAssignerBadVariants: variant names are non-empty, unique, two or more, and match the
// weights one to one.
func TestAssignerBadVariants(t *testing.T) {
	for _, c := range []struct {
		name string
		exp  Experiment
		want error
	}{
		{"empty name", Experiment{Salt: "x", Variants: []string{"control", ""}}, ErrInvalidInput},
		{"duplicate name", Experiment{Salt: "x", Variants: []string{"a", "b", "a"}}, ErrInvalidInput},
		{"one variant", Experiment{Salt: "x", Variants: []string{"a"}}, ErrInvalidInput},
		{"weights without names", Experiment{Salt: "x", Weights: []float64{1, 1, 1}}, ErrWeights},
		{"fewer weights than names", Experiment{Salt: "x", Variants: []string{"a", "b", "c"}, Weights: []float64{1, 1}}, ErrWeights},
	} {
		if _, err := NewAssigner(c.exp); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
