package abtest

import (
	"fmt"
	"math"
	"slices"
)

// Correction is a multiple-testing correction. The zero value is Holm, which controls the
// family-wise error rate under any dependence and is never less powerful than Bonferroni.
type Correction int

const (
	// Holm: step-down Bonferroni. Sorted ascending, p_(i) (m - i + 1) with a running max.
	// FWER, uniformly more powerful than Bonferroni.
	Holm Correction = iota
	// NoCorrection returns the p-values unchanged.
	NoCorrection
	// Bonferroni: min(1, m p_i). Controls the family-wise error rate (FWER).
	Bonferroni
	// HolmSidak: step-down Šidák, 1 - (1 - p_(i))^(m-i+1) with a running max. FWER under
	// independence or positive dependence (statsmodels' multipletests default).
	HolmSidak
	// Sidak: 1 - (1 - p_i)^m (single step).
	Sidak
	// BenjaminiHochberg: step-up false discovery rate. Sorted descending, p_(i) m / i with a
	// running min.
	BenjaminiHochberg
	// Hommel: Hommel's (1988) closed procedure as computed by R p.adjust; FWER under positive
	// dependence, at least as powerful as Holm.
	Hommel
)

var correctionNames = map[Correction]string{NoCorrection: "none", Bonferroni: "bonferroni", Holm: "holm",
	HolmSidak: "holm-sidak", Sidak: "sidak", BenjaminiHochberg: "bh", Hommel: "hommel"}

// String returns the short name ParseCorrection accepts.
func (c Correction) String() string {
	if s, ok := correctionNames[c]; ok {
		return s
	}
	return fmt.Sprintf("Correction(%d)", int(c))
}

// ParseCorrection maps "none", "bonferroni", "holm", "holm-sidak", "sidak", "bh" (also
// "fdr_bh") and "hommel" to a Correction.
func ParseCorrection(s string) (Correction, error) {
	if s == "fdr_bh" {
		return BenjaminiHochberg, nil
	}
	for c, name := range correctionNames {
		if name == s {
			return c, nil
		}
	}
	return Holm, fmt.Errorf("%w: correction %q", ErrInvalidInput, s)
}

// Adjust returns adjusted p-values in input order, capped at 1 (statsmodels multipletests,
// R p.adjust). Every p must be in [0, 1]; ties keep their input order, so the result is
// deterministic. An empty input gives an empty result.
func Adjust(p []float64, method Correction) ([]float64, error) {
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("%w: p-value %d = %v is not in [0, 1]", ErrInvalidInput, i, v)
		}
	}
	m := len(p)
	out := make([]float64, m)
	if m == 0 {
		return out, nil
	}
	fm := float64(m)
	// order[r] is the input index of the r-th smallest p-value.
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	sidak := func(v, k float64) float64 { return -math.Expm1(k * math.Log1p(-v)) }
	switch method {
	case NoCorrection:
		copy(out, p)
	case Bonferroni:
		for i, v := range p {
			out[i] = math.Min(1, fm*v)
		}
	case Sidak:
		for i, v := range p {
			out[i] = sidak(v, fm)
		}
	case Holm, HolmSidak:
		run := 0.0
		for r, i := range order {
			k := float64(m - r)
			v := math.Min(1, k*p[i])
			if method == HolmSidak {
				v = sidak(p[i], k)
			}
			run = math.Max(run, v)
			out[i] = run
		}
	case BenjaminiHochberg:
		run := 1.0
		for r := m - 1; r >= 0; r-- {
			i := order[r]
			run = math.Min(run, p[i]*fm/float64(r+1))
			out[i] = run
		}
	case Hommel:
		hommel(p, order, out)
	default:
		return nil, fmt.Errorf("%w: correction %d", ErrInvalidInput, int(method))
	}
	return out, nil
}

// hommel ports R's p.adjust(method = "hommel"):
//
//	q = pa = min_i(n p_(i)/i)
//	for m = n-1 down to 2:
//	  q1 = min_{k=2..m} m p_(n-m+k)/k
//	  q_(i) = min(m p_(i), q1) for i <= n-m+1;  q_(i) = q_(n-m+1) for i > n-m+1
//	  pa = max(pa, q)
//	adjusted = max(pa, p)
func hommel(p []float64, order []int, out []float64) {
	n := len(p)
	s := make([]float64, n) // sorted ascending
	for r, i := range order {
		s[r] = p[i]
	}
	init := math.Inf(1)
	for i := 0; i < n; i++ {
		init = math.Min(init, float64(n)*s[i]/float64(i+1))
	}
	q := make([]float64, n)
	pa := make([]float64, n)
	for i := range q {
		q[i], pa[i] = init, init
	}
	for m := n - 1; m >= 2; m-- {
		q1 := math.Inf(1)
		for k := 2; k <= m; k++ {
			q1 = math.Min(q1, float64(m)*s[n-m+k-1]/float64(k))
		}
		for i := 0; i < n-m+1; i++ {
			q[i] = math.Min(float64(m)*s[i], q1)
		}
		for i := n - m + 1; i < n; i++ {
			q[i] = q[n-m]
		}
		for i := range pa {
			pa[i] = math.Max(pa[i], q[i])
		}
	}
	for r, i := range order {
		out[i] = math.Min(1, math.Max(pa[r], s[r]))
	}
}

// AdjustedInterval is GrowthBook's interval consistent with an adjusted p-value (adjustedCI):
// it backs out a standard error from the effect and the adjusted two-sided p-value,
//
//	sd = |effect / z_{1-pAdjusted/2}|, interval = effect -/+ z_{1-alpha/2} sd
//
// so the interval excludes 0 exactly when pAdjusted < alpha. It is ad hoc (there is no exact
// interval for Holm or BH); use it only for display. pAdjusted must be in (0, 1] and alpha in
// (0, 1).
func AdjustedInterval(effect, pAdjusted, alpha float64) (lower, upper float64, err error) {
	if !(pAdjusted > 0 && pAdjusted <= 1) || !finite(effect) {
		return 0, 0, fmt.Errorf("%w: adjusted p %v, effect %v", ErrInvalidInput, pAdjusted, effect)
	}
	if !(alpha >= minAlpha && alpha < 1) {
		return 0, 0, fmt.Errorf("%w: got %v", ErrInvalidAlpha, alpha)
	}
	z := normUpper(pAdjusted / 2)
	if z <= 0 {
		return math.Inf(-1), math.Inf(1), nil
	}
	sd := math.Abs(effect / z)
	h := normUpper(alpha/2) * sd
	if !finite(effect-h) || !finite(effect+h) {
		return 0, 0, fmt.Errorf("%w: interval of effect %v at adjusted p %v", ErrOverflow, effect, pAdjusted)
	}
	return effect - h, effect + h, nil
}
