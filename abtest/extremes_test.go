package abtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/stat"
)

// The standing probe of issue 13 (defect 15 and its kind): every public statistics entry
// point, with each numeric argument in turn replaced by an extreme value, returns an error
// wrapping an exported sentinel, or numbers that are all finite (probabilities in [0, 1]),
// and never panics. FuzzStatisticsExtremes runs the same probes on fuzzed arguments.

// A probe calls one entry point with float arguments f and count arguments n (base values
// when not replaced) and returns every number the call owes, the subset that are
// probabilities, and the error.
type probe struct {
	name  string
	f     []float64 // base float arguments
	n     []int64   // base count arguments
	costy bool      // slow at huge counts: the fuzz target keeps its counts moderate
	call  func(f []float64, n []int64) (nums, probs []float64, err error)
}

var (
	extremeFloats = []float64{1e308, -1e308, 1e-300, -1e-300, 5e-324, 1 << 53, 1 << 62, math.NaN(), math.Inf(1), math.Inf(-1), 0, -1}
	extremeCounts = []int64{0, -1, 1, 1 << 53, 1 << 62, math.MaxInt64}
	sentinels     = []error{ErrInvalidAlpha, ErrInvalidPower, ErrInvalidInput, ErrTooFewUnits, ErrZeroVariance,
		ErrZeroBaseline, ErrZeroDenominator, ErrWeights, ErrUnbounded, ErrHashVersion, ErrNoConvergence, ErrOverflow, ErrUnplannedUnits}
)

func effectOwed(e Effect, alt Alternative) []float64 {
	nums := []float64{e.Estimate, e.SE, e.DF, e.Statistic, e.PValue}
	if alt != Less {
		nums = append(nums, e.Lower)
	}
	if alt != Greater {
		nums = append(nums, e.Upper)
	}
	return nums
}

func momentsArgs(f []float64, n []int64) (Moments, Moments) {
	return Moments{N: n[0], Sum: f[0], SumSquares: f[1]}, Moments{N: n[1], Sum: f[2], SumSquares: f[3]}
}

func propArgs(n []int64) (Rate, Rate) {
	return Rate{Trials: n[0], Successes: n[1]}, Rate{Trials: n[2], Successes: n[3]}
}

// probes lists the entry points. Base data: arms of 100 and 120 units (mean 5 and 5.5,
// variance about 5), conversions 12/100 and 20/120.
func probes() []probe {
	mf := []float64{500, 3000, 660, 4300, 0.05}
	mn := []int64{100, 120}
	pn := []int64{100, 12, 120, 20}
	var ps []probe
	for _, rel := range []bool{false, true} {
		for _, alt := range []Alternative{TwoSided, Greater} {
			cfgName := fmt.Sprintf("relative=%v alt=%v", rel, alt)
			ps = append(ps,
				probe{name: "WelchTest " + cfgName, f: mf, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
					a, b := momentsArgs(f, n)
					e, err := WelchTest(a, b, Config{Alpha: f[4], Alternative: alt, Relative: rel})
					return effectOwed(e, alt), []float64{e.PValue}, err
				}},
				probe{name: "ConfidenceSequence " + cfgName, f: append(append([]float64{}, mf...), 5000), n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
					a, b := momentsArgs(f, n)
					s, err := ConfidenceSequence(a, b, SequentialConfig{Alpha: f[4], Alternative: alt, Relative: rel, TuningN: f[5]})
					return append(effectOwed(s.Effect, alt), s.Rho, s.HalfWidth, s.PValueUnclamped), []float64{s.PValue, s.PValueUnclamped}, err
				}},
				probe{name: "WelchTest ratio " + cfgName, f: []float64{500, 3000, 200, 500, 1100, 0.05}, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
					a := stat.FromSums(n[0], f[0], f[1], f[2], f[3], f[4])
					b := stat.FromSums(n[1], 660, 4300, 230, 560, 1400)
					e, err := WelchTest(a, b, Config{Alpha: f[5], Alternative: alt, Relative: rel})
					return effectOwed(e, alt), []float64{e.PValue}, err
				}},
				probe{name: "CUPEDTest " + cfgName, f: []float64{500, 3000, 480, 2800, 2700, 0.05}, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
					a := CUPEDMoments{N: n[0], Post: f[0], PostSquares: f[1], Pre: f[2], PreSquares: f[3], CrossProduct: f[4]}
					b := CUPEDMoments{N: n[1], Post: 660, PostSquares: 4300, Pre: 580, PreSquares: 3400, CrossProduct: 3600}
					r, err := CUPEDTest(a, b, Config{Alpha: f[5], Alternative: alt, Relative: rel})
					return append(effectOwed(r.Effect, alt), r.Theta, r.ControlMean, r.TreatmentMean, r.ControlVariance, r.TreatmentVariance), []float64{r.PValue}, err
				}},
			)
		}
		ps = append(ps, probe{name: fmt.Sprintf("BayesianTest relative=%v", rel), f: append(append([]float64{}, mf...), 0.01, 0.04), n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := momentsArgs(f, n)
			r, err := BayesianTest(a, b, BayesConfig{Alpha: f[4], Relative: rel, Prior: GaussianPrior{Mean: f[5], Variance: f[6], Proper: true}})
			return []float64{r.Mean, r.SD, r.ChanceToWin, r.Lower, r.Upper, r.RiskControl, r.RiskTreatment}, []float64{r.ChanceToWin}, err
		}})
	}
	ps = append(ps,
		probe{name: "Compare", f: mf, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := momentsArgs(f, n)
			c, err := Compare(a, b, Config{Alpha: f[4]})
			nums := append(append(effectOwed(c.Absolute, TwoSided), effectOwed(c.Relative, TwoSided)...), c.TreatmentMean, c.AdjustedPValue, c.ChanceToWin)
			return nums, []float64{c.AdjustedPValue, c.ChanceToWin}, err
		}},
		probe{name: "CompareCUPED", f: []float64{500, 3000, 480, 2800, 2700, 0.05}, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a := CUPEDMoments{N: n[0], Post: f[0], PostSquares: f[1], Pre: f[2], PreSquares: f[3], CrossProduct: f[4]}
			b := CUPEDMoments{N: n[1], Post: 660, PostSquares: 4300, Pre: 580, PreSquares: 3400, CrossProduct: 3600}
			c, err := CompareCUPED(a, b, Config{Alpha: f[5]})
			nums := append(append(effectOwed(c.Absolute, TwoSided), effectOwed(c.Relative, TwoSided)...), c.TreatmentMean, c.AdjustedPValue, c.ChanceToWin)
			return nums, []float64{c.AdjustedPValue, c.ChanceToWin}, err
		}},
		probe{name: "MSPRT", f: append(append([]float64{}, mf[:4]...), 1e-4, 0, 0.05), n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			m, err := NewMSPRT(MSPRTConfig{Tau2: f[4], Theta0: f[5], Alpha: f[6]})
			if err != nil {
				return nil, nil, err
			}
			a, b := momentsArgs(f, n)
			l, err := m.Observe(a, b)
			return []float64{l.UnitVariance, l.Lambda, l.PValue, m.PValue()}, []float64{l.PValue}, err
		}},
		probe{name: "FiellerInterval", f: mf, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := momentsArgs(f, n)
			iv, err := FiellerInterval(a, b, f[4])
			return []float64{iv.Lower, iv.Upper}, nil, err
		}},
		probe{name: "ZTest", f: []float64{0.05}, n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			r, err := ZTest(a, b, Config{Alpha: f[0]})
			return []float64{r.Diff, r.PooledRate, r.SE, r.Z, r.PValue, r.Lower, r.Upper}, []float64{r.PValue}, err
		}},
		probe{name: "WaldZTest", f: []float64{0.05}, n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			r, err := WaldZTest(a, b, Config{Alpha: f[0]})
			return []float64{r.Diff, r.SE, r.Z, r.PValue, r.Lower, r.Upper}, []float64{r.PValue}, err
		}},
		probe{name: "ChiSquareTest", n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			r, err := ChiSquareTest([]Rate{a, b, {Trials: 50, Successes: 7}})
			return []float64{r.Statistic, r.PValue}, []float64{r.PValue}, err
		}},
		probe{name: "PairwiseZTests", n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			rs, err := PairwiseZTests([]Rate{a, b, {Trials: 50, Successes: 7}}, Holm)
			var nums []float64
			for _, r := range rs {
				nums = append(nums, r.PValue, r.Adjusted)
			}
			return nums, nums, err
		}},
		probe{name: "WilsonInterval", f: []float64{0.05}, n: pn[:2], call: func(f []float64, n []int64) ([]float64, []float64, error) {
			iv, err := WilsonInterval(Rate{Trials: n[0], Successes: n[1]}, f[0])
			return []float64{iv.Lower, iv.Upper}, []float64{iv.Lower, iv.Upper}, err
		}},
		probe{name: "ProbBBeatsA", f: []float64{1, 1}, n: pn, costy: true, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			p, err := ProbBBeatsA(a, b, BetaPrior{f[0], f[1]})
			return []float64{p}, []float64{p}, err
		}},
		probe{name: "ExpectedLoss", f: []float64{1, 1}, n: pn, costy: true, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			lt, lc, err := ExpectedLoss(a, b, BetaPrior{f[0], f[1]})
			return []float64{lt, lc}, []float64{lt, lc}, err
		}},
		probe{name: "ProbBest", f: []float64{1, 1}, n: pn, costy: true, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			p, err := ProbBest([]Rate{a, b, {Trials: 50, Successes: 7}}, BetaPrior{f[0], f[1]})
			return p, p, err
		}},
		probe{name: "ThompsonAllocation", f: []float64{1, 1, 0.05}, n: pn, costy: true, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			p, err := ThompsonAllocation([]Rate{a, b}, BetaPrior{f[0], f[1]}, f[2])
			return p, p, err
		}},
		probe{name: "ThompsonSample", f: []float64{1, 1}, n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			i, err := ThompsonSample([]Rate{a, b}, BetaPrior{f[0], f[1]}, rand.New(rand.NewPCG(1, 2)))
			if err == nil && (i < 0 || i > 1) {
				return []float64{math.NaN()}, nil, nil
			}
			return nil, nil, err
		}},
		probe{name: "PosteriorInterval", f: []float64{1, 1, 0.95}, n: pn[:2], call: func(f []float64, n []int64) ([]float64, []float64, error) {
			iv, err := PosteriorInterval(Rate{Trials: n[0], Successes: n[1]}, BetaPrior{f[0], f[1]}, f[2])
			if err == nil && !(iv.Lower <= iv.Upper) {
				return []float64{math.NaN()}, nil, nil
			}
			return []float64{iv.Lower, iv.Upper}, []float64{iv.Lower, iv.Upper}, err
		}},
		probe{name: "SRM", f: []float64{1, 1, 0.001, 5}, n: []int64{1000, 1100}, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			r, err := SRM(n, f[:2], SRMConfig{Threshold: f[2], MinExpected: f[3]})
			return []float64{r.ChiSquare, r.PValue, r.MinExpected}, []float64{r.PValue}, err
		}},
		probe{name: "Adjust", f: []float64{0.01, 0.04, 0.3}, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			var nums []float64
			for _, c := range []Correction{Holm, Bonferroni, HolmSidak, Sidak, BenjaminiHochberg, Hommel, NoCorrection} {
				adj, err := Adjust(f, c)
				if err != nil {
					return nil, nil, err
				}
				nums = append(nums, adj...)
			}
			return nums, nums, nil
		}},
		probe{name: "EvanMillerSequential", n: []int64{1000, 60, 20}, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			d, th, err := EvanMillerSequential(n[0], n[1], n[2])
			if err == nil && (d < Continue || d > NoWinner) {
				return []float64{math.NaN()}, nil, nil
			}
			return []float64{th}, nil, err
		}},
		probe{name: "GroupSequentialBounds", f: []float64{0.3, 0.6, 1, 0.05, 2}, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			bs, err := GroupSequentialBounds(f[:3], SpendingConfig{Alpha: f[3], Function: PowerFamily, Rho: f[4], GridPoints: 20})
			var nums, probs []float64
			for _, b := range bs {
				nums = append(nums, b.Fraction, b.NominalAlpha, b.Spent) // Z is +Inf where no alpha is spent (documented)
				probs = append(probs, b.NominalAlpha)
				if math.IsNaN(b.Z) {
					nums = append(nums, b.Z)
				}
			}
			return nums, probs, err
		}},
	)
	for m := Wald; m <= MiettinenNurminen; m++ {
		ps = append(ps, probe{name: fmt.Sprintf("DiffInterval %d", m), f: []float64{0.05}, n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			a, b := propArgs(n)
			iv, err := DiffInterval(a, b, f[0], m)
			return []float64{iv.Lower, iv.Upper}, nil, err
		}})
	}
	ps = append(ps, probe{name: "RatioInterval Katz", f: []float64{0.05}, n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
		a, b := propArgs(n)
		iv, err := RatioInterval(a, b, f[0], KatzLog)
		return []float64{iv.Lower, iv.Upper}, nil, err
	}}, probe{name: "RatioInterval Koopman", f: []float64{0.05}, n: pn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
		a, b := propArgs(n)
		iv, err := RatioInterval(a, b, f[0], KoopmanScore)
		nums := []float64{iv.Lower}
		if !math.IsInf(iv.Upper, 1) { // +Inf upper bound with zero control successes (documented)
			nums = append(nums, iv.Upper)
		}
		return nums, nil, err
	}})
	// Planning: rates, sizes and effects, with alpha, power and ratio as the last three.
	plan := func(f []float64) PlanConfig {
		return PlanConfig{Alpha: f[len(f)-3], Power: f[len(f)-2], Ratio: f[len(f)-1]}
	}
	cfg3 := []float64{0.05, 0.8, 1}
	with := func(xs ...float64) []float64 { return append(xs, cfg3...) }
	one := func(name string, f []float64, fn func(f []float64) (float64, error), isProb bool) probe {
		return probe{name: name, f: f, call: func(f []float64, n []int64) ([]float64, []float64, error) {
			v, err := fn(f)
			if isProb {
				return []float64{v}, []float64{v}, err
			}
			if err == nil && v < 0 {
				return []float64{math.NaN()}, nil, nil
			}
			return []float64{v}, nil, err
		}}
	}
	ps = append(ps,
		one("SampleSizeProportions", with(0.1, 0.12), func(f []float64) (float64, error) { return SampleSizeProportions(f[0], f[1], plan(f)) }, false),
		one("SampleSizeProportionsUnpooled", with(0.1, 0.12), func(f []float64) (float64, error) {
			return SampleSizeProportionsUnpooled(f[0], f[1], plan(f))
		}, false),
		one("SampleSizeCohenH", with(0.1, 0.12), func(f []float64) (float64, error) { return SampleSizeCohenH(f[0], f[1], plan(f)) }, false),
		one("PowerProportions", with(0.1, 0.12, 1000), func(f []float64) (float64, error) { return PowerProportions(f[0], f[1], f[2], plan(f)) }, true),
		one("MDEProportions", with(0.1, 1000), func(f []float64) (float64, error) { return MDEProportions(f[0], f[1], plan(f)) }, false),
		one("NormalPower", with(0.2, 100), func(f []float64) (float64, error) { return NormalPower(f[0], f[1], plan(f)) }, true),
		one("NormalIndPower", with(0.2, 100), func(f []float64) (float64, error) { return NormalIndPower(f[0], f[1], plan(f)) }, true),
		one("TTestIndPower", with(0.2, 100), func(f []float64) (float64, error) { return TTestIndPower(f[0], f[1], plan(f)) }, true),
		one("PowerMeans", with(2, 0.1, 1000), func(f []float64) (float64, error) { return PowerMeans(f[0], f[1], f[2], plan(f)) }, true),
		one("SampleSizeMeans", with(2, 0.1), func(f []float64) (float64, error) { return SampleSizeMeans(f[0], f[1], plan(f)) }, false),
		one("MDEMeans", with(2, 1000), func(f []float64) (float64, error) { return MDEMeans(f[0], f[1], plan(f)) }, false),
		one("AdjustedInterval", []float64{0.3, 0.04, 0.05}, func(f []float64) (float64, error) {
			lo, hi, err := AdjustedInterval(f[0], f[1], f[2])
			if err == nil && !(lo <= hi) {
				return math.NaN(), nil
			}
			if err == nil && (math.IsInf(lo, -1) && math.IsInf(hi, 1)) {
				return 0, nil // (-Inf, +Inf): the documented interval of an uninformative p-value
			}
			return hi - lo, err
		}, false),
	)
	gb := func(f []float64) GrowthBookPowerConfig {
		return GrowthBookPowerConfig{Alpha: f[len(f)-3], Power: f[len(f)-2], SequentialTuning: f[len(f)-1]}
	}
	gb3 := func(xs ...float64) []float64 { return append(xs, 0.05, 0.8, 0) }
	ps = append(ps,
		one("GrowthBookPower", gb3(10, 4, 0.05, 20000), func(f []float64) (float64, error) { return GrowthBookPower(f[0], f[1], f[2], f[3], gb(f)) }, true),
		one("GrowthBookMDE", gb3(10, 4, 20000), func(f []float64) (float64, error) { return GrowthBookMDE(f[0], f[1], f[2], gb(f)) }, false),
		one("GrowthBookPowerBinomial", gb3(0.1, 0.05, 20000), func(f []float64) (float64, error) {
			return GrowthBookPowerBinomial(f[0], f[1], f[2], gb(f))
		}, true),
		one("GrowthBookMDEBinomial", gb3(0.1, 20000), func(f []float64) (float64, error) { return GrowthBookMDEBinomial(f[0], f[1], gb(f)) }, false),
	)
	ps = append(ps, probe{name: "Analyze", f: []float64{500, 3000, 660, 4300}, n: mn, call: func(f []float64, n []int64) ([]float64, []float64, error) {
		rows := []Row{
			{Experiment: "e", Variant: "a", Metric: "m", Units: n[0], Sum: f[0], SumSquares: f[1]},
			{Experiment: "e", Variant: "b", Metric: "m", Units: n[1], Sum: f[2], SumSquares: f[3]},
		}
		ro, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{})
		var nums, probs []float64
		for _, e := range ro.Experiments {
			nums = append(nums, e.SRM.ChiSquare, e.SRM.PValue, e.SRM.MinExpected)
			for _, m := range e.Metrics {
				nums = append(nums, m.ControlMean)
				for _, c := range m.Comparisons {
					nums = append(append(append(nums, effectOwed(c.Absolute, TwoSided)...), effectOwed(c.Relative, TwoSided)...), c.TreatmentMean, c.AdjustedPValue, c.ChanceToWin)
					probs = append(probs, c.AdjustedPValue, c.ChanceToWin)
				}
			}
		}
		return nums, probs, err
	}})
	return ps
}

// checkProbe runs one probe call and reports a panic, a NaN or infinity owed with a nil
// error, a probability outside [0, 1], or an error that wraps no exported sentinel.
func checkProbe(p probe, f []float64, n []int64) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("panic: %v", r)
		}
	}()
	nums, probs, err := p.call(f, n)
	if err != nil {
		if !strings.HasPrefix(err.Error(), "abtest: ") {
			return fmt.Sprintf("error %q without the package prefix", err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return ""
			}
		}
		return fmt.Sprintf("error %q wraps no exported sentinel", err)
	}
	for i, x := range nums {
		if !finite(x) {
			return fmt.Sprintf("number %d is %v with a nil error (all %v)", i, x, nums)
		}
	}
	for i, x := range probs {
		if !(x >= 0 && x <= 1) {
			return fmt.Sprintf("probability %d is %v", i, x)
		}
	}
	return ""
}

func TestEntryPointsAtExtremes(t *testing.T) {
	for _, p := range probes() {
		if msg := checkProbe(p, p.f, p.n); msg != "" {
			t.Errorf("%s at its base values: %s", p.name, msg)
		}
		for i := range p.f {
			for _, v := range extremeFloats {
				f := append([]float64{}, p.f...)
				f[i] = v
				if msg := checkProbe(p, f, p.n); msg != "" {
					t.Errorf("%s with float argument %d = %v: %s", p.name, i, v, msg)
				}
			}
		}
		for i := range p.n {
			for _, v := range extremeCounts {
				n := append([]int64{}, p.n...)
				n[i] = v
				if msg := checkProbe(p, p.f, n); msg != "" {
					t.Errorf("%s with count argument %d = %d: %s", p.name, i, v, msg)
				}
			}
		}
	}
}

// Defect 15 of issue 13, case by case. Valid but extreme data gives the right answer: the t
// statistic, its degrees of freedom and p-value do not change when every value is scaled, so
// moments scaled by 1e150 (sums of squares near 1e300) or 1e-150 (near 1e-300) must read out
// as the unscaled ones. Before, df and p-values were NaN with a nil error.
func TestMomentsScaleInvariance(t *testing.T) {
	a, b := Moments{N: 100, Sum: 500, SumSquares: 3000}, Moments{N: 120, Sum: 660, SumSquares: 4300}
	ca := CUPEDMoments{N: 100, Post: 500, PostSquares: 3000, Pre: 480, PreSquares: 2800, CrossProduct: 2700}
	cb := CUPEDMoments{N: 120, Post: 660, PostSquares: 4300, Pre: 580, PreSquares: 3400, CrossProduct: 3600}
	scaleM := func(m Moments, k float64) Moments {
		return Moments{N: m.N, Sum: m.Sum * k, SumSquares: m.SumSquares * k * k}
	}
	scaleC := func(c CUPEDMoments, k float64) CUPEDMoments {
		return CUPEDMoments{N: c.N, Post: c.Post * k, PostSquares: c.PostSquares * k * k, Pre: c.Pre * k, PreSquares: c.PreSquares * k * k, CrossProduct: c.CrossProduct * k * k}
	}
	same := func(name string, x, y Effect, k float64, relative bool) {
		t.Helper()
		scale := k // an absolute effect and its interval scale with the data, a relative one does not
		if relative {
			scale = 1
		}
		if !closeRel(x.DF, y.DF, 1e-12) || !closeRel(x.Statistic, y.Statistic, 1e-12) || !closeRel(x.PValue, y.PValue, 1e-12) ||
			!closeRel(x.Estimate*scale, y.Estimate, 1e-12) || !closeRel(x.Upper*scale, y.Upper, 1e-12) {
			t.Errorf("%s scaled by %v: %+v, unscaled %+v", name, k, y, x)
		}
	}
	for _, k := range []float64{1e150, 1e-150} {
		for _, rel := range []bool{false, true} {
			cfg := Config{Relative: rel}
			want, err := WelchTest(a, b, cfg)
			must(t, err)
			got, err := WelchTest(scaleM(a, k), scaleM(b, k), cfg)
			must(t, err)
			same(fmt.Sprintf("WelchTest relative=%v", rel), want, got, k, rel)
			wc, err := CUPEDTest(ca, cb, cfg)
			must(t, err)
			gc, err := CUPEDTest(scaleC(ca, k), scaleC(cb, k), cfg)
			must(t, err)
			same(fmt.Sprintf("CUPEDTest relative=%v", rel), wc.Effect, gc.Effect, k, rel)
			ws, err := ConfidenceSequence(a, b, SequentialConfig{Relative: rel})
			must(t, err)
			gs, err := ConfidenceSequence(scaleM(a, k), scaleM(b, k), SequentialConfig{Relative: rel})
			must(t, err)
			if !closeRel(ws.PValue, gs.PValue, 1e-12) || !closeRel(ws.DF, gs.DF, 1e-12) {
				t.Errorf("ConfidenceSequence relative=%v scaled by %v: %+v, unscaled %+v", rel, k, gs, ws)
			}
		}
		wc, err := Compare(a, b, Config{})
		must(t, err)
		gc, err := Compare(scaleM(a, k), scaleM(b, k), Config{})
		must(t, err)
		same("Compare absolute", wc.Absolute, gc.Absolute, k, false)
		same("Compare relative", wc.Relative, gc.Relative, k, true)
		if !closeRel(wc.ChanceToWin, gc.ChanceToWin, 1e-12) {
			t.Errorf("Compare chance to win %v, unscaled %v", gc.ChanceToWin, wc.ChanceToWin)
		}
		wb, err := BayesianTest(a, b, BayesConfig{})
		must(t, err)
		gb, err := BayesianTest(scaleM(a, k), scaleM(b, k), BayesConfig{})
		must(t, err)
		if !closeRel(wb.ChanceToWin, gb.ChanceToWin, 1e-12) {
			t.Errorf("BayesianTest chance to win %v, unscaled %v", gb.ChanceToWin, wb.ChanceToWin)
		}
	}
	// Subnormal variances (vA/nA underflowed to 0, so se was 0 and the chance to win NaN):
	// two units of 5e-324 squared in three, against the same pattern at unit scale.
	tiny := Moments{N: 3, SumSquares: 1e-323}
	r, err := BayesianTest(tiny, tiny, BayesConfig{})
	if err != nil || r.ChanceToWin != 0.5 || !finite(r.SD) || !(r.SD > 0) {
		t.Errorf("BayesianTest at subnormal variances: %+v, %v (want chance 0.5, sd > 0)", r, err)
	}
	e, err := WelchTest(tiny, tiny, Config{})
	if ref, _ := WelchTest(Moments{N: 3, SumSquares: 2}, Moments{N: 3, SumSquares: 2}, Config{}); err != nil || e.PValue != 1 || !closeRel(e.DF, ref.DF, 1e-12) {
		t.Errorf("WelchTest at subnormal variances: %+v, %v (want df %v, p 1)", e, err, ref.DF)
	}
}

// SRM with counts of 2^62 overflowed int64 (MinExpected negative, Checked false). By hand:
// 2^62 and 2^62 + 2^40 against 1:1: e = 2^62 + 2^39 each, d = -/+2^39, chi-square
// 2 (2^39)^2/(2^62 + 2^39) = 2^17/(1 + 2^-23) = 131071.984375 (to 1e-9).
func TestSRMHugeCounts(t *testing.T) {
	r, err := SRM([]int64{1 << 62, 1 << 62}, []float64{1, 1}, SRMConfig{})
	if err != nil || !r.Checked || r.Mismatch || r.MinExpected != 1<<62 || r.ChiSquare != 0 || r.PValue != 1 {
		t.Errorf("2^62 each: %+v, %v", r, err)
	}
	r, err = SRM([]int64{1 << 62, 1<<62 + 1<<40}, []float64{1, 1}, SRMConfig{})
	if err != nil || !r.Checked || !r.Mismatch || !closeRel(r.ChiSquare, 131071.984375, 1e-9) || r.PValue != 0 {
		t.Errorf("2^62 against 2^62 + 2^40: %+v, %v", r, err)
	}
}

// Planning at extremes: SampleSizeMeans(1e300, 1e-12) was +Inf and GrowthBookPower NaN, both
// with a nil error. A size beyond float64 is ErrOverflow; power and MDE depend on sd/mean
// only, so scaled inputs give the unscaled answer.
func TestPlanningExtremes(t *testing.T) {
	if n, err := SampleSizeMeans(1e300, 1e-12, PlanConfig{}); !errors.Is(err, ErrOverflow) || !strings.Contains(err.Error(), "1e+300") {
		t.Errorf("SampleSizeMeans(1e300, 1e-12): %v, %v (want ErrOverflow naming sd)", n, err)
	}
	if n, err := SampleSizeProportions(0.1, 0.1+5e-324, PlanConfig{}); err == nil && !finite(n) {
		t.Errorf("SampleSizeProportions with a subnormal change: %v with a nil error", n)
	}
	want, err := GrowthBookPower(1, 1, 0.05, 20000, GrowthBookPowerConfig{})
	must(t, err)
	for _, k := range []float64{1e300, 1e-300} {
		got, err := GrowthBookPower(k, k, 0.05, 20000, GrowthBookPowerConfig{})
		if err != nil || !closeRel(got, want, 1e-12) {
			t.Errorf("GrowthBookPower scaled by %v: %v, %v (want %v)", k, got, err, want)
		}
		wm, _ := GrowthBookMDE(1, 1, 20000, GrowthBookPowerConfig{})
		if gm, err := GrowthBookMDE(k, k, 20000, GrowthBookPowerConfig{}); err != nil || !closeRel(gm, wm, 1e-12) {
			t.Errorf("GrowthBookMDE scaled by %v: %v, %v (want %v)", k, gm, err, wm)
		}
	}
	// sd/mean = 1e300: no power beyond the false-positive rate.
	if p, err := GrowthBookPower(1e-300, 1, 0.1, 1000, GrowthBookPowerConfig{}); err != nil || math.Abs(p-0.05) > 1e-12 {
		t.Errorf("GrowthBookPower at sd/mean 1e300: %v, %v (want 0.05)", p, err)
	}
}

// The longest computations (the Beta integrals and the quantile search) return within a
// stated bound on adversarial posteriors: 2 s per call (measured: under 0.1 s) at huge,
// lopsided and singular shapes, so no input can make a readout hang.
func TestBayesianWithinBound(t *testing.T) {
	if testing.Short() {
		t.Skip("timing bound")
	}
	const bound = 2 * time.Second
	huge := int64(math.MaxInt64)
	cases := [][]Rate{
		{{Trials: huge, Successes: huge - 5}, {Trials: huge, Successes: huge - 7}},
		{{Trials: huge, Successes: 3}, {Trials: 10, Successes: 9}},
		{{Trials: 1 << 62, Successes: 1 << 61}, {Trials: 1 << 62, Successes: 1<<61 + 1<<40}, {Trials: 20, Successes: 0}},
		{{Trials: 1e12, Successes: 0}, {Trials: 1e12, Successes: 1e12}},
	}
	for _, prior := range []BetaPrior{{}, {0.5, 0.5}, {1e15, 1e-15}} {
		for _, arms := range cases {
			start := time.Now()
			if _, err := ProbBest(arms, prior); err != nil {
				t.Errorf("ProbBest %v: %v", arms, err)
			}
			if _, err := ProbBBeatsA(arms[0], arms[1], prior); err != nil {
				t.Errorf("ProbBBeatsA %v: %v", arms, err)
			}
			if _, _, err := ExpectedLoss(arms[0], arms[1], prior); err != nil {
				t.Errorf("ExpectedLoss %v: %v", arms, err)
			}
			if _, err := PosteriorInterval(arms[0], prior, 1-1e-12); err != nil {
				t.Errorf("PosteriorInterval %v: %v", arms[0], err)
			}
			if d := time.Since(start); d > bound {
				t.Errorf("prior %v, arms %v: %v, bound %v", prior, arms, d, bound)
			}
		}
	}
}
