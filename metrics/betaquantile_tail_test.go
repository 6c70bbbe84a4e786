package metrics

import (
	"math"
	"testing"
)

// TestGammaLowerLogInvMpmath: log x with P(a, x) = alpha far out in the lower tail, against
// mpmath at 50 digits: findroot of log(gammainc(a, 0, e^y, regularized=True)) - log(alpha),
// started at (log alpha + loggamma(a+1))/a. gonum's inverse gives 1.338 for both 1e-200 and
// 1e-280 at a = 180.5 and NaN at 8.3e-302 (the Jeffreys interval of 9007199254740881 out of
// 9007199254741061 at alpha 1.67e-301 came out NaN).
func TestGammaLowerLogInvMpmath(t *testing.T) {
	for _, c := range []struct{ a, logAlpha, want float64 }{
		{180.5, -460.5170185988091368, 1.6938482040303728323},
		{180.5, -693.26444256939924433, 0.38249337604646844608},
		{0.5, -460.5170185988091368, -921.27560167288876405},
		{50.0, -644.72382603833279153, -9.9249202221278923346},
		{9999.5, -690.77552789821370521, 8.8154114760061984784},
		{3.5, -29.933606208922593892, -7.8513048272368630433},
	} {
		got := gammaLowerLogInv(c.a, c.logAlpha)
		if math.Abs(got-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
			t.Errorf("a %v, log alpha %v: %v, want %v (mpmath)", c.a, c.logAlpha, got, c.want)
		}
	}
}
