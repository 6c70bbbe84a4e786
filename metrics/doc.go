// Package metrics computes e-commerce KPIs from raw events, correctly and with their
// uncertainty: rates with confidence intervals, money figures with delta-method intervals,
// sessions, funnels, customer figures from orders, and per-dimension reports rendered as Go
// values, CSV or Markdown.
//
// # Rates and estimates
//
// A Rate is k successes out of n trials. A zero denominator is not an error and not a NaN: the
// rate is undefined, Value reports (0, false), RateInterval reports false, String prints "n/a"
// and JSON has null. Rate, Interval ({Lower, Upper}) and RatioMoments (numerator first) are
// the module's one statistics vocabulary, shared with abtest; intervals are at level
// 1 − IntervalConfig.Alpha (0 means 0.05). Intervals are Wilson by default, Agresti-Coull or Jeffreys on request
// (IntervalConfig); they are checked against statsmodels' proportion_confint formulas evaluated
// with SciPy and against R's binom package.
//
// An Estimate is a money or time figure with its standard error. Figures that are ratios of
// sums over visitors or customers (average order value, time on site, pages per session) use
// RatioMoments and the delta method, so that several orders or sessions of one visitor are
// not treated as independent. RateLift and EstimateLift give relative changes with intervals
// on the log scale; Compare builds with/without and period-over-period tables from them.
//
// # Sessions and reports
//
// An Accumulator reads profile events in one pass, in any time order, and keeps per person a
// mergeable summary of each session: a session ends after 30 minutes without an event
// (SessionConfig: another gap, a split at midnight, or the tracker's session IDs). A session
// takes the channel, device and region of its earliest event naming one. Accumulators of
// shards combine with Merge into exactly the sessions of one pass, so a stream of 100M events
// is read in parallel and never held in memory; what is held is a few hundred bytes per
// session.
//
// Report groups sessions by a Dimension (ByChannel, ByDevice, ByRegion, BySegment, ByVariant,
// Overall) and computes KPIs per group and in total: GA4 engagement and bounce (engaged: over
// 10 s, a key event, or 2+ page views), time on site, pages per session, conversion per
// session and per visitor, CTR, add-to-cart, cart and checkout abandonment, orders, revenue
// (gross minus discounts), AOV, revenue per visitor, return rate, repeat purchases, the most
// popular item, and with ApplySpend ROAS, ROI and CAC. Every definition is in the doc
// comment of its KPIs field. ChannelColumns() is the per-channel overview: time on site,
// bounce, AOV, conversion and the most popular item.
//
// Orders computes the figures that belong to customers over a Period: repeat purchase rate
// against Shopify's returning customer rate (the first lets both purchases fall in the period,
// the second lets the earlier one fall before it), retention and churn between two periods,
// return rate, AOV and historical lifetime value. Funnel counts how far people get along
// ordered steps, in loose or strict order and within a time window.
//
// # Files
//
// Events files are read where the vocabulary lives: profile.ReadEventsCSV (the events CSV
// format of the kpi program) and profile.ReadEventsJSONL (the lossless tailor format) yield
// events and bad rows (a *profile.RowError naming its line, column and value);
// profile.SkipBad or profile.StopAtBad turns them into the stream Accumulator.AddAll takes.
// Comparison.WriteCSV is for spreadsheets: it neutralises the group names with
// textio.EscapeCell.
//
// # Edge cases
//
// No events: a report has no rows and an all-undefined total. No orders: AOV, return rate and
// repeat purchases are undefined, conversion is 0 of n. All bounces: bounce rate n of n.
// Clicks beyond impressions make CTR undefined rather than over 100%. Returns are negative
// amounts: counted in return rates and net revenue, never subtracted from AOV. Unknown event
// types are kept (they extend sessions) and counted per type; invalid events (no person, no
// time, NaN prices, a price, quantity or amount above MaxAmount = textio.MaxMagnitude = 1e15)
// are refused with an error and counted. Visitors are Event.Person(): anonymous and logged-in
// activity of one human are two visitors unless Config.Person maps events to identities
// stitched by package profile.
//
// # Guarantees
//
//   - Whatever Add accepts keeps every KPI finite: prices, quantities and amounts are bounded
//     by MaxAmount, unit totals saturate at math.MaxInt64 instead of wrapping, and times
//     centuries apart (the whole 1678-2261 range) are compared without overflow.
//   - Rate intervals are finite, ordered and inside [0, 1] for every count up to
//     math.MaxInt64 and every Alpha in (0, 1), from 5e-324 to within 1e-16 of 1; Wilson and
//     Agresti-Coull always bracket k/n (Wilson's bounds are exactly 0 at k = 0 and 1 at k = n). Jeffreys bounds beyond n = 1e7 use a Cornish-Fisher or
//     gamma-tail expansion of the log-odds, within 1e-9 of mpmath up to 2^63. A zero-trial
//     rate has no value and no interval.
//   - Configs: zero fields are the documented defaults; any other value out of range (a
//     negative Session.Gap, an Alpha outside (0, 1), an unknown Method, ...) fails Validate with
//     an error wrapping ErrConfig that names the field. It is never replaced by a default:
//     NewAccumulator and NewFunnel return that error, Rate and Estimate intervals are not given
//     and Compare returns it.
//   - Merge of an Accumulator, Funnel or Orders into itself is ErrSelfMerge. Merging is linear
//     in the sessions merged; events in any order (newest first included) cost O(log n) per
//     session of a person, and a session of any number of orders or items linear time. A
//     funnel's result is linear in each person's events (windowed loose funnels included).
//   - Forget (and ForgetAll) on an Accumulator, Funnel or Orders removes a person's sessions,
//     step events or orders and their share of every count (events, refused events, late and
//     unknown-type counts), returning the module's ForgetReport: afterwards every result equals
//     that of a store fed the same records without the person's. Merged shards forget the same
//     way.
//   - Every error from an exported function starts with "metrics: " exactly once; a cause
//     from profile's validation is printed without its own prefix and still matches with
//     errors.Is and errors.As (profile.ErrNotFinite, *profile.FieldError).
//   - Every result (Report and its rows, Comparison, FunnelResult, SessionStats, Session,
//     CustomerReport, Rate, Estimate, Lift, ForgetReport) encodes to JSON with snake_case
//     names and methods by name ("wilson"), never fails on a number (an undefined figure or
//     an unbounded interval end is null), and decodes back to the same value. Durations are
//     integer nanoseconds (mean_duration_ns), times RFC 3339.
//   - AddAll checks its context every 4096 records, so a cancellation is honoured within
//     milliseconds.
//
// # Concurrency
//
// Accumulator, Funnel and Orders are not safe for concurrent use: feed one per goroutine and
// Merge. Reports, Rates and Estimates are plain values, safe to share once built.
package metrics
