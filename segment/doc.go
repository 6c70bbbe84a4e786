// Package segment finds who belongs together among a shop's customers: rule segments on
// attributes, RFM scoring, k-means clustering, acquisition cohorts, lifecycle stages and the
// top customers who act as a brand's advocates.
//
// # One interface
//
// A Segmenter assigns a Customer to a segment. Rule (a named Predicate), *RFM and *KMeans
// implement it, so a host can swap one for another, and FirstMatch (the first segment that
// applies, with Fallback as a catch-all) and AllMatches (every segment that applies) compose
// them.
//
// A Customer is an ID with typed attributes: numbers, strings, string sets and times. Order
// history gives the standard ones (orders, revenue, recency_days, lifecycle, categories, ...:
// see the Attr constants) through Activity.Customers or FromProfile; a host adds its CRM's own
// (age, region, interests) with the Set methods.
//
// # Rules
//
// Predicates are built in Go (And(String("region").In("EU", "UK"), Number("orders").Ge(3)))
// or parsed from text a marketer can store in a database with ParseRule:
//
//	region in ("EU", "UK") and orders >= 3 and lifecycle = "active"
//
// Both print themselves back as text. Rules are checked against a Schema, so an unknown
// attribute or a comparison of the wrong kind is an error with its line and column, not a rule
// that silently never matches.
//
// # Order history
//
// Activity is a mergeable, one-pass summary of orders per customer (NewActivity and Add each
// order or AddAll a sequence, or CollectActivity; build shards in parallel and Merge them;
// Forget(customer) removes a customer exactly, with the module's one ForgetReport). Its
// reference time is ActivityConfig.Now, by the module's one rule: orders dated after it are left
// out and counted (Activity.Future), so no recency is ever negative, and a zero Now means the
// latest order. Recency, tenure and gaps are fractional days (86400 s), as profile measures
// them. Everything below that starts from orders starts from it: RFM values (Activity.RFM,
// equal to RFMFromProfiles of the same orders, so both give the same segments), cohorts
// (Activity.Cohorts), lifecycle stages (Activity.Lifecycle, by profile.Lifecycle, the one
// lifecycle rule that profile applies too, with its main-category rule profile.MainCategory),
// new-versus-returning counts, repeat statistics (share of repeat customers, days to the second
// order) and advocates (the top share of customers by revenue).
//
// # RFM
//
// FitRFM cuts recency, frequency and monetary value into q quantile bins (default 5) and scores
// each 1..q, recency reversed, then names cells with a SegmentTable (first match wins, others
// go to the table's Other). Two conventions are reproduced exactly, each checked against its
// published test expectations:
//
//   - BinsR, the default, is the rfm R package (rsquaredacademy/rfm): cuts at R's type-7
//     quantiles plus one, half-open bins; TableRFM is its segment table.
//   - BinsQcut is pandas.qcut(duplicates="drop") as PyMC-Marketing uses it: right-closed bins
//     whose number shrinks when ties make edges coincide; TablePyMC is its table, with values
//     counted per purchase day (RFMValuesConfig.Basis = PerDay).
//
// Equal values always get equal scores. Custom cut points replace the quantiles per column.
// RFM.Summary gives customers, orders, revenue and their shares per segment.
//
// # k-means
//
// FitKMeans clusters Points (a row-major matrix) with greedy k-means++ seeding, several
// restarts and Lloyd iterations accelerated with Hamerly's bounds, in parallel and
// deterministically for a seed. FitScaler standardises features first (z-score, min-max,
// log1p); Silhouette scores a clustering (exactly, or on a sample for large n) and ChooseK
// picks k by it.
//
// # Cohorts
//
// Activity.Cohorts groups customers by the month or week of their first order and counts, for
// every later period, how many were active and what they spent; Cohorts.WriteCSV writes
// retention, active counts, revenue or cumulative value per customer. A table holds at most
// MaxCohortCells cells (64 MiB): orders spread over centuries keep the most recent cohorts and
// count the older ones' customers in Cohorts.Omitted.
//
// # Bad input
//
// Every case below is an error (wrapping the named sentinel) or a documented result:
//
//   - rules: malformed text (ErrSyntax), an unknown attribute (ErrUnknownAttribute), a value
//     or operator of the wrong kind (ErrTypeMismatch), each as a *RuleError with line and
//     column; nesting deeper than 200 and rules over 64 KiB are ErrSyntax. A customer lacking
//     an attribute does not match a comparison on it. Check does the same for predicates built
//     in Go, and refuses (ErrSyntax) those that would print as text that does not parse.
//   - orders: an order failing profile's validation is an error naming the order; so is
//     (ErrOutOfRange, naming the field) a price, list price, quantity or line amount beyond
//     textio.MaxMagnitude (1e15), which keeps every revenue sum finite, and a time outside the
//     years 1 to 9999; guest orders are counted and skipped; an order added twice counts
//     twice; return-only customers have no RFM values, cohort or stage; dates before 1970 are
//     ordinary dates. Orders after the reference time (ActivityConfig.Now) are left out and
//     counted in Activity.Future. Activity.Merge of an Activity into itself is ErrSelfMerge,
//     and of Activities with different reference times ErrBadConfig.
//   - RFM: no customers (ErrEmpty); NaN or infinite values (ErrNotFinite, naming customer and
//     column) and values beyond ±1e15 (ErrOutOfRange); Bins above MaxBins and cut points that
//     are not ascending and within ±1e15 (ErrBadConfig). Identical values share a score; a
//     constant column scores everyone in bin 1 (recency: q for BinsR, 1 for BinsQcut); new
//     values beyond the fitted range get the end bins.
//   - k-means: no points (ErrEmpty); NaN or infinite features (ErrNotFinite) and features
//     beyond ±1e15 (ErrOutOfRange), naming point and column; k above the number of points or
//     of distinct points (ErrTooFewPoints), found by the seeding in one pass (100,000
//     identical points: milliseconds); constant columns are allowed (z-score and min-max map
//     them to 0); an empty cluster during the iterations is moved to a far point; the context
//     is checked per chunk of points, so a cancelled fit returns within milliseconds;
//     LocalTrials is at most MaxLocalTrials (seeding keeps a distance per point and trial).
//     Predict and Assign give a point far beyond the data (1e200) its nearest centroid.
//   - configs: zero fields are the documented defaults and every other value out of range
//     fails the config's Validate (ErrBadConfig, naming the field). It is never replaced by a
//     default: FitRFM, FitKMeans and the Activity methods that take a config (RFM, Lifecycle,
//     Customers, Advocates, Cohorts) return the error.
//   - silhouette: fewer than 2 or more than n-1 clusters, or a negative SampleSize
//     (ErrBadConfig); a point alone in its cluster scores 0. The work is at most SampleSize²
//     distances, and ChooseK's context stops it within milliseconds.
//   - size: every per-customer structure (days, categories) and the cohort table (at most
//     MaxCohortCells cells) is linear in the input; a customer with 100,000 categories costs
//     no more per line than one with three.
//
// # Conventions
//
// Recency, tenure and days to return are fractional days of 86400 s; cohorts and purchase days
// (RFMValuesConfig.Basis = PerDay) are UTC calendar days. Revenue is net of returns (an order whose
// lines are all negative is a return: it reduces revenue but is not an order). Results are
// sorted by customer ID, ties are broken by ID, and every random choice comes from a seed.
// Errors start with "segment: " exactly once (also when they carry profile's validation error
// or a context's, which errors.Is and errors.As still reach) and wrap the sentinel errors
// (ErrEmpty, ErrSyntax, ...) for errors.Is.
//
// # JSON
//
// Every result type (CustomerRFM, ScoredRFM, SegmentSummary, the RFM and KMeans models and
// their Scaler, Cohorts, CustomerStage, MonthCount, RepeatStats, Advocate, KChoice, Customer,
// Schema) encodes to JSON with snake_case names, enums as text (a Period as "month" or "week",
// a Kind as "number", ..., a stage as profile writes it), times as RFC 3339, and decodes back to
// the same value; a decoded RFM model assigns customers as the original does.
package segment
