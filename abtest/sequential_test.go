package abtest

import (
	"math"
	"testing"
)

// Lan-DeMets O'Brien-Fleming-type bounds for 5 equally spaced looks at alpha 0.05 two-sided,
// as tabulated by Jennison and Turnbull (2000) and printed by R gsDesign/ldbounds:
// 4.877, 3.357, 2.680, 2.290, 2.031 (3 decimals there; tolerance 2e-3).
func TestOBrienFlemingBoundsPublished(t *testing.T) {
	b, err := GroupSequentialBounds([]float64{0.2, 0.4, 0.6, 0.8, 1}, SpendingConfig{Alpha: 0.05})
	must(t, err)
	want := []float64{4.877, 3.357, 2.680, 2.290, 2.031}
	for i := range want {
		if math.Abs(b[i].Z-want[i]) > 2e-3 {
			t.Errorf("look %d: z %v, published %v", i+1, b[i].Z, want[i])
		}
	}
}

// Simulated Brownian paths cross the bounds of each spending function with cumulative
// probability alpha(t_k) at every look (200000 seeded paths; 4 standard errors).
func TestSpendingBoundsBySimulation(t *testing.T) {
	fr := []float64{0.15, 0.4, 0.55, 0.8, 1}
	paths := 200000
	if testing.Short() {
		paths = 50000
	}
	for _, cfg := range []SpendingConfig{{Alpha: 0.05}, {Alpha: 0.05, Function: Pocock}, {Alpha: 0.1, Function: PowerFamily, Rho: 2},
		{Alpha: 0.025, Function: OBrienFleming, OneSided: true}} {
		b, err := GroupSequentialBounds(fr, cfg)
		must(t, err)
		rng := newRand(99)
		crossed := make([]int, len(fr))
		for range paths {
			s, prev := 0.0, 0.0
			for k, tk := range fr {
				s += math.Sqrt(tk-prev) * rng.NormFloat64()
				prev = tk
				z := s / math.Sqrt(tk)
				hit := z > b[k].Z || (!cfg.OneSided && z < -b[k].Z)
				if hit {
					for j := k; j < len(fr); j++ {
						crossed[j]++
					}
					break
				}
			}
		}
		for k := range fr {
			got := float64(crossed[k]) / float64(paths)
			want := b[k].Spent
			se := math.Sqrt(want * (1 - want) / float64(paths))
			if math.Abs(got-want) > 4*se {
				t.Errorf("%+v look %d: simulated cumulative crossing %v, spent %v (se %v)", cfg, k+1, got, want, se)
			}
		}
	}
}

// Peeking every "day" at an A/A test with the confidence sequence keeps the chance of ever
// rejecting at or below alpha, while a fixed-horizon t-test peeked at as often rejects far
// more. 400 seeded A/A experiments, 20 looks of 100 units per arm each.
func TestConfidenceSequenceIsAlwaysValid(t *testing.T) {
	rng := newRand(2024)
	const experiments, looks, step = 400, 20, 100
	seqRejects, naiveRejects := 0, 0
	for range experiments {
		var a, b Moments
		seqHit, naiveHit := false, false
		for range looks {
			for range step {
				a.Add(rng.NormFloat64())
				b.Add(rng.NormFloat64())
			}
			s, err := ConfidenceSequence(a, b, SequentialConfig{Alpha: 0.05, TuningN: 2000})
			must(t, err)
			if s.PValue < 0.05 {
				seqHit = true
			}
			e, _ := WelchTest(a, b, Config{})
			if e.PValue < 0.05 {
				naiveHit = true
			}
		}
		if seqHit {
			seqRejects++
		}
		if naiveHit {
			naiveRejects++
		}
	}
	seqRate, naiveRate := float64(seqRejects)/experiments, float64(naiveRejects)/experiments
	// 0.05 + 3 standard errors of a 400-experiment proportion (0.011) = 0.083.
	if seqRate > 0.083 {
		t.Errorf("confidence sequence false-positive rate %v with 20 peeks", seqRate)
	}
	if naiveRate < 0.12 {
		t.Errorf("naive peeking rate %v: the simulation should show its inflation (typically ~0.25)", naiveRate)
	}
	t.Logf("ever-reject rate with 20 peeks: confidence sequence %v, naive t-test %v", seqRate, naiveRate)
}

// The mSPRT p-value never increases, and under the null the chance of ever rejecting stays
// near alpha (300 seeded A/A experiments with 30 looks).
func TestMSPRTAlwaysValid(t *testing.T) {
	rng := newRand(77)
	rejects := 0
	const experiments = 300
	for range experiments {
		m, err := NewMSPRT(MSPRTConfig{Tau2: 1e-3, Alpha: 0.05})
		must(t, err)
		var a, b Rate
		prev := 1.0
		for range 30 {
			for range 100 {
				a.Trials++
				b.Trials++
				if rng.Float64() < 0.2 {
					a.Successes++
				}
				if rng.Float64() < 0.2 {
					b.Successes++
				}
			}
			look, err := m.Observe(a, b)
			must(t, err)
			if look.PValue > prev {
				t.Fatalf("p-value rose from %v to %v", prev, look.PValue)
			}
			prev = look.PValue
		}
		if prev <= 0.05 {
			rejects++
		}
	}
	if rate := float64(rejects) / experiments; rate > 0.05+3*math.Sqrt(0.05*0.95/experiments) {
		t.Errorf("mSPRT ever-reject rate %v under the null", rate)
	}
}
