// Package clv estimates customer lifetime value with the "buy till you die" models of Fader
// and Hardie: BG/NBD and Pareto/NBD for how often a customer buys and whether they are still
// around, Gamma-Gamma for how much they spend, and a discounted-cash-flow value over a horizon.
//
// The steps:
//
//  1. Summarize turns transactions (or profile orders, via FromOrders) into one Customer
//     row per customer with the conventions of the lifetimes library: Frequency x counts
//     repeat purchase periods, Recency t_x and age T are measured from the first purchase
//     in model units, Monetary is the mean spend of the repeat periods. CalibrationHoldout
//     splits the history to validate a model on data it has not seen.
//  2. FitBGNBD (or FitParetoNBD) and FitGammaGamma estimate the models by maximum likelihood
//     on log-parameters with BFGS on analytic gradients and a Nelder-Mead fallback, after
//     collapsing customers with identical rows into weights. A fit that the data cannot
//     support fails with ErrTooFewRepeaters or ErrNotConverged instead of returning
//     nonsense, and a Gamma-Gamma estimate with q <= 1 (infinite mean spend) fails with
//     ErrInfiniteMean.
//  3. The fitted models predict: ExpectedPurchases, ConditionalExpectedPurchases, ProbAlive,
//     ProbPurchases, ExpectedSpend, and Value / Predict for the discounted value.
//
// Every formula is in the doc comment of the method that computes it. The implementation is
// tested against the published CDNOW results (Fader, Hardie and Lee 2005), the test
// expectations of lifetimes, BTYD and CLVTools collected in the project's oracles, and mpmath
// for the special functions (the ₂F₁ of BG/NBD, the integral of Pareto/NBD).
//
// # Guarantees
//
// Inputs are checked, never silently repaired; an error names the row (index and ID) and the
// field, and wraps ErrData, ErrConfig or ErrModel:
//   - Transaction amounts, Frequency, T and (where it is read) Monetary are at most textio's
//     MaxMagnitude (1e15) in magnitude and not NaN; 0 <= Recency <= T, and Recency is 0
//     without repeat purchases.
//   - FitConfig and ValueConfig have a Validate method that every fit, Value and Predict call:
//     zero fields are the defaults, negative, NaN, infinite or too large ones (a Penalizer
//     above MaxPenalizer, a Horizon above MaxHorizon periods) are ErrConfig.
//   - No result is NaN or infinite with a nil error: a non-finite value is ErrModel or
//     ErrInfiniteMean, and every Prediction's numbers are finite.
//
// The work is bounded. Each likelihood evaluation costs at most a few dozen function
// evaluations per distinct customer row for any parameters (Pareto/NBD by Gauss-Legendre quadrature, BG/NBD in closed
// form), a parameter running off to 0 or ∞ ends the fit at once with ErrNotConverged, and on
// every order file of the shared reference data (CDNOW, Online Retail) each fit ends in well
// under 2 s. The fits check their context every 64 rows, so a cancelled fit returns within
// milliseconds even on millions of customers. Value takes at most one model evaluation per
// period of the horizon (one in all when the discount rate is 0), and Predict one set per
// distinct (x, t_x, T).
//
// Time is in the unit of the summary: with SummaryConfig{Period: Day, Unit: Week} (the CDNOW
// convention) a BG/NBD model's t, t_x and T are weeks. Models are plain values, safe for
// concurrent use.
package clv
