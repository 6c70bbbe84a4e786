package clv

import (
	"math"
	"testing"
)

// TestBGNBDLargeR: with r much larger than a+b the Euler-transformed ₂F₁ series of BG/NBD's
// expectations alternates and cancels: the old code gave E[X(52)] = 489 where the truth is
// 39.9, and -6.9e30 at r = 300. Such cases now go to the quadrature of
// BGNBD.purchasesIntegral, which is also checked on its own for every case (including
// a, b+x of 35 and 15, where it first cut its range too early). Expected values: mpmath at 40
// digits (testdata/bgnbd_large_r.py).
func TestBGNBDLargeR(t *testing.T) {
	cases := [][8]float64{
		// r, alpha, a, b, x, T, t, factor (E[X(t)] when x = T = 0)
		{30.0, 5.0, 0.8, 2.4, 0.0, 0.0, 52.0, 19.717412456014031},
		{100.0, 20.0, 0.5, 2.0, 0.0, 0.0, 5.0, 10.543667880292514},
		{100.0, 20.0, 0.5, 2.0, 0.0, 0.0, 52.0, 39.899138623879398},
		{100.0, 20.0, 0.5, 2.0, 0.0, 0.0, 520.0, 132.42346863487355},
		{300.0, 50.0, 0.6, 3.0, 0.0, 0.0, 52.0, 39.813410353922491},
		{300.0, 50.0, 0.6, 3.0, 0.0, 0.0, 520.0, 109.56599992993203},
		{46.0604, 0.1148, 1.606, 0.0124, 94.0, 0.024, 48.32, 152.59805881681232},
		{49.782, 0.8508, 5.894, 0.0124, 3.0, 340.152, 2.7008, 0.36460773461895502},
		{50.0, 1.0, 0.05, 0.02, 3.0, 10.0, 10000.0, 30990.484977183313},
		{80.0, 3.0, 0.02, 0.5, 0.0, 0.0, 1000000.0, 18600924.04383162},
		{49.0908, 2.902, 35.5708, 4.6108, 10.0, 5.688000000000001, 6.361599999999999, 1.4226341303228629},
		{49.0908, 2.902, 35.5708, 4.6108, 10.0, 5.688000000000001, 7745.499904, 1.4226341305379106},
	}
	for _, c := range cases {
		m := BGNBD{R: c[0], Alpha: c[1], A: c[2], B: c[3]}
		got := m.purchasesFactor(c[4], c[1]+c[5], c[6])
		if rel := math.Abs(got/c[7] - 1); !(rel < 1e-11) {
			t.Errorf("%v: factor %.17g, want %.17g (relative error %.2g)", c[:7], got, c[7], rel)
		}
		// The quadrature alone, whichever path purchasesFactor took.
		if q := m.purchasesIntegral(c[4], c[1]+c[5], c[6]); math.Abs(q/c[7]-1) > 1e-11 {
			t.Errorf("%v: quadrature %.17g, want %.17g", c[:7], q, c[7])
		}
		if c[4] == 0 && c[5] == 0 {
			if got := m.ExpectedPurchases(c[6]); math.Abs(got/c[7]-1) > 1e-11 {
				t.Errorf("%v: E[X] %.17g, want %.17g", c[:7], got, c[7])
			}
		}
	}
}
