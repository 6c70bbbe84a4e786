package abtest

import "testing"

// P(B > A) at large counts against Evan Miller's sum in mpmath at 50 digits
// (testdata/gen_beta.py): relative 1e-13 up to 1e6 trials (1e-11 before the accurate density).
func TestProbBBeatsALargeCounts(t *testing.T) {
	for _, c := range []struct {
		xa, na, xb, nb int64
		want           float64
	}{
		{1200, 10000, 1260, 10000, 0.90174416961364487711},
		{3000, 100000, 3100, 100000, 0.90324420729994612009},
		{3100, 100000, 3000, 100000, 0.09675579270005387991},
		{310, 1000000, 350, 1000000, 0.94018821377719717107},
		{5, 20, 0, 20, 0.010344303027229856498},
	} {
		got, err := ProbBBeatsA(Rate{Trials: c.na, Successes: c.xa}, Rate{Trials: c.nb, Successes: c.xb}, BetaPrior{})
		must(t, err)
		if !closeRel(got, c.want, 1e-13) {
			t.Errorf("%+v: got %.17g (rel err %.2g)", c, got, (got-c.want)/c.want)
		}
	}
}
