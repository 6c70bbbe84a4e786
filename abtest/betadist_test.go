package abtest

import (
	"math"
	"testing"
)

// The incomplete beta where gonum's is 1e-3 off or above 1 (a+b from 1e6): small shapes
// against huge ones, above the mean. Source: testdata/gen_beta_large.py, section
// "regIncBeta at small shapes against mpmath.betainc" (40 digits).
func TestRegIncBetaAgainstMpmath(t *testing.T) {
	for _, c := range []struct{ a, b, x, want float64 }{
		{0.5, 1e12, 2.9e-12, 0.98397382545207833143},
		{5, 1e12, 9.4e-12, 0.95712223622993536148},
		{5.5, 1e17, 1.1e-16, 0.97562675625241831643},
		{100, 1e12, 1.5e-10, 0.99999407545970343129},
		{100, 1e6, 0.00015, 0.99999411425473540814},
		{7.5, 1e12, 2e-11, 0.99954650186498130963},
		{1000, 30, 0.975, 0.77869679921034745583},
		{0.5, 30, 0.05, 0.91937057309356924187},
	} {
		got := regIncBeta(c.a, c.b, c.x)
		if math.Abs(got-c.want) > 1e-14 {
			t.Errorf("I_%v(%v, %v) = %.17g, want %.17g", c.x, c.a, c.b, got, c.want)
		}
		// and the complement through the mirrored argument, where 1 - x is as exact as x
		// relative to the spread (not at b = 1e12, where rounding 1 - x moves it by 1e-4 sd)
		if d := regIncBeta(c.b, c.a, 1-c.x) - (1 - c.want); c.b < 1e4 && math.Abs(d) > 1e-14 {
			t.Errorf("I_%v(%v, %v) off its complement by %v", 1-c.x, c.b, c.a, d)
		}
	}
}

// The large-shape CDF agrees with the normal limit to its skewness order and is monotone. It
// is taken in the standardised coordinate (as the integrals use it): at Beta(5e11, 5e11) a
// float64 x resolves the spread only to 1e-10 sd.
func TestRegIncBetaLargeShapes(t *testing.T) {
	for _, ab := range [][2]float64{{1e4, 1e4}, {5e11, 5e11}, {1e5, 1e17}, {1e17, 1e18}} {
		d := newBetaArm(ab[0], ab[1])
		prev := -1.0
		for u := -9.0; u <= 9; u += 0.25 {
			f := d.cdfStd(u)
			if !(f >= prev) || !(f >= 0 && f <= 1) {
				t.Fatalf("Beta%v: CDF at %v sd %v after %v", ab, u, f, prev)
			}
			prev = f
			// the skewness 2(b-a)/(a+b+2) sqrt((a+b+1)/(ab)) plus the excess kurtosis, below
			// 6/min(a, b), bound the distance to the normal (Edgeworth)
			skew := 2 * math.Abs(ab[1]-ab[0]) / (ab[0] + ab[1] + 2) * math.Sqrt((ab[0]+ab[1]+1)/(ab[0]*ab[1]))
			if math.Abs(f-normCDF(u)) > skew+6/math.Min(ab[0], ab[1]) {
				t.Errorf("Beta%v at %v sd: %v, normal %v (skew %v)", ab, u, f, normCDF(u), skew)
			}
		}
	}
}
