package abtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/tailorkit/tailor/abtest"
)

// A weekly readout from SQL aggregates: conversions per arm.
func ExampleZTest() {
	control := abtest.Rate{Trials: 1000, Successes: 120}
	treatment := abtest.Rate{Trials: 1000, Successes: 140}
	r, err := abtest.ZTest(control, treatment, abtest.Config{Alpha: 0.05})
	if err != nil {
		panic(err)
	}
	fmt.Printf("diff %+.3f, 95%% CI [%+.4f, %+.4f], p = %.4f\n", r.Diff, r.Lower, r.Upper, r.PValue)
	// Output: diff +0.020, 95% CI [-0.0095, +0.0495], p = 0.1836
}

// Revenue per user from sums and sums of squares, with the relative lift.
func ExampleWelchTest() {
	control := abtest.Moments{N: 3407, Sum: 1396.87, SumSquares: 52377.9767}
	treatment := abtest.Moments{N: 3461, Sum: 2422.7, SumSquares: 134698.29}
	e, err := abtest.WelchTest(control, treatment, abtest.Config{Relative: true})
	if err != nil {
		panic(err)
	}
	fmt.Printf("lift %.1f%%, 95%% CI [%.1f%%, %.1f%%], p = %.4f\n", 100*e.Estimate, 100*e.Lower, 100*e.Upper, e.PValue)
	// Output: lift 70.7%, 95% CI [-3.5%, 145.0%], p = 0.0619
}

// Shards merge: per-day aggregates add up to the experiment's totals.
func ExampleMoments_Merge() {
	var monday, tuesday abtest.Moments
	for _, x := range []float64{10, 0, 25} {
		monday.Add(x)
	}
	for _, x := range []float64{5, 40} {
		tuesday.Add(x)
	}
	all := monday.Merge(tuesday)
	fmt.Println(all.N, all.Sum, all.SumSquares, all.Mean())
	// Output: 5 80 2350 16
}

// The exact probability that B beats A, and the expected loss of each choice.
func ExampleProbBBeatsA() {
	a := abtest.Rate{Trials: 1000, Successes: 120}
	b := abtest.Rate{Trials: 1000, Successes: 140}
	p, _ := abtest.ProbBBeatsA(a, b, abtest.BetaPrior{})
	shipB, keepA, _ := abtest.ExpectedLoss(a, b, abtest.BetaPrior{})
	fmt.Printf("P(B>A) = %.4f; loss if B shipped %.5f, if A kept %.5f\n", p, shipB, keepA)
	// Output: P(B>A) = 0.9079; loss if B shipped 0.00065, if A kept 0.02061
}

// Sample size per arm to detect a +5% relative lift on a 3% conversion rate.
func ExampleSampleSizeProportions() {
	n, _ := abtest.SampleSizeProportions(0.03, 0.03*1.05, abtest.PlanConfig{Power: 0.8})
	fmt.Printf("%.0f per arm\n", n+0.5)
	// Output: 207938 per arm
}

// Holm-adjust the p-values of an experiment's metrics.
func ExampleAdjust() {
	adj, _ := abtest.Adjust([]float64{0.01, 0.04, 0.03, 0.005}, abtest.Holm)
	fmt.Println(adj)
	// Output: [0.03 0.06 0.06 0.02]
}

// Sample-ratio mismatch: 1000 vs 1200 units on a planned 50/50 split.
func ExampleSRM() {
	r, _ := abtest.SRM([]int64{1000, 1200}, []float64{0.5, 0.5}, abtest.SRMConfig{})
	fmt.Printf("chi2 %.2f, p %.2g, mismatch %v\n", r.ChiSquare, r.PValue, r.Mismatch)
	// Output: chi2 18.18, p 2e-05, mismatch true
}

// Deterministic assignment to named variants: the same unit always lands in the same variant,
// and an empty unit ID is an error rather than the control.
func ExampleAssigner() {
	a, err := abtest.NewAssigner(abtest.Experiment{Salt: "reco-widget", Variants: []string{"popular", "personal"}, Weights: []float64{50, 50}})
	if err != nil {
		panic(err)
	}
	v1, _ := a.Assign("customer-42")
	v2, _ := a.Assign("customer-42")
	fmt.Println(v1 == v2, slices.Contains(a.Variants(), v1))
	_, err = a.Assign("")
	fmt.Println(err)
	// Output:
	// true true
	// abtest: empty unit ID: experiment "reco-widget"
}

// Thompson sampling with a seeded generator is reproducible.
func ExampleThompsonSample() {
	arms := []abtest.Rate{{Trials: 100, Successes: 10}, {Trials: 100, Successes: 30}}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, 2)
	for range 1000 {
		i, _ := abtest.ThompsonSample(arms, abtest.BetaPrior{}, rng)
		counts[i]++
	}
	fmt.Println(counts[1] > 990)
	// Output: true
}

// Read an aggregates CSV and analyse it.
func ExampleAnalyze() {
	csv := `experiment,variant,metric,units,sum,sum_squares
checkout-copy,control,converted,1000,120,120
checkout-copy,new,converted,1000,140,140
`
	var rows []abtest.Row
	for row, err := range abtest.ReadAggregates(strings.NewReader(csv)) {
		if err != nil {
			panic(err)
		}
		rows = append(rows, row)
	}
	ro, err := abtest.Analyze(context.Background(), slices.Values(rows), abtest.ReadoutConfig{})
	if err != nil {
		panic(err)
	}
	c := ro.Experiments[0].Metrics[0].Comparisons[0]
	fmt.Printf("%s: %+.3f, p = %.3f, SRM p = %.0f\n", c.Variant, c.Absolute.Estimate, c.Absolute.PValue, ro.Experiments[0].SRM.PValue)
	// Output: new: +0.020, p = 0.184, SRM p = 1
}

// Group-sequential design: O'Brien-Fleming-type bounds for four equally spaced looks
// (the classic 4.333, 2.963, 2.359, 2.014 of Jennison and Turnbull's tables).
func ExampleGroupSequentialBounds() {
	bounds, err := abtest.GroupSequentialBounds([]float64{0.25, 0.5, 0.75, 1}, abtest.SpendingConfig{Alpha: 0.05})
	if err != nil {
		panic(err)
	}
	for _, b := range bounds {
		fmt.Printf("t=%.2f |z| > %.3f (nominal p < %.5f)\n", b.Fraction, b.Z, b.NominalAlpha)
	}
	// Output:
	// t=0.25 |z| > 4.333 (nominal p < 0.00001)
	// t=0.50 |z| > 2.963 (nominal p < 0.00305)
	// t=0.75 |z| > 2.359 (nominal p < 0.01832)
	// t=1.00 |z| > 2.014 (nominal p < 0.04400)
}

// An always-valid readout: safe to look at every day.
func ExampleConfidenceSequence() {
	control := abtest.Rate{Trials: 3000, Successes: 1396}
	treatment := abtest.Rate{Trials: 3461, Successes: 2422}
	r, err := abtest.ConfidenceSequence(control, treatment, abtest.SequentialConfig{Relative: true})
	if err != nil {
		panic(err)
	}
	fmt.Printf("lift %.1f%%, always-valid 95%% CI [%.1f%%, %.1f%%]\n", 100*r.Estimate, 100*r.Lower, 100*r.Upper)
	// Output: lift 50.4%, always-valid 95% CI [40.1%, 60.7%]
}
