package abtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// benchRows builds experiments x metrics aggregate rows: two variants each, one row per
// variant, so 10,000 experiment x metric pairs are 20,000 rows. Lifts are about 1% with a
// per-unit standard deviation of 2, so t statistics are mostly moderate, as in practice.
func benchRows(pairs int) []Row {
	rng := newRand(1)
	rows := make([]Row, 0, 2*pairs)
	const metricsPerExp = 5
	for i := range pairs {
		exp := fmt.Sprintf("exp-%d", i/metricsPerExp)
		metric := fmt.Sprintf("metric-%d", i%metricsPerExp)
		base := 10 + rng.NormFloat64()
		for j, v := range []string{"control", "treatment"} {
			n := int64(10000 + rng.IntN(1000))
			mean := base
			if j == 1 {
				mean *= 1 + 0.01*rng.NormFloat64() // realistic lifts, about 1%
			}
			sum := mean * float64(n)
			rows = append(rows, Row{Experiment: exp, Variant: v, Metric: metric, Units: n, Sum: sum, SumSquares: sum*mean + 4*float64(n-1)})
		}
	}
	return rows
}

// BenchmarkAnalyze10k reads out 10,000 experiment x metric pairs (2,000 experiments of 5
// metrics, 2 variants): Welch absolute and relative, chance to win, Holm, SRM.
func BenchmarkAnalyze10k(b *testing.B) {
	rows := benchRows(10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWelchTest(b *testing.B) {
	a := Moments{N: 3407, Sum: 1396.87, SumSquares: 52377.9767}
	c := Moments{N: 3461, Sum: 2422.7, SumSquares: 134698.29}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WelchTest(a, c, Config{Relative: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZTest(b *testing.B) {
	a, c := Rate{Trials: 1000000, Successes: 31000}, Rate{Trials: 1000000, Successes: 31800}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ZTest(a, c, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProbBBeatsA(b *testing.B) {
	a, c := Rate{Trials: 1000, Successes: 120}, Rate{Trials: 1000, Successes: 140}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ProbBBeatsA(a, c, BetaPrior{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProbBest3(b *testing.B) {
	arms := []Rate{{Trials: 1000, Successes: 120}, {Trials: 1000, Successes: 140}, {Trials: 1000, Successes: 131}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ProbBest(arms, BetaPrior{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssign(b *testing.B) {
	a, _ := NewAssigner(Experiment{Salt: "bench", Variants: []string{"a", "b", "c"}})
	b.ReportAllocs()
	for b.Loop() {
		a.Assign("customer-123456")
	}
}

func BenchmarkReadAggregates(b *testing.B) {
	var sb []byte
	sb = append(sb, "experiment,variant,metric,units,sum,sum_squares\n"...)
	for _, r := range benchRows(10000) {
		sb = fmt.Appendf(sb, "%s,%s,%s,%d,%g,%g\n", r.Experiment, r.Variant, r.Metric, r.Units, r.Sum, r.SumSquares)
	}
	b.SetBytes(int64(len(sb)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range ReadAggregates(bytesReader(sb)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 20000 {
			b.Fatal(n)
		}
	}
}
