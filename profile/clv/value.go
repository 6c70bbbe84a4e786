package clv

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/tailorkit/tailor/internal/textio"
)

// PurchaseModel is what Value and Predict need from a purchase model: BGNBD and ParetoNBD
// both satisfy it (and a host can plug in its own).
type PurchaseModel interface {
	// ConditionalExpectedPurchases is the expected number of purchases in (T, T+t] of a
	// customer with x repeat purchases, the last at t_x, observed for T.
	ConditionalExpectedPurchases(t float64, x int, tx, T float64) float64
	// ProbAlive is the probability that such a customer is still active.
	ProbAlive(x int, tx, T float64) float64
}

// ValueConfig configures the discounted customer lifetime value. The zero value is the
// default; Value and Predict call Validate first.
type ValueConfig struct {
	// Horizon is the number of periods summed. Default 12; at most MaxHorizon.
	Horizon int
	// PeriodLength is the length of one period in model time units (e.g. 4.345 weeks per
	// month on a weekly model). Default 1 unit; at most MaxPeriodLength. lifetimes'
	// customer_lifetime_value uses 30 (its freq="D" default) even on weekly data, which is
	// how its Quickstart values arise.
	PeriodLength float64
	// DiscountRate d is the discount rate per period, finite and >= 0. Default 0 (no
	// discounting).
	DiscountRate float64
}

// Bounds of ValueConfig. A thousand periods is 19 years of weeks or 83 years of months, past
// any forecast the models can support; on a daily model, sum months with PeriodLength 30.
// Value costs at most one evaluation of the purchase model per period, so the bound keeps
// Predict on 10,000 customers to about a second.
const (
	MaxHorizon      = 1_000
	MaxPeriodLength = 10_000
)

// Validate reports an out-of-range field as an error wrapping ErrConfig: a Horizon below 0 or
// above MaxHorizon, a PeriodLength that is negative, NaN or above MaxPeriodLength, a
// DiscountRate that is negative, NaN or infinite. Zero fields are the defaults.
func (c ValueConfig) Validate() error {
	switch {
	case c.Horizon < 0 || c.Horizon > MaxHorizon:
		return fmt.Errorf("clv: ValueConfig.Horizon = %d: want 0 (default 12) to %d periods: %w", c.Horizon, MaxHorizon, ErrConfig)
	case !(c.PeriodLength >= 0 && c.PeriodLength <= MaxPeriodLength):
		return fmt.Errorf("clv: ValueConfig.PeriodLength = %v: want 0 (default 1) to %d units: %w", c.PeriodLength, MaxPeriodLength, ErrConfig)
	case !(c.DiscountRate >= 0) || math.IsInf(c.DiscountRate, 1):
		return fmt.Errorf("clv: ValueConfig.DiscountRate = %v: want a finite rate >= 0: %w", c.DiscountRate, ErrConfig)
	}
	return nil
}

func (c ValueConfig) withDefaults() (ValueConfig, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if c.Horizon == 0 {
		c.Horizon = 12
	}
	if c.PeriodLength == 0 {
		c.PeriodLength = 1
	}
	return c, nil
}

// valueTol is the relative size of the discounted rest at which Value stops summing: far
// below the models' own accuracy.
const valueTol = 1e-12

// curver is implemented by the package's purchase models: t ↦ E[Y(t) | x, t_x, T] with the
// work that does not depend on t (P(alive)) done once, and a rate of purchases that never
// increases with t (λ is fixed per customer and being alive can only end), which lets Value
// stop summing once the discounted rest is negligible.
type curver interface {
	curve(x int, tx, T float64) func(t float64) float64
}

// checker is implemented by the package's models: an error for parameters that are not
// positive and finite.
type checker interface {
	check() error
}

func checkParams(model string, names []string, ps ...float64) error {
	for i, p := range ps {
		if !(p > 0) || math.IsInf(p, 1) {
			return fmt.Errorf("clv: %s parameter %s = %v: want positive and finite: %w", model, names[i], p, ErrModel)
		}
	}
	return nil
}

func (m BGNBD) check() error {
	return checkParams("BG/NBD", []string{"r", "alpha", "a", "b"}, m.R, m.Alpha, m.A, m.B)
}

func (m ParetoNBD) check() error {
	return checkParams("Pareto/NBD", []string{"r", "alpha", "s", "beta"}, m.R, m.Alpha, m.S, m.Beta)
}

func (g GammaGamma) check() error {
	if err := checkParams("Gamma-Gamma", []string{"p", "q", "gamma"}, g.P, g.Q, g.Gamma); err != nil {
		return err
	}
	if !(g.Q > 1) {
		return fmt.Errorf("%w: Gamma-Gamma q = %v <= 1: the mean spend pγ/(q-1) is infinite", ErrInfiniteMean, g.Q)
	}
	return nil
}

// checkModels validates the models Value and Predict are given.
func checkModels(bg PurchaseModel, gg GammaGamma) error {
	if bg == nil {
		return fmt.Errorf("clv: nil purchase model: %w", ErrModel)
	}
	if c, ok := bg.(checker); ok {
		if err := c.check(); err != nil {
			return err
		}
	}
	return gg.check()
}

// checkCustomer is checkRFT plus a Monetary within textio.MaxMagnitude.
func checkCustomer(i int, c Customer) error {
	if err := checkRFT(i, c); err != nil {
		return err
	}
	if !textio.InRange(c.Monetary) {
		return fmt.Errorf("clv: customer %d (%q): field %q = %v: want finite with magnitude <= %g: %w", i, c.ID, "Monetary", c.Monetary, textio.MaxMagnitude, ErrData)
	}
	return nil
}

// Value is the discounted expected value of a customer over cfg.Horizon periods of length f,
// as in lifetimes' customer_lifetime_value:
//
//	CLV = Σ_{i=1..N} E[M] (E[Y(i f)] - E[Y((i-1) f)]) / (1+d)^i
//
// with E[Y] the conditional expected purchases of the customer under the purchase model (BG/NBD
// or Pareto/NBD) and E[M] the Gamma-Gamma expected spend per purchase (ExpectedSpend). With
// d = 0 the sum telescopes to E[M] E[Y(N f)]; with the package's models it stops once the
// discounted rest is below 1e-12 of the sum (their purchase rate never increases, so the rest
// is at most the last term over d). Its work is at most one evaluation of E[Y] per period.
//
// Errors: an invalid cfg (ErrConfig), a customer failing the rules of FitBGNBD or with a
// Monetary beyond textio.MaxMagnitude (ErrData), model parameters that are not positive and
// finite (ErrModel), a Gamma-Gamma model with q <= 1 (ErrInfiniteMean), and a result that is
// not finite (ErrModel; a host's own PurchaseModel can produce one). The value is never NaN
// or infinite with a nil error.
func Value(bg PurchaseModel, gg GammaGamma, c Customer, cfg ValueConfig) (float64, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return 0, err
	}
	if err := checkModels(bg, gg); err != nil {
		return 0, err
	}
	if err := checkCustomer(0, c); err != nil {
		return 0, err
	}
	return value(bg, gg, 0, c, cfg)
}

// value is Value for checked arguments; i names the customer in errors.
func value(bg PurchaseModel, gg GammaGamma, i int, c Customer, cfg ValueConfig) (float64, error) {
	return spendTimes(gg, i, c, discountedPurchases(bg, c, cfg))
}

// spendTimes is the value E[M] D of a customer with discounted purchases D.
func spendTimes(gg GammaGamma, i int, c Customer, d float64) (float64, error) {
	spend := gg.ExpectedSpend(c.Frequency, c.Monetary)
	if math.IsInf(spend, 0) || math.IsNaN(spend) {
		return 0, fmt.Errorf("%w: customer %d (%q): Gamma-Gamma expected spend %v", ErrInfiniteMean, i, c.ID, spend)
	}
	v := spend * d
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("clv: customer %d (%q): value %v is not finite (spend %v, discounted purchases %v): %w", i, c.ID, v, spend, d, ErrModel)
	}
	return v, nil
}

// discountedPurchases is Σ_{i=1..N} (E[Y(i f)] - E[Y((i-1) f)]) / (1+d)^i, the customer's
// value per unit of spend (see Value).
func discountedPurchases(bg PurchaseModel, c Customer, cfg ValueConfig) float64 {
	ey := func(t float64) float64 { return bg.ConditionalExpectedPurchases(t, c.Frequency, c.Recency, c.T) }
	cv, monotone := bg.(curver)
	if monotone {
		ey = cv.curve(c.Frequency, c.Recency, c.T)
	}
	n, f, d := cfg.Horizon, cfg.PeriodLength, cfg.DiscountRate
	if d == 0 {
		return ey(float64(n) * f)
	}
	var v, prev float64
	disc := 1.0
	for k := 1; k <= n; k++ {
		cur := ey(float64(k) * f)
		disc /= 1 + d
		term := (cur - prev) * disc
		v += term
		prev = cur
		// The rest is at most term Σ_{j>0} (1+d)^-j = term/d.
		if monotone && math.Abs(term)/d <= valueTol*math.Abs(v) {
			break
		}
	}
	return v
}

// Prediction is one customer's forecast over a horizon.
type Prediction struct {
	Customer
	// ProbAlive is the purchase model's probability that the customer is still active.
	ProbAlive float64
	// ExpectedPurchases is E[Y(h)]: expected purchases over the horizon h = Horizon*PeriodLength.
	ExpectedPurchases float64
	// ExpectedSpend is the Gamma-Gamma expected spend per purchase.
	ExpectedSpend float64
	// Value is the discounted value over the horizon (see Value).
	Value float64
}

// Predict forecasts every customer and returns them sorted by Value, highest first (ties by
// ID). Errors are those of Value, for the first customer that fails, named by position and ID;
// every number of a returned Prediction is finite.
func Predict(bg PurchaseModel, gg GammaGamma, customers []Customer, cfg ValueConfig) ([]Prediction, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkModels(bg, gg); err != nil {
		return nil, err
	}
	h := float64(cfg.Horizon) * cfg.PeriodLength
	// The purchase model's numbers depend on (x, t_x, T) only, which many customers share
	// (all one-time buyers of a day, say): compute them once per distinct history.
	type purchases struct{ alive, expected, discounted float64 }
	memo := map[[3]float64]purchases{}
	out := make([]Prediction, len(customers))
	for i, c := range customers {
		if err := checkCustomer(i, c); err != nil {
			return nil, err
		}
		key := [3]float64{float64(c.Frequency), c.Recency, c.T}
		pu, ok := memo[key]
		if !ok {
			pu = purchases{
				alive:      bg.ProbAlive(c.Frequency, c.Recency, c.T),
				expected:   bg.ConditionalExpectedPurchases(h, c.Frequency, c.Recency, c.T),
				discounted: discountedPurchases(bg, c, cfg),
			}
			memo[key] = pu
		}
		v, err := spendTimes(gg, i, c, pu.discounted)
		if err != nil {
			return nil, err
		}
		p := Prediction{
			Customer:          c,
			ProbAlive:         pu.alive,
			ExpectedPurchases: pu.expected,
			ExpectedSpend:     gg.ExpectedSpend(c.Frequency, c.Monetary),
			Value:             v,
		}
		if !finite([]float64{p.ProbAlive, p.ExpectedPurchases, p.ExpectedSpend}) {
			return nil, fmt.Errorf("clv: customer %d (%q): P(alive) %v, E[purchases] %v, E[spend] %v: not finite: %w",
				i, c.ID, p.ProbAlive, p.ExpectedPurchases, p.ExpectedSpend, ErrModel)
		}
		out[i] = p
	}
	slices.SortFunc(out, func(a, b Prediction) int {
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}
