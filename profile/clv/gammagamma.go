package clv

import (
	"context"
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/textio"
	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the spend model of Fader, Hardie and Lee (2005), "RFM and CLV: using iso-value
// curves", and Fader and Hardie (2013), "The Gamma-Gamma model of monetary value". A
// customer's spends per transaction are Gamma(p, ν) around their mean p/ν, with
// ν ~ Gamma(q, γ) across customers (lifetimes calls γ "v"). It assumes spend is independent of
// the purchase process. For a customer with x >= 1 repeat transactions of mean value m:
//
//	ln L = lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln m + px ln x - (px+q) ln(γ+mx)
type GammaGamma struct {
	P, Q, Gamma float64
}

// LogLikelihood is ln L of one customer with x >= 1 and m > 0 (formula on the type); NaN
// otherwise.
func (g GammaGamma) LogLikelihood(x int, m float64) float64 {
	if x < 1 || !(m > 0) {
		return math.NaN()
	}
	return g.llGrad(float64(x), m, nil)
}

func (g GammaGamma) llGrad(x, m float64, grad []float64) float64 {
	p, q, gm := g.P, g.Q, g.Gamma
	px := p * x
	a, _ := math.Lgamma(px + q)
	b, _ := math.Lgamma(px)
	c, _ := math.Lgamma(q)
	lgm, lm, lx, lgmx := math.Log(gm), math.Log(m), math.Log(x), math.Log(gm+m*x)
	ll := a - b - c + q*lgm + (px-1)*lm + px*lx - (px+q)*lgmx
	if grad != nil {
		psiPXQ := mathext.Digamma(px + q)
		dp := x*psiPXQ - x*mathext.Digamma(px) + x*lm + x*lx - x*lgmx
		dq := psiPXQ - mathext.Digamma(q) + lgm - lgmx
		dg := q/gm - (px+q)/(gm+m*x)
		grad[0], grad[1], grad[2] = dp*p, dq*q, dg*gm
	}
	return ll
}

// Mean is the population mean spend per transaction, pγ/(q-1) (infinite when q <= 1).
func (g GammaGamma) Mean() float64 {
	if g.Q <= 1 {
		return math.Inf(1)
	}
	return g.P * g.Gamma / (g.Q - 1)
}

// ExpectedSpend is the expected mean spend per transaction of a customer with x repeat
// transactions of mean value m (lifetimes' conditional_expected_average_profit):
//
//	E[M | x, m] = (γ + m x) p / (p x + q - 1) = w m + (1-w) pγ/(q-1),  w = px/(px+q-1)
//
// and the population Mean when x = 0. It is +Inf where the posterior mean does not exist
// (px + q <= 1; always for x = 0 when q <= 1, which FitGammaGamma never returns).
func (g GammaGamma) ExpectedSpend(x int, m float64) float64 {
	if x <= 0 {
		return g.Mean()
	}
	fx := float64(x)
	den := g.P*fx + g.Q - 1
	if !(den > 0) {
		return math.Inf(1)
	}
	return (g.Gamma + m*fx) * g.P / den
}

// GammaGammaFit is a fitted Gamma-Gamma model and how the fit went.
type GammaGammaFit struct {
	GammaGamma
	FitInfo
	// Skipped counts repeat buyers left out because their Monetary was not positive.
	Skipped int
}

// FitGammaGamma fits the spend model by maximum likelihood to the customers with Frequency >= 1
// (one-time buyers carry no repeat spend; lifetimes' and the published fits use only
// repeaters). Repeaters with Monetary <= 0 (everything returned) cannot be fitted and are
// skipped and counted. Every customer must pass the rules of FitBGNBD and have a Monetary
// within textio.MaxMagnitude (else ErrData). Errors: ErrConfig, ErrNoData, ErrTooFewRepeaters, ErrNotConverged,
// ctx.Err(), and ErrInfiniteMean when the estimate has q <= 1: its mean spend is infinite, so
// every one-time buyer would be worth +Inf. That happens with heavy-tailed spend, or when a
// Penalizer pulls q below 1 (lifetimes returns such a fit; here it is an error, with the
// estimate in the message and in the returned GammaGammaFit, so a caller can inspect it).
func FitGammaGamma(ctx context.Context, customers []Customer, cfg FitConfig) (GammaGammaFit, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return GammaGammaFit{}, err
	}
	var rows [][3]float64
	skipped := 0
	for i, c := range customers {
		if i%4096 == 0 && ctx.Err() != nil {
			return GammaGammaFit{}, ctx.Err()
		}
		if err := checkCustomer(i, c); err != nil {
			return GammaGammaFit{}, err
		}
		if c.Frequency < 1 {
			continue
		}
		if !(c.Monetary > 0) {
			skipped++
			continue
		}
		rows = append(rows, [3]float64{float64(c.Frequency), c.Monetary, 0})
	}
	if len(customers) == 0 {
		return GammaGammaFit{}, ErrNoData
	}
	if len(rows) < cfg.MinRepeaters {
		return GammaGammaFit{}, fmt.Errorf("%w: %d repeat buyers with positive spend, need %d", ErrTooFewRepeaters, len(rows), cfg.MinRepeaters)
	}
	ll := func(p []float64, v [3]float64, g []float64) float64 {
		return GammaGamma{p[0], p[1], p[2]}.llGrad(v[0], v[1], g)
	}
	// Start from the method-of-moments-free default of lifetimes (all ones) scaled to the data:
	// γ near the mean spend keeps the first steps sensible for any currency.
	var mean float64
	for _, r := range rows {
		mean += r[1]
	}
	mean /= float64(len(rows))
	p, info, err := maximize(ctx, rows, ll, []float64{0, math.Log(2), math.Log(mean)}, []string{"p", "q", "gamma"}, cfg)
	if err != nil {
		return GammaGammaFit{FitInfo: info, Skipped: skipped}, err
	}
	fit := GammaGammaFit{GammaGamma: GammaGamma{p[0], p[1], p[2]}, FitInfo: info, Skipped: skipped}
	if !(fit.Q > 1) {
		hint := "the spend data are too heavy-tailed for the model"
		if cfg.Penalizer > 0 {
			hint = fmt.Sprintf("Penalizer %g pulls q below 1; try a smaller one", cfg.Penalizer)
		}
		return fit, fmt.Errorf("%w: Gamma-Gamma estimate p = %.4g, q = %.4g, gamma = %.4g has q <= 1, so the mean spend pγ/(q-1) is infinite (%s)",
			ErrInfiniteMean, fit.P, fit.Q, fit.Gamma, hint)
	}
	return fit, nil
}

// BGNBDFit is a fitted BG/NBD model and how the fit went.
type BGNBDFit struct {
	BGNBD
	FitInfo
}

// FitBGNBD fits the BG/NBD model by maximum likelihood on log-parameters (BFGS with the
// analytic gradient; Nelder-Mead then BFGS if that fails), collapsing customers with the same
// (x, t_x, T) into one weighted row. Customers need 0 <= t_x <= T <= 1e15 and a Frequency
// of at most 1e15 (T = 0, a first purchase at the end, adds nothing); others are an error
// wrapping ErrData that names the customer. Monetary is not read. Errors: ErrConfig (from
// FitConfig.Validate), ErrData, ErrNoData, ErrTooFewRepeaters, ErrNotConverged, ctx.Err()
// (checked every 64 rows of each likelihood evaluation).
func FitBGNBD(ctx context.Context, customers []Customer, cfg FitConfig) (BGNBDFit, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return BGNBDFit{}, err
	}
	rows, meanT, err := rftRows(ctx, customers, cfg)
	if err != nil {
		return BGNBDFit{}, err
	}
	ll := func(p []float64, v [3]float64, g []float64) float64 {
		return BGNBD{p[0], p[1], p[2], p[3]}.llGrad(v[0], v[1], v[2], g)
	}
	// α is a time scale: starting it at the mean observation time makes the start independent
	// of the unit (days or weeks).
	start := []float64{0, math.Log(math.Max(meanT, 1e-3)), 0, 0}
	p, info, err := maximize(ctx, rows, ll, start, []string{"r", "alpha", "a", "b"}, cfg)
	if err != nil {
		return BGNBDFit{FitInfo: info}, err
	}
	return BGNBDFit{BGNBD: BGNBD{p[0], p[1], p[2], p[3]}, FitInfo: info}, nil
}

// checkRFT validates the fields the purchase models read: 0 <= Frequency <= MaxMagnitude,
// T finite in [0, MaxMagnitude], 0 <= Recency <= T, and Recency 0 without repeat purchases
// (textio.MaxMagnitude, 1e15, bounds every count and amount tailor accepts).
func checkRFT(i int, c Customer) error {
	switch {
	case c.Frequency < 0 || c.Frequency > textio.MaxMagnitude:
		return fmt.Errorf("clv: customer %d (%q): field %q = %d: want 0 to %g: %w", i, c.ID, "Frequency", c.Frequency, textio.MaxMagnitude, ErrData)
	case !(c.T >= 0) || !textio.InRange(c.T):
		return fmt.Errorf("clv: customer %d (%q): field %q = %v: want 0 to %g: %w", i, c.ID, "T", c.T, textio.MaxMagnitude, ErrData)
	case !(c.Recency >= 0) || c.Recency > c.T:
		return fmt.Errorf("clv: customer %d (%q): field %q = %v: must be in [0, T=%v]: %w", i, c.ID, "Recency", c.Recency, c.T, ErrData)
	case c.Frequency == 0 && c.Recency != 0:
		return fmt.Errorf("clv: customer %d (%q): field %q = %v with no repeat purchase: %w", i, c.ID, "Recency", c.Recency, ErrData)
	}
	return nil
}
