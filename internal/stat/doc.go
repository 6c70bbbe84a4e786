// Package stat holds the statistics vocabulary that metrics and abtest share, so that each
// concept has one type in the whole module: Interval (a confidence interval [Lower, Upper]),
// Rate (a proportion: successes out of trials), RatioMoments (the mergeable moments of a ratio
// metric, numerator first) and the Wilson score interval, written once.
//
// The packages that show these types alias them (metrics.Rate = stat.Rate, ...), so a value
// from one package is a value of the other. Intervals are at level 1 − Alpha; Z turns an Alpha
// into the two-sided normal critical value.
//
// Errors returned here carry no package prefix: the aliasing package wraps them with its own
// sentinel and prefix (CONVENTIONS.md, "Errors").
//
// Every type is a plain value, safe to copy and to share between goroutines.
package stat
