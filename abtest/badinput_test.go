package abtest

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/stat"
)

// noNaN fails when any number a function owes is NaN.
func noNaN(t *testing.T, name string, xs ...float64) {
	t.Helper()
	for i, x := range xs {
		if math.IsNaN(x) {
			t.Errorf("%s: value %d is NaN", name, i)
		}
	}
}

// checkMessage enforces the module's error style: the message starts with the package name.
func checkMessage(t *testing.T, name string, err error) {
	t.Helper()
	if err != nil && !strings.HasPrefix(err.Error(), "abtest: ") {
		t.Errorf("%s: error %q does not start with the package name", name, err)
	}
}

// checkArmNamed: an invalid arm is named after the wrapped sentinel ("... (control)"). Every
// bad arm of the two-sample tables is the control.
func checkArmNamed(t *testing.T, name string, err error) {
	t.Helper()
	checkMessage(t, name, err)
	if errors.Is(err, ErrInvalidInput) && !strings.Contains(err.Error(), "alternative") && !strings.Contains(err.Error(), "(control)") {
		t.Errorf("%s: error %q does not name the arm", name, err)
	}
}

func effectNums(e Effect) []float64 {
	return []float64{e.Estimate, e.SE, e.DF, e.Statistic, e.PValue, e.Lower, e.Upper}
}

// The table of bad inputs for the two-sample tests: each gives the named sentinel and the
// default Effect (estimate 0, interval (0, 0), p-value 1), never NaN.
func TestWelchBadInputs(t *testing.T) {
	good := Moments{N: 100, Sum: 500, SumSquares: 3000}
	for _, c := range []struct {
		name      string
		a, b      Arm
		cfg       Config
		want      error
		wantEmpty bool
	}{
		{"empty control", Moments{}, good, Config{}, ErrTooFewUnits, true},
		{"one unit", Moments{N: 1, Sum: 3, SumSquares: 9}, good, Config{}, ErrTooFewUnits, true},
		{"negative units", Moments{N: -5}, good, Config{}, ErrInvalidInput, true},
		{"NaN sum", Moments{N: 10, Sum: math.NaN(), SumSquares: 1}, good, Config{}, ErrInvalidInput, true},
		{"Inf sum of squares", Moments{N: 10, Sum: 1, SumSquares: math.Inf(1)}, good, Config{}, ErrInvalidInput, true},
		{"negative sum of squares", Moments{N: 10, Sum: 1, SumSquares: -1}, good, Config{}, ErrInvalidInput, true},
		{"constant metric", Moments{N: 10, Sum: 50, SumSquares: 250}, good, Config{}, ErrZeroVariance, true},
		{"both arms 0% conversion", Rate{Trials: 100}, Rate{Trials: 100}, Config{}, ErrZeroVariance, true},
		{"both arms 100% conversion", Rate{Trials: 100, Successes: 100}, Rate{Trials: 50, Successes: 50}, Config{}, ErrZeroVariance, true},
		{"successes above trials", Rate{Trials: 10, Successes: 11}, Rate{Trials: 10, Successes: 5}, Config{}, ErrInvalidInput, true},
		{"negative successes", Rate{Trials: 10, Successes: -1}, Rate{Trials: 10, Successes: 5}, Config{}, ErrInvalidInput, true},
		{"alpha 0 is the default", good, good, Config{Alpha: 0}, ErrZeroVariance, true},
		{"alpha negative", good, good, Config{Alpha: -0.1}, ErrInvalidAlpha, true},
		{"alpha 1", good, good, Config{Alpha: 1}, ErrInvalidAlpha, true},
		{"alpha NaN", good, good, Config{Alpha: math.NaN()}, ErrInvalidAlpha, true},
		{"unknown alternative", good, good, Config{Alternative: 7}, ErrInvalidInput, true},
		{"relative with zero baseline", Moments{N: 50, SumSquares: 200}, Moments{N: 50, Sum: 10, SumSquares: 210}, Config{Relative: true}, ErrZeroBaseline, true},
		{"ratio with zero denominator", stat.FromSums(10, 5, 5, 0, 0, 0), stat.FromSums(10, 5, 5, 3, 3, 0), Config{}, ErrZeroDenominator, true},
	} {
		e, err := WelchTest(c.a, c.b, c.cfg)
		if c.name == "alpha 0 is the default" {
			// identical arms: zero difference is fine, the test is defined
			if err != nil || e.PValue != 1 || e.Estimate != 0 {
				t.Errorf("%s: %+v, %v", c.name, e, err)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
		checkArmNamed(t, c.name, err)
		if c.wantEmpty && e != defaultEffect() {
			t.Errorf("%s: result %+v, want the default", c.name, e)
		}
		noNaN(t, c.name, effectNums(e)...)
	}
}

func TestProportionBadInputsAndExtremes(t *testing.T) {
	// Zero conversions in one arm and 100% in one arm are fine for the pooled test.
	for _, c := range [][2]Rate{{{Trials: 1000}, {Trials: 1000, Successes: 12}}, {{Trials: 500, Successes: 480}, {Trials: 500, Successes: 500}}} {
		r, err := ZTest(c[0], c[1], Config{})
		if err != nil {
			t.Errorf("%v: %v", c, err)
		}
		noNaN(t, "ztest", r.Diff, r.SE, r.Z, r.PValue, r.Lower, r.Upper)
	}
	for _, c := range []struct {
		name string
		a, b Rate
		want error
	}{
		{"both 0%", Rate{Trials: 500}, Rate{Trials: 500}, ErrZeroVariance},
		{"both 100%", Rate{Trials: 5, Successes: 5}, Rate{Trials: 9, Successes: 9}, ErrZeroVariance},
		{"empty arm", Rate{}, Rate{Trials: 9, Successes: 1}, ErrTooFewUnits},
		{"successes above trials", Rate{Trials: 5, Successes: 6}, Rate{Trials: 9, Successes: 1}, ErrInvalidInput},
		{"negative trials", Rate{Trials: -5}, Rate{Trials: 9, Successes: 1}, ErrInvalidInput},
	} {
		r, err := ZTest(c.a, c.b, Config{})
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
		checkArmNamed(t, c.name, err)
		if r.PValue != 1 || r.Z != 0 {
			t.Errorf("%s: z %v p %v, want 0 and 1", c.name, r.Z, r.PValue)
		}
	}
	// Counts near 2^53 stay exact: 2^53 - 1 trials, a rate difference of 1e-7.
	n := int64(1<<53 - 1)
	r, err := ZTest(Rate{Trials: n, Successes: n / 10}, Rate{Trials: n, Successes: n/10 + n/10_000_000}, Config{})
	must(t, err)
	noNaN(t, "2^53", r.Diff, r.Z, r.PValue)
	// By hand: diff = (n/1e7)/n = 1.0000000e-7, pbar = 0.10000005, se = sqrt(pbar(1-pbar) 2/n)
	// = sqrt(0.0900000 x 2 / 9.0071993e15) = 4.470349e-9, z = 22.3696.
	if math.Abs(r.Z-22.3696) > 1e-4 || !(r.PValue > 0 && r.PValue < 1e-100) {
		t.Errorf("2^53 trials: z %v p %v", r.Z, r.PValue)
	}
	if _, err := ChiSquareTest([]Rate{{Trials: 10}}); !errors.Is(err, ErrTooFewUnits) {
		t.Errorf("chi-square with one arm: %v", err)
	}
	if _, err := ChiSquareTest([]Rate{{Trials: 10}, {Trials: 20}}); !errors.Is(err, ErrZeroVariance) {
		t.Errorf("chi-square all 0%%: %v", err)
	}
	if _, err := RatioInterval(Rate{Trials: 10}, Rate{Trials: 10, Successes: 3}, 0.05, KatzLog); !errors.Is(err, ErrZeroVariance) {
		t.Errorf("Katz with zero control successes: %v", err)
	}
	if iv, err := RatioInterval(Rate{Trials: 10}, Rate{Trials: 10, Successes: 3}, 0.05, KoopmanScore); err != nil || !math.IsInf(iv.Upper, 1) || !(iv.Lower > 0) {
		t.Errorf("Koopman with zero control successes: %+v %v (want (positive, +Inf))", iv, err)
	}
	if iv, err := WilsonInterval(Rate{Trials: 20, Successes: 20}, 0.05); err != nil || iv.Upper != 1 {
		t.Errorf("Wilson at 100%%: %+v %v", iv, err)
	}
	if _, err := FiellerInterval(Moments{N: 10, Sum: 0.1, SumSquares: 10}, Moments{N: 10, Sum: 5, SumSquares: 10}, 0.05); !errors.Is(err, ErrUnbounded) {
		t.Errorf("Fieller with a noisy baseline: %v", err)
	}
}

func TestGuardsBadInputs(t *testing.T) {
	for _, c := range []struct {
		name string
		obs  []int64
		w    []float64
		want error
	}{
		{"weights sum to 0", []int64{10, 10}, []float64{0, 0}, ErrWeights},
		{"negative weight", []int64{10, 10}, []float64{1, -1}, ErrWeights},
		{"NaN weight", []int64{10, 10}, []float64{math.NaN(), 1}, ErrWeights},
		{"wrong length", []int64{10, 10}, []float64{1}, ErrWeights},
		{"negative count", []int64{-1, 10}, []float64{1, 1}, ErrInvalidInput},
		{"one arm", []int64{10}, []float64{1}, ErrTooFewUnits},
	} {
		r, err := SRM(c.obs, c.w, SRMConfig{})
		if !errors.Is(err, c.want) {
			t.Errorf("SRM %s: %v, want %v", c.name, err, c.want)
		}
		if r.PValue != 1 || r.Mismatch {
			t.Errorf("SRM %s: result %+v", c.name, r)
		}
	}
	r, err := SRM([]int64{0, 0}, []float64{1, 1}, SRMConfig{})
	if err != nil || r.Checked || r.PValue != 1 || r.Mismatch {
		t.Errorf("SRM with no units: %+v %v (want unchecked, p 1)", r, err)
	}
	// Defect 15 of issue 13: units in a zero-weight arm gave df 0 and chi-square +Inf with a
	// nil error. Now ErrUnplannedUnits with a finite result flagging the certain mismatch.
	for _, obs := range [][]int64{{500, 3}, {50, 50}} {
		r, err = SRM(obs, []float64{1, 0}, SRMConfig{})
		if !errors.Is(err, ErrUnplannedUnits) || !strings.Contains(err.Error(), "arm 1") || !r.Mismatch || !r.Checked || r.PValue != 0 || !finite(r.ChiSquare) {
			t.Errorf("SRM %v with units in a zero-weight arm: %+v %v (want ErrUnplannedUnits and a certain mismatch)", obs, r, err)
		}
	}
	r, err = SRM([]int64{148, 2}, []float64{0.99, 0.01}, SRMConfig{})
	if err != nil || r.Checked || r.Mismatch {
		t.Errorf("SRM below the minimum expected count: %+v %v (want unchecked)", r, err)
	}
	for _, p := range [][]float64{{0.1, 1.2}, {-0.1}, {math.NaN()}} {
		if _, err := Adjust(p, Holm); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Adjust(%v): %v", p, err)
		}
	}
	if adj, err := Adjust(nil, BenjaminiHochberg); err != nil || len(adj) != 0 {
		t.Errorf("Adjust(empty): %v %v", adj, err)
	}
	if _, err := Adjust([]float64{0.1}, Correction(99)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("unknown correction: %v", err)
	}
}

func TestPlanningBadInputs(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func() (float64, error)
		want error
	}{
		{"power above 1", func() (float64, error) { return SampleSizeProportions(0.1, 0.11, PlanConfig{Power: 1.5}) }, ErrInvalidPower},
		{"power 1", func() (float64, error) { return SampleSizeProportions(0.1, 0.11, PlanConfig{Power: 1}) }, ErrInvalidPower},
		{"negative power", func() (float64, error) { return SampleSizeProportions(0.1, 0.11, PlanConfig{Power: -0.8}) }, ErrInvalidPower},
		{"alpha above 1", func() (float64, error) { return SampleSizeProportions(0.1, 0.11, PlanConfig{Alpha: 2}) }, ErrInvalidAlpha},
		{"rate above 1", func() (float64, error) { return SampleSizeProportions(1.2, 0.11, PlanConfig{}) }, ErrInvalidInput},
		{"no difference", func() (float64, error) { return SampleSizeProportions(0.1, 0.1, PlanConfig{}) }, ErrInvalidInput},
		{"one variant", func() (float64, error) { return SampleSizeProportions(0.1, 0.11, PlanConfig{Variants: 1}) }, ErrInvalidInput},
		{"negative ratio", func() (float64, error) { return SampleSizeProportions(0.1, 0.11, PlanConfig{Ratio: -1}) }, ErrInvalidInput},
		{"effect against alternative", func() (float64, error) {
			return SampleSizeProportions(0.1, 0.09, PlanConfig{Alternative: Greater})
		}, ErrInvalidInput},
		// The unpooled and Cohen's h sample sizes validate like SampleSizeProportions.
		{"unpooled: effect against alternative", func() (float64, error) {
			return SampleSizeProportionsUnpooled(0.1, 0.09, PlanConfig{Alternative: Greater})
		}, ErrInvalidInput},
		{"unpooled: rate above 1", func() (float64, error) { return SampleSizeProportionsUnpooled(0.1, 1.1, PlanConfig{}) }, ErrInvalidInput},
		{"Cohen h: effect against alternative", func() (float64, error) {
			return SampleSizeCohenH(0.1, 0.12, PlanConfig{Alternative: Less})
		}, ErrInvalidInput},
		{"Cohen h: negative rate", func() (float64, error) { return SampleSizeCohenH(-0.1, 0.2, PlanConfig{}) }, ErrInvalidInput},
		{"Cohen h: no difference", func() (float64, error) { return SampleSizeCohenH(0.2, 0.2, PlanConfig{}) }, ErrInvalidInput},
		{"zero sd", func() (float64, error) { return SampleSizeMeans(0, 1, PlanConfig{}) }, ErrInvalidInput},
		{"power of zero units", func() (float64, error) { return PowerProportions(0.1, 0.2, 0, PlanConfig{}) }, ErrInvalidInput},
		{"MDE impossible", func() (float64, error) { return MDEProportions(0.5, 2, PlanConfig{Power: 0.99}) }, ErrInvalidInput},
		{"GrowthBook zero mean", func() (float64, error) { return GrowthBookPower(0, 1, 0.1, 1000, GrowthBookPowerConfig{}) }, ErrInvalidInput},
	} {
		v, err := c.f()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v (value %v), want %v", c.name, err, v, c.want)
		}
		checkMessage(t, c.name, err)
	}
	// k arms: Bonferroni alpha/(k-1) needs more units than two arms.
	two, _ := SampleSizeProportions(0.03, 0.0315, PlanConfig{})
	four, _ := SampleSizeProportions(0.03, 0.0315, PlanConfig{Variants: 4})
	bonf, _ := SampleSizeProportions(0.03, 0.0315, PlanConfig{Alpha: 0.05 / 3})
	if !(four > two) || four != bonf {
		t.Errorf("4 variants: %v (2 variants %v, alpha/3 %v)", four, two, bonf)
	}
	// Power, sample size and MDE are consistent: at the planned n the power is the target and
	// the MDE is the planned lift (one-tail rule).
	n, _ := SampleSizeMeans(2, 0.1, PlanConfig{Power: 0.9})
	if m, _ := MDEMeans(2, n, PlanConfig{Power: 0.9}); math.Abs(m-0.1) > 1e-12 {
		t.Errorf("MDE at planned n %v, want 0.1", m)
	}
	np, _ := SampleSizeProportions(0.1, 0.12, PlanConfig{})
	if m, _ := MDEProportions(0.1, np, PlanConfig{}); math.Abs(m-0.02) > 1e-9 {
		t.Errorf("MDEProportions at planned n %v, want 0.02", m)
	}
}

func TestBayesAndSequentialBadInputs(t *testing.T) {
	if _, err := ProbBBeatsA(Rate{Trials: 5, Successes: 6}, Rate{Trials: 5}, BetaPrior{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("successes above trials: %v", err)
	}
	if _, err := ProbBBeatsA(Rate{Trials: 5}, Rate{Trials: 5}, BetaPrior{Alpha: -1, Beta: 1}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative prior: %v", err)
	}
	if p, err := ProbBBeatsA(Rate{}, Rate{}, BetaPrior{}); err != nil || math.Abs(p-0.5) > 1e-12 {
		t.Errorf("two empty arms: %v %v (want the prior's 0.5)", p, err)
	}
	if p, err := ProbBBeatsA(Rate{Trials: 100}, Rate{Trials: 100, Successes: 100}, BetaPrior{}); err != nil || !(p > 1-1e-12) {
		t.Errorf("0%% vs 100%%: %v %v", p, err)
	}
	if _, err := BayesianTest(Moments{N: 10, Sum: 10, SumSquares: 20}, Moments{N: 10, Sum: 12, SumSquares: 25}, BayesConfig{Prior: GaussianPrior{Proper: true}}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("proper prior with zero variance: %v", err)
	}
	r, err := BayesianTest(Rate{Trials: 100}, Rate{Trials: 100}, BayesConfig{})
	if !errors.Is(err, ErrZeroVariance) || r.ChanceToWin != 0.5 {
		t.Errorf("Bayes both 0%%: %+v %v", r, err)
	}
	if rc, rt := GaussianRisk(0.1, 0); rc != 0.1 || rt != 0 {
		t.Errorf("GaussianRisk with sigma 0: %v %v", rc, rt)
	}
	if _, err := ConfidenceSequence(Moments{N: 10, Sum: 10, SumSquares: 20}, Moments{N: 10, Sum: 12, SumSquares: 25}, SequentialConfig{TuningN: -1}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative N*: %v", err)
	}
	// Found by FuzzTwoSampleTests: a one-sided sequence at alpha >= 0.5 has no mixture rho.
	if _, err := ConfidenceSequence(Moments{N: 10, Sum: 10, SumSquares: 20}, Moments{N: 10, Sum: 12, SumSquares: 25}, SequentialConfig{Alpha: 0.8, Alternative: Greater}); !errors.Is(err, ErrInvalidAlpha) {
		t.Errorf("one-sided sequence at alpha 0.8: %v", err)
	}
	for _, fr := range [][]float64{{0.5, 0.4}, {0, 1}, {0.5, 1.2}, {math.NaN()}} {
		if _, err := GroupSequentialBounds(fr, SpendingConfig{}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("fractions %v: %v", fr, err)
		}
	}
	if _, err := NewMSPRT(MSPRTConfig{Tau2: -1}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative tau2: %v", err)
	}
	m, _ := NewMSPRT(MSPRTConfig{})
	if _, err := m.Observe(Rate{Trials: 10}, Rate{Trials: 10}); !errors.Is(err, ErrZeroVariance) || m.PValue() != 1 {
		t.Errorf("mSPRT with no conversions yet: %v, p %v", err, m.PValue())
	}
	if _, _, err := EvanMillerSequential(0, 1, 1); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Evan Miller N 0: %v", err)
	}
	if _, err := ThompsonAllocation([]Rate{{Trials: 1}, {Trials: 1}}, BetaPrior{}, 0.6); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("floor too high: %v", err)
	}
}

// CUPED sums are named as the aggregates CSV names them, ratio moments by their (shared,
// internal/stat) field names, with the arm.
func TestSumsNamedLikeTheCSV(t *testing.T) {
	good := CUPEDMoments{N: 10, Post: 10, PostSquares: 20, Pre: 5, PreSquares: 5, CrossProduct: 6}
	bad := good
	bad.PreSquares = -1
	_, err := CUPEDTest(bad, good, Config{})
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "pre_sum_squares -1 (control)") {
		t.Errorf("CUPED: %v", err)
	}
	r := stat.FromSums(10, 10, 20, 5, 5, math.NaN())
	_, err = WelchTest(stat.FromSums(10, 10, 20, 5, 5, 6), r, Config{})
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "cnd NaN (treatment)") {
		t.Errorf("ratio: %v", err)
	}
}

// Counts whose total overflows int64 are invalid input, not a "zero variance" from a negative
// pooled rate.
func TestCountsOverflow(t *testing.T) {
	big := Rate{Trials: math.MaxInt64 - 1, Successes: 1 << 62}
	r, err := ZTest(big, big, Config{})
	if !errors.Is(err, ErrInvalidInput) || r != (ZResult{PValue: 1}) {
		t.Errorf("ZTest: %+v, %v", r, err)
	}
	c, err := ChiSquareTest([]Rate{big, {Trials: 10, Successes: 1}, big})
	if !errors.Is(err, ErrInvalidInput) || c.PValue != 1 {
		t.Errorf("ChiSquareTest: %+v, %v", c, err)
	}
	// The Wald test does not sum counts and stays defined.
	if w, err := WaldZTest(big, big, Config{}); err != nil || w.PValue != 1 || w.Z != 0 {
		t.Errorf("WaldZTest: %+v, %v", w, err)
	}
}
