package stat

import (
	"fmt"
	"math"
)

// RatioMoments are the mergeable sufficient statistics of a ratio metric ΣNum/ΣDen over
// independent units i = 1..n, each contributing a numerator and a denominator value, numerator
// first: for average order value a unit is a customer with num = revenue and den = orders; for
// pages per session a visitor with num = page views and den = sessions; setting every den = 1
// gives a plain mean. That is also the experiment ratio metric whose randomization unit (the
// user) is not its denominator.
//
// Moments are kept in Welford's centred form, so large sums do not lose precision, and Merge
// uses Chan et al.'s pairwise update: merging shards equals one pass up to rounding. FromSums
// builds them from SQL aggregates (count, sums, sums of squares, sum of products).
//
// With R = mean(num)/mean(den) and sample (co)variances s (n−1), the delta method
// (Deng, Knoblich & Lu 2018) gives
//
//	Var(R) ≈ (s_nn − 2R·s_nd + R²·s_dd) / (n·mean(den)²) = Variance()/N
//
// which, unlike treating orders or sessions as independent, accounts for several of them
// coming from the same customer or visitor.
type RatioMoments struct {
	// N is the number of units.
	N int64
	// MeanNum and MeanDen are the running means of the numerator and the denominator.
	MeanNum, MeanDen float64
	// Cnn, Cdd and Cnd are the centred sums Σ(num−n̄)², Σ(den−d̄)², Σ(num−n̄)(den−d̄).
	Cnn, Cdd, Cnd float64
	// Active counts the units with num ≠ 0 or den ≠ 0. A unit (0, 0), such as a visitor
	// without orders in average order value, says nothing about the ratio's spread.
	Active int64
}

// Add records one unit with numerator num and denominator den.
func (m *RatioMoments) Add(num, den float64) {
	m.N++
	if num != 0 || den != 0 {
		m.Active++
	}
	n := float64(m.N)
	dn, dd := num-m.MeanNum, den-m.MeanDen
	m.MeanNum += dn / n
	m.MeanDen += dd / n
	m.Cnn += dn * (num - m.MeanNum)
	m.Cdd += dd * (den - m.MeanDen)
	m.Cnd += dn * (den - m.MeanDen)
}

// Merge returns the moments of the union of two disjoint sets of units.
func (m RatioMoments) Merge(o RatioMoments) RatioMoments {
	if o.N == 0 {
		return m
	}
	if m.N == 0 {
		return o
	}
	na, nb := float64(m.N), float64(o.N)
	n := na + nb
	dn, dd := o.MeanNum-m.MeanNum, o.MeanDen-m.MeanDen
	return RatioMoments{
		N:       m.N + o.N,
		MeanNum: m.MeanNum + dn*nb/n,
		MeanDen: m.MeanDen + dd*nb/n,
		Cnn:     m.Cnn + o.Cnn + dn*dn*na*nb/n,
		Cdd:     m.Cdd + o.Cdd + dd*dd*na*nb/n,
		Cnd:     m.Cnd + o.Cnd + dn*dd*na*nb/n,
		Active:  m.Active + o.Active,
	}
}

// FromSums builds the moments of n units from their sums: Σnum, Σnum², Σden, Σden² and
// Σnum·den, which is what `SELECT count(*), sum(m), sum(m*m), sum(d), sum(d*d), sum(m*d)`
// returns. Sums do not say which units were (0, 0), so Active is taken as n. The centred sums
// are computed as Σx² − (Σx)²/n (a result below 0 through rounding is 0), which cancels
// when the mean is huge relative to the spread.
func FromSums(n int64, num, numSquares, den, denSquares, cross float64) RatioMoments {
	if n <= 0 {
		return RatioMoments{N: max(n, 0)}
	}
	f := float64(n)
	return RatioMoments{N: n, MeanNum: num / f, MeanDen: den / f,
		Cnn: max(0, numSquares-num*num/f), Cdd: max(0, denSquares-den*den/f), Cnd: cross - num*den/f, Active: n}
}

// SumNum returns Σnum.
func (m RatioMoments) SumNum() float64 { return m.MeanNum * float64(m.N) }

// SumDen returns Σden.
func (m RatioMoments) SumDen() float64 { return m.MeanDen * float64(m.N) }

// Units returns N as a float64.
func (m RatioMoments) Units() float64 { return float64(m.N) }

// Mean returns the ratio of means ΣNum/ΣDen: NaN or ±Inf when ΣDen = 0.
func (m RatioMoments) Mean() float64 { return m.MeanNum / m.MeanDen }

// Variance returns the per-unit delta-method variance of the ratio (see the type's doc), so
// that var(R) = Variance()/N: NaN for N < 2 or a zero mean denominator.
func (m RatioMoments) Variance() float64 {
	n := float64(m.N)
	r := m.MeanNum / m.MeanDen
	snn, sdd, snd := m.Cnn/(n-1), m.Cdd/(n-1), m.Cnd/(n-1)
	return (snn - 2*r*snd + r*r*sdd) / (m.MeanDen * m.MeanDen)
}

// Validate reports a negative N or Active, non-finite moments, or negative centred sums of
// squares. The error has no package prefix; the caller wraps it with its own sentinel.
func (m RatioMoments) Validate() error {
	if m.N < 0 || m.Active < 0 || m.Active > m.N {
		return fmt.Errorf("units %d, active %d", m.N, m.Active)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"mean_num", m.MeanNum}, {"mean_den", m.MeanDen}, {"cnn", m.Cnn}, {"cdd", m.Cdd}, {"cnd", m.Cnd}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || (f.name == "cnn" || f.name == "cdd") && f.v < 0 {
			return fmt.Errorf("%s %v", f.name, f.v)
		}
	}
	return nil
}
