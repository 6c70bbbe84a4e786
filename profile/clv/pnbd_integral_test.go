package clv

import (
	"math"
	"testing"
	"time"
)

// TestParetoNBDIntegralMpmath checks ln I of the Pareto/NBD likelihood (see ParetoNBD) against
// mpmath at 50 digits (testdata/pnbd_integral.py, the closed form with mpmath.hyp2f1,
// cross-checked by quadrature), over the parameter regions a fit visits: the CDNOW estimate,
// β << α and α << β (where the ₂F₁ series of the old code needed up to 2e6 terms per call),
// runaway s and β, large x, the corners of the log-parameter box, s = 1 and tx near T. Each
// value must also take a bounded amount of work.
func TestParetoNBDIntegralMpmath(t *testing.T) {
	cases := [][8]float64{
		// r, alpha, s, beta, x, tx, T, ln I (mpmath)
		{0.553, 10.578, 0.606, 11.669, 0.0, 0.0, 38.86, -3.1634414916490385},
		{0.553, 10.578, 0.606, 11.669, 26.0, 30.86, 31.0, -106.92462077872921},
		{0.553, 10.578, 0.606, 11.669, 132.0, 200.0, 200.5, -718.58771990243661},
		{0.5, 100.0, 0.5, 0.0001, 0.0, 0.0, 373.0, 2.9946065412656959},
		{0.5, 0.0001, 0.5, 100.0, 3.0, 10.0, 373.0, -13.799065620028121},
		{0.0124, 500.0, 1e-07, 1e-06, 0.0, 0.0, 373.0, 2.9050375090637097},
		{2.0, 60.0, 0.0001, 10000.0, 150.0, 300.0, 373.0, -903.06004470081019},
		{0.3, 5.0, 3.0, 5.0, 10.0, 5.0, 40.0, -33.21214577410097},
		{40.0, 0.5, 40.0, 0.7, 200.0, 100.0, 101.0, -1296.62478554862},
		{0.8, 3e-08, 0.9, 60000000.0, 1.0, 0.5, 1000.0, -33.253352850862737},
		{1.0, 20.0, 1.0, 20.0000001, 5.0, 2.0, 60.0, -23.583326277845394},
		{0.2, 100000.0, 0.01, 0.001, 4.0, 0.001, 0.002, -49.196888029711704},
	}
	for _, c := range cases {
		m := ParetoNBD{c[0], c[1], c[2], c[3]}
		start := time.Now()
		var q pnbdIntegral
		const reps = 100
		for range reps {
			q = m.integral(c[4], c[5], c[6], true)
		}
		per := time.Since(start) / reps
		// |Δ ln I| is the relative error of I.
		if d := math.Abs(q.logI - c[7]); !(d < 2e-13+1e-15*math.Abs(c[7])) {
			t.Errorf("%v: ln I = %.17g, want %.17g (relative error %.2g)", c[:7], q.logI, c[7], d)
		}
		// The old series took seconds on the slow cases; a few hundred nodes take
		// microseconds. 1 ms leaves room for a loaded CI machine.
		t.Logf("%v: %v", c[:7], per)
		if per > time.Millisecond*raceSlowdown {
			t.Errorf("%v: %v per evaluation", c[:7], per)
		}
	}
}

// TestParetoNBDGradient compares the analytic gradient of the log-likelihood with central
// differences, in the same regions.
func TestParetoNBDGradient(t *testing.T) {
	cases := [][7]float64{
		{0.553, 10.578, 0.606, 11.669, 0, 0, 38.86},
		{0.553, 10.578, 0.606, 11.669, 26, 30.86, 31},
		{0.5, 100, 0.5, 0.01, 0, 0, 373},
		{0.5, 0.01, 0.5, 100, 3, 10, 373},
		{2, 60, 0.01, 100, 150, 300, 373},
		{0.3, 5, 3, 5, 10, 5, 40},
		{1, 20, 1, 20, 5, 2, 60},
		{0.7, 3, 0.4, 8, 2, 7, 7}, // tx = T: no dropout term
	}
	for _, c := range cases {
		m := ParetoNBD{c[0], c[1], c[2], c[3]}
		g := make([]float64, 4)
		m.llGrad(c[4], c[5], c[6], g)
		p := [4]float64{c[0], c[1], c[2], c[3]}
		for k := range 4 {
			const h = 1e-6
			up, down := p, p
			up[k] *= math.Exp(h)
			down[k] *= math.Exp(-h)
			fu := ParetoNBD{up[0], up[1], up[2], up[3]}.llGrad(c[4], c[5], c[6], nil)
			fd := ParetoNBD{down[0], down[1], down[2], down[3]}.llGrad(c[4], c[5], c[6], nil)
			num := (fu - fd) / (2 * h)
			if math.Abs(num-g[k]) > 1e-6*(1+math.Abs(num)) {
				t.Errorf("%v: d/dln p%d = %.10g, central difference %.10g", c, k, g[k], num)
			}
		}
	}
}
