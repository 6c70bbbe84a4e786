package abtest

import (
	"errors"
	"math"
	"testing"
)

// Defect 17 of issue 13: GrowthBook's power calculator takes a binomial metric as a
// conversion rate (power.ts: mean = rate, variance = rate (1 - rate) in both arms); the
// binomial forms do the same, checked against a hand-worked case.
func TestGrowthBookBinomial(t *testing.T) {
	// Rate 0.1, relative lift 0.1, 20,000 units over two arms (10,000 each), alpha 0.05
	// two-tailed. By hand: v = 0.09, mB = 0.11,
	//   se^2 = v/(mA^2 n) + v mB^2/(mA^4 n) = 0.09/100 + 0.09 x 0.0121/1 = 0.0009 + 0.001089
	//        = 0.001989, se = 0.0445982, effect/se = 2.242243,
	//   power = Phi(2.242243 - 1.959964) + Phi(-1.959964 - 2.242243)
	//         = Phi(0.282279) + Phi(-4.202207) = 0.611135 + 0.0000132 = 0.611148.
	p, err := GrowthBookPowerBinomial(0.1, 0.1, 20000, GrowthBookPowerConfig{})
	must(t, err)
	if math.Abs(p-0.611148) > 2e-6 {
		t.Errorf("power %v, want 0.611148", p)
	}
	rate := 0.1 // a variable, so that rate (1 - rate) rounds as at run time
	if q, _ := GrowthBookPower(rate, math.Sqrt(rate*(1-rate)), 0.1, 20000, GrowthBookPowerConfig{}); q != p {
		t.Errorf("binomial form %v differs from sd = sqrt(p(1-p)): %v", p, q)
	}
	// The MDE at power 0.8 solves L^2 = (z_{0.975} + z_{0.8})^2 v/(mA^2 n) (1 + (1 + L)^2)
	// with z = 2.801585: L^2 = 0.0070640 (1 + (1 + L)^2), whose larger root is L = 0.126609
	// (0.126609^2 = 0.016030 = 0.0070640 x 2.269254).
	mde, err := GrowthBookMDEBinomial(0.1, 20000, GrowthBookPowerConfig{})
	must(t, err)
	if math.Abs(mde-0.126609) > 2e-6 {
		t.Errorf("MDE %v, want 0.126609", mde)
	}
	// At the MDE the power is the target (0.8 of the upper tail plus the lower tail's sliver).
	if pw, _ := GrowthBookPowerBinomial(0.1, mde, 20000, GrowthBookPowerConfig{}); math.Abs(pw-0.8) > 1e-4 {
		t.Errorf("power at the MDE %v, want about 0.8", pw)
	}
	for _, rate := range []float64{0, 1, -0.1, 1.5, math.NaN(), math.Inf(1)} {
		if _, err := GrowthBookPowerBinomial(rate, 0.1, 1000, GrowthBookPowerConfig{}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("power at rate %v: %v", rate, err)
		}
		if _, err := GrowthBookMDEBinomial(rate, 1000, GrowthBookPowerConfig{}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("MDE at rate %v: %v", rate, err)
		}
	}
}
