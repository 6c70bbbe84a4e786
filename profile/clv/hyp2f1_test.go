package clv

import (
	"math"
	"testing"
	"time"
)

// TestHyp2f1Mpmath compares hyp2f1 with mpmath.hyp2f1 at 50 digits (testdata/hyp2f1.py) over
// the regions the models reach: BG/NBD's Euler-transformed ₂F₁ at the CDNOW estimate for
// horizons up to 10⁷ weeks (z within 4e-6 of 1, where the old series summed ~10⁶ terms per
// call), large x, m = c-a-b at and within 1e-5 of an integer (the singular cases of the
// transformation to 1-z), m < 0, the regions of the old Pareto/NBD ₂F₁ that were slow, and the
// extreme cases FuzzBGNBDPredictions found. Each value must also take little work.
func TestHyp2f1Mpmath(t *testing.T) {
	cases := []struct {
		a, b, c, z, want, tol float64
	}{
		{1.9760000000000004, -0.20699999999999996, 2.2190000000000003, 0.545794235573189, 0.86925136355954981, 1e-14},
		{1.9760000000000004, -0.20699999999999996, 4.219, 0.9379272529192986, 0.87546331090643619, 1e-13},
		{1.9760000000000004, -0.20699999999999996, 2.2190000000000003, 0.9992085900019259, 0.4925478562693763, 1e-13},
		{1.9760000000000004, -0.20699999999999996, 22.219, 0.9999957586179893, 0.98054821296421855, 1e-13},
		{1.9760000000000004, -0.20699999999999996, 202.219, 0.9995760398184713, 0.9979662658701607, 1e-13},
		{0.5, -0.2, 2.3, 0.9999, 0.94233018798665423, 1e-10},
		{0.5, -0.2, 2.300004, 0.99, 0.94324044078855057, 1e-10},
		{0.3, 0.45, 0.75, 0.999, 2.3914809878346169, 1e-10},
		{1.2, 0.8, 1.5, 0.95, 5.8789700355143132, 1e-13},
		{1.159, 1.606, 2.159, 0.999999, 8269.5244503102446, 1e-13},
		{4.0, 3.5, 5.0, 0.90909, 595.35610420321229, 1e-10},
		{1.0124, 1.0000001, 2.0124, 0.9999999980000001, 20.258047452938793, 1e-10},
		{-0.7436, -0.99, 154.2688, 0.999537702636111, 1.0047697898894806, 1e-14},
		{67.0504, 33.0252, 203.0504, 0.9260207229975908, 587524.26289473192, 1e-13},
		{0.3, 0.7, 1.9, 0.25, 1.0306788055704876, 1e-15},
		{1.9760000000000004, -0.20699999999999996, 2.2190000000000003, 0.5375332598704545, 0.87192175013741007, 1e-13},
		{1.9760000000000004, -0.20699999999999996, 7.219000000000001, 0.7107825716113441, 0.95460294387900801, 1e-13},
		{0.9, 0.4, 11.3, 0.6, 1.0205068628169363, 1e-10},
		{2.5, 1.5, 19.7, 0.55, 1.1187772192264257, 1e-13},
		{2.5, 1.5, 11.5, 0.55, 1.2235976570966303, 1e-13},
		{2.5, 1.5, 11.5, 0.999, 1.5209843129540646, 1e-13},
		{2.5, 1.5, 11.5, 0.9, 1.4403461886905218, 1e-13},
		{0.5, 0.5, 8.9, 0.999999, 1.0321298742354014, 1e-13},
		{2.5, 1.5, 11.5, 0.81, 1.375956651781843, 1e-13},
		{3.5, 2.5, 13.9, 0.85, 1.9725927280782948, 1e-13},
		{-0.7, -0.99, 6.1, 0.83, 1.0943108134230671, 1e-13},
		{0.15, 0.35, 1.5, 0.51, 1.0216880220710531, 1e-10},
	}
	for _, c := range cases {
		start := time.Now()
		const reps = 20
		var got float64
		for range reps {
			got = hyp2f1(c.a, c.b, c.c, c.z)
		}
		per := time.Since(start) / reps
		if rel := math.Abs(got/c.want - 1); !(rel <= c.tol) {
			t.Errorf("2F1(%v, %v; %v; %v) = %.17g, want %.17g (relative error %.2g > %.0e)", c.a, c.b, c.c, c.z, got, c.want, rel, c.tol)
		}
		// A few hundred terms at most: microseconds. 1 ms leaves room for a loaded machine;
		// the old series took tens of milliseconds near z = 1.
		if per > time.Millisecond*raceSlowdown {
			t.Errorf("2F1(%v, %v; %v; %v): %v per call", c.a, c.b, c.c, c.z, per)
		}
	}
}
