package abtest

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestTails checks the survival functions against mpmath at 50 digits (testdata/gen_tails.py
// wrote testdata/tails.json) to a relative 1e-12 (normal) or 1e-9 (t, chi-square), far into
// the tails where 1 - CDF would return 0.
func TestTails(t *testing.T) {
	raw, err := os.ReadFile("testdata/tails.json")
	must(t, err)
	var tails struct {
		NormalSF [][2]float64 `json:"normal_sf"`
		TSF      [][3]float64 `json:"t_sf"`
		Chi2SF   [][3]float64 `json:"chi2_sf"`
		TUpper   [][3]float64 `json:"t_upper"`
		NCT      [][4]float64 `json:"nct_cdf"`
	}
	must(t, json.Unmarshal(raw, &tails))
	for _, c := range tails.NormalSF {
		if got := normSF(c[0]); !closeRel(got, c[1], 1e-12) {
			t.Errorf("normSF(%v) = %.17g, mpmath %.17g", c[0], got, c[1])
		}
	}
	for _, c := range tails.TSF {
		// Large df goes through the Cornish-Fisher normal deviate (tSFLargeDF), measured to
		// 2e-12 at the edge of its range; elsewhere gonum's incomplete beta, good to 1e-9.
		tol := 1e-9
		if useExpansion(c[0], c[1]) {
			tol = 1e-11
		}
		if got := tSF(c[0], c[1]); !closeRel(got, c[2], tol) {
			t.Errorf("tSF(%v, %v) = %.17g, mpmath %.17g", c[0], c[1], got, c[2])
		}
	}
	for _, c := range tails.Chi2SF {
		if got := chi2SF(c[0], c[1]); !closeRel(got, c[2], 1e-9) {
			t.Errorf("chi2SF(%v, %v) = %.17g, mpmath %.17g", c[0], c[1], got, c[2])
		}
	}
	for _, c := range tails.NCT {
		if got := nctCDF(c[0], c[1], c[2]); math.Abs(got-c[3]) > 1e-10 {
			t.Errorf("nctCDF(%v, %v, %v) = %.17g, SciPy %.17g", c[0], c[1], c[2], got, c[3])
		}
	}
	for _, c := range tails.TUpper {
		if got := tUpper(c[0], c[1]); !closeRel(got, c[2], 1e-9) {
			t.Errorf("tUpper(%v, %v) = %.17g, mpmath %.17g", c[0], c[1], got, c[2])
		}
	}
}

// TestGonumNormalSurvivalLosesTail documents why normSF exists: gonum v0.17.0's
// Normal.Survival is 1 - CDF and returns 0 at 10 sigma, where the true tail is 7.6e-24.
func TestGonumNormalSurvivalLosesTail(t *testing.T) {
	g := distuv.Normal{Mu: 0, Sigma: 1}.Survival(10)
	if got := normSF(10); !(got > 7e-24 && got < 8e-24) {
		t.Fatalf("normSF(10) = %g", got)
	}
	if g > 1e-20 {
		t.Logf("gonum Normal.Survival(10) = %g: gonum now keeps the tail; normSF is still correct", g)
	}
}

// TestPValueDownTo1e300: a z-test p-value keeps full relative precision down to 1e-300.
// Hand-checked: at z = 37, erfc(37/sqrt 2)/2 = 5.725571222524e-300 (mpmath).
func TestPValueDownTo1e300(t *testing.T) {
	if got := normSF(37); !closeRel(got, 5.7255712225245768e-300, 1e-9) {
		t.Fatalf("normSF(37) = %g", got)
	}
	// Greater z-test whose statistic is about 37: p must be tiny but positive, never 0 or NaN.
	r, err := ZTest(Rate{Trials: 1e12, Successes: 1e11}, Rate{Trials: 1e12, Successes: 1e11 + 1.5e7}, Config{Alternative: Greater})
	must(t, err)
	if !(r.PValue > 0 && r.PValue < 1e-250) {
		t.Fatalf("z = %v, p = %g", r.Z, r.PValue)
	}
	if want := normSF(r.Z); r.PValue != want {
		t.Fatalf("p = %g, normSF(z) = %g", r.PValue, want)
	}
}
