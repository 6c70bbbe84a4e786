package abtest

import (
	"fmt"
	"math"
)

// GaussianPrior is a normal prior N(Mean, Variance) on the effect (relative or absolute, as
// the test is). The zero value is the improper flat prior, which gbstats uses by default.
type GaussianPrior struct {
	Mean, Variance float64
	// Proper must be true for Mean and Variance to be used; Variance must then be positive.
	Proper bool
}

// BayesConfig configures BayesianTest. The zero value models the absolute effect with a flat
// prior and a 95% credible interval.
type BayesConfig struct {
	// Alpha sets the credible interval's level 1 - Alpha. Default (0) 0.05.
	Alpha float64
	// Relative models the relative effect (mB - mA)/|mA| instead of mB - mA. gbstats' default
	// is relative. Default false.
	Relative bool
	// Prior on the effect. Default flat (improper).
	Prior GaussianPrior
}

// BayesResult is the posterior of the effect under the Gaussian effect model.
type BayesResult struct {
	// Mean and SD of the normal posterior of the effect.
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// ChanceToWin is P(effect > 0).
	ChanceToWin float64 `json:"chance_to_win"`
	// Lower and Upper bound the equal-tailed 1 - alpha credible interval.
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	// RiskControl is E[max(effect, 0)], the expected loss of keeping the control;
	// RiskTreatment is E[max(-effect, 0)], the expected loss of shipping the treatment.
	RiskControl   float64 `json:"risk_control"`
	RiskTreatment float64 `json:"risk_treatment"`
}

// BayesianTest is gbstats' Gaussian effect model (EffectBayesianABTest): the data give a
// likelihood N(est, se^2) for the effect with est and se as in WelchTest (delta method for the
// relative effect); with a proper prior N(m, v) the posterior is normal with
//
//	precision = 1/se^2 + 1/v,  mean = (est/se^2 + m/v)/precision
//
// and with the flat prior it is N(est, se^2). Chance to win = Phi(mean/sd); the interval is the
// posterior's alpha/2 and 1 - alpha/2 quantiles; the risks are GaussianRisk(mean, sd).
// Errors and their default (zero effect, chance 0.5) are as for WelchTest; a posterior
// interval beyond the float64 range is ErrOverflow with the default.
func BayesianTest(control, treatment Arm, cfg BayesConfig) (BayesResult, error) {
	def := BayesResult{ChanceToWin: 0.5}
	alpha, err := checkAlpha(cfg.Alpha)
	if err != nil {
		return def, err
	}
	if cfg.Prior.Proper && (!(cfg.Prior.Variance > 0) || !finite(cfg.Prior.Variance) || !finite(cfg.Prior.Mean)) {
		return def, fmt.Errorf("%w: prior N(%v, %v)", ErrInvalidInput, cfg.Prior.Mean, cfg.Prior.Variance)
	}
	e, err := WelchTest(control, treatment, Config{Alpha: alpha, Relative: cfg.Relative})
	if err != nil {
		return def, err
	}
	mean, sd := e.Estimate, e.SE
	if cfg.Prior.Proper {
		mean, sd = normalPosterior(e.Estimate, e.SE, cfg.Prior.Mean, math.Sqrt(cfg.Prior.Variance))
	}
	q := normUpper(alpha / 2)
	res := BayesResult{Mean: mean, SD: sd, ChanceToWin: normCDF(mean / sd), Lower: mean - q*sd, Upper: mean + q*sd}
	res.RiskControl, res.RiskTreatment = GaussianRisk(mean, sd)
	if !finite(res.Lower) || !finite(res.Upper) || !finite(res.RiskControl) || !finite(res.RiskTreatment) {
		return def, fmt.Errorf("%w: posterior N(%v, %v^2)", ErrOverflow, mean, sd)
	}
	return res, nil
}

// normalPosterior combines a likelihood N(est, se^2) with a prior N(m, sp^2):
// precision 1/se^2 + 1/sp^2 and a precision-weighted mean, written with the ratio of the two
// standard deviations so that no square of a tiny or huge se under- or overflows (the
// smaller sd over hypot(1, ratio) is the posterior sd).
func normalPosterior(est, se, m, sp float64) (mean, sd float64) {
	if se <= sp {
		r := se / sp
		w := 1 / (1 + r*r) // weight of the data
		return w*est + (1-w)*m, se / math.Hypot(1, r)
	}
	r := sp / se
	w := r * r / (1 + r*r)
	return w*est + (1-w)*m, sp / math.Hypot(1, r)
}

// GaussianRisk returns the expected losses for D ~ N(mu, sigma^2):
//
//	riskControl   = E[max(D, 0)]  = mu Phi(mu/sigma) + sigma phi(mu/sigma)
//	riskTreatment = E[max(-D, 0)] = -mu Phi(-mu/sigma) + sigma phi(mu/sigma)
//
// When |mu/sigma| > 37 the normal terms are below float64 resolution and the result is
// (max(mu, 0), max(-mu, 0)) exactly, as in gbstats; sigma = 0 is the same limit.
func GaussianRisk(mu, sigma float64) (riskControl, riskTreatment float64) {
	if sigma <= 0 || math.Abs(mu/sigma) > 37 {
		return math.Max(mu, 0), math.Max(-mu, 0)
	}
	z := mu / sigma
	pdf := sigma * normPDF(z)
	return mu*normCDF(z) + pdf, -mu*normCDF(-z) + pdf
}
