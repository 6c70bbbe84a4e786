// Package abtest is an experiment statistics engine: it reads out A/B and multivariate tests
// from sufficient statistics, plans them, watches them sequentially and assigns units to
// variants. Its numbers agree with statsmodels, SciPy, R and GrowthBook's gbstats (every case
// of tailor's oracle file is a table test).
//
// # Inputs: sufficient statistics
//
// A test never needs raw events, only per-arm sums that a SQL GROUP BY returns and that add up
// across shards and days with Merge:
//
//   - Rate{Successes, Trials}: a conversion (variance p(1-p)).
//   - Moments{N, Sum, SumSquares}: any per-unit metric such as revenue per user (variance with n-1).
//   - RatioMoments: a ratio of per-unit sums such as AOV = revenue/orders with users as units,
//     numerator first (Add(num, den), stat.FromSums from SQL sums), keeping the covariance for
//     the delta method.
//   - CUPEDMoments: a metric with its pre-period covariate for CUPED variance reduction.
//
// Rate, Moments and RatioMoments implement Arm (units, mean, per-unit variance), which the
// two-sample tests take. Counts are int64, exact to 1e12 and beyond.
//
// Rate, RatioMoments and Interval are the module's one statistics vocabulary (aliases of
// internal/stat, as in metrics): a metrics per-variant rate is an arm as it stands, so
// metrics.Report.Rates("SessionConversion") of a ByVariant report gives the arms ZTest takes,
// and WilsonInterval is the same Wilson interval metrics shows.
//
// # Frequentist
//
// WelchTest (Welch-Satterthwaite df; absolute, or relative by the delta method), ZTest (pooled
// statistic, Wald interval) and WaldZTest, ChiSquareTest and PairwiseZTests for k arms,
// CUPEDTest, and the intervals DiffInterval (Wald, Agresti-Caffo, Newcombe,
// Miettinen-Nurminen), RatioInterval (Katz log, Koopman score), WilsonInterval and
// FiellerInterval. Config chooses alpha, the alternative (two-sided, greater, less) and
// absolute or relative effects. Every p-value comes from a survival function (erfc for the
// normal, the regularized incomplete beta and gamma for t and chi-square), never 1 - CDF, so
// p-values stay exact down to about 1e-300.
//
// # Guards
//
// SRM checks the sample ratio against planned weights with a minimum-count rule. Adjust
// corrects p-values for multiple testing (Holm, the default; Bonferroni, Holm-Šidák, Šidák,
// Benjamini-Hochberg, Hommel). Analyze reads out many experiments x metrics at once, adjusting
// each experiment's p-values across its metrics and variants.
//
// # Planning
//
// SampleSizeProportions, PowerProportions and MDEProportions (pooled null variance, unpooled
// alternative, as statsmodels), SampleSizeMeans, PowerMeans and MDEMeans, and the statsmodels
// and GrowthBook power functions (GrowthBookPower and GrowthBookMDE for a mean with its sd,
// GrowthBookPowerBinomial and GrowthBookMDEBinomial for a conversion rate, as GrowthBook's
// calculator takes a binomial metric). PlanConfig.Variants plans k arms at the Bonferroni
// level alpha/(k-1).
//
// # Sequential
//
// ConfidenceSequence (gbstats' asymptotic confidence sequences) and MSPRT (Optimizely's
// mixture SPRT) are always valid: look every day without inflating false positives.
// GroupSequentialBounds gives Lan-DeMets alpha-spending boundaries (O'Brien-Fleming, Pocock,
// power family as Spotify uses) for a planned number of looks.
//
// # Bayesian
//
// ProbBBeatsA and ExpectedLoss are exact for Beta posteriors (Evan Miller's closed form for
// integer shapes up to 20000, otherwise adaptive quadrature over the narrower posterior;
// never Monte Carlo), ProbBest is the chance to be best among k arms by one-dimensional
// integration, and BayesianTest is the Gaussian effect model gbstats uses.
// ThompsonAllocation and ThompsonSample run a bandit. The Beta density and incomplete beta
// underneath are the package's own (betadist.go: Stirling corrections and Loader's deviance,
// a standardised variable for large shapes), because a log-gamma formulation cancels at
// large counts: the results hold at any count an int64 holds, not only to 1e6 — every
// probability is in [0, 1] and accurate to about 1e-13 absolute (tested against mpmath from
// 20 to 1e12 trials per arm), identical arms give exactly 1/2 (1/k in ProbBest), and
// PosteriorInterval keeps 0 <= Lower <= Upper <= 1 with about 1e-14 relative accuracy up to
// 2^62 trials.
//
// # Assignment
//
// Bucket hashes a unit with an experiment's salt to a stable position in [0, 1)
// (SHA-256 of salt + ":" + unit; the definition is frozen), and an Assigner maps it to a
// named variant (Experiment.Variants, the control first; "control" and "treatment" by
// default) with weights, coverage and an optional layer range for mutually exclusive
// experiments. Assign returns the variant's name, the name the aggregates file and Analyze's
// readout carry; an empty unit ID is an error (ErrEmptyUnit), never the control. GrowthBookHash and friends reproduce GrowthBook's SDK bucketing for migrations.
//
// # JSON
//
// Every result type (Effect, ZResult, CUPEDResult, ChiSquareResult, PairResult, BayesResult,
// SequentialResult, MSPRTLook, Bound, SRMResult, Readout and its ExperimentReadout,
// MetricReadout and Comparison, UpliftReadout and its rows, PercentileReadout) encodes to JSON
// with snake_case names, and encoding never fails: a non-finite number is null (an interval end
// that is null is "no bound", as the open end of a one-sided interval; any other null number
// is "not defined for this data"), an error inside a result (Comparison.Err) is its message.
// They decode back: a null "lower" is −Inf, a null "upper" +Inf, any other null number NaN,
// and an error message an error with that text that still matches its sentinel with
// errors.Is. The enums (Alternative, Correction, Decision, DiffMethod, RatioMethod,
// SpendingFunction, UpliftStrategy) encode as their text ("greater", "holm", ...).
//
// # Errors and edge cases
//
// Every error message starts with "abtest: " exactly once, also where context is added around
// a sentinel or a *RowError; the reader's causes (ErrMissing, ErrNumber, ErrHeader, ...) are
// internal/textio's, re-exported as the same values. Functions return sentinel errors wrapped
// with details. Where a result is still meaningful
// for display the error comes with a documented default (effect 0, interval (0, 0), p-value 1,
// chance to win 0.5), never NaN. No function returns NaN or an infinity with a nil error,
// except where a row below documents an infinite bound; each row is a test (badinput_test.go,
// extremes_test.go, which runs every entry point with each numeric argument in turn at 1e308,
// 1e-300, 5e-324, 2^53, 2^62, NaN and +-Inf, 0 and -1, and FuzzStatisticsExtremes):
//
//	input                                      result
//	alpha <= 0 (other than 0), below 1e-300,   ErrInvalidAlpha (alpha 0 means 0.05)
//	  >= 1 or NaN
//	power outside (0, 1), or not above alpha   ErrInvalidPower (power 0 means 0.8)
//	negative counts, successes > trials,       ErrInvalidInput
//	  NaN/Inf sums, negative sums of squares
//	prior shapes, weights, PlanConfig.Ratio    ErrInvalidInput / ErrWeights
//	  beyond 1e15 (textio.MaxMagnitude)
//	empty arm; fewer than 2 units for a t-test ErrTooFewUnits + default result
//	zero conversions in one arm, 100% in one   a normal result (pooled test)
//	both arms at 0% or both at 100%            ErrZeroVariance + default result
//	constant metric (zero variance)            ErrZeroVariance + default result
//	sums of squares of 1e300 or 1e-300,        the right answer: moments are scaled before
//	  subnormal variances                        squaring (t, df and p unchanged by scale)
//	a result beyond the float64 range (a t     ErrOverflow + default result
//	  statistic, an interval end, a sample
//	  size above 1.8e308)
//	relative effect with control mean 0        ErrZeroBaseline + default (absolute still computed)
//	ratio metric with denominator mean 0       ErrZeroDenominator + default result
//	weights negative, NaN, wrong length or     ErrWeights
//	  summing to 0
//	SRM below the minimum counts               computed, Checked = false, never a mismatch
//	SRM counts up to 2^63 - 1 per arm          summed in float64, no overflow
//	units in an arm planned at weight 0        ErrUnplannedUnits + a certain mismatch (p-value
//	                                             0); Analyze reports it as the SRM verdict
//	one-sided interval; Fieller with a noisy   the open end is infinite (ErrUnbounded for
//	  baseline; GroupSequentialBounds look       Fieller); Bound.Z = +Inf
//	  spending no alpha
//	counts near 2^53 (or 1e12 trials)          exact counts; p-values to 1e-300
//	Beta posteriors at any int64 count         probabilities in [0, 1], see Bayesian
//	pooled counts overflowing int64            ErrInvalidInput (ZTest, ChiSquareTest)
//	mSPRT likelihood ratio beyond float64      Lambda = math.MaxFloat64, p-value 0
//
// # Concurrency
//
// Every function is safe for concurrent use; the value types (Moments, Rate, ...) are
// plain values; an Assigner is immutable after construction and safe to share; an MSPRT holds
// running state and is not safe for concurrent use.
package abtest
