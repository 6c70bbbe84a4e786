// Package profile is tailor's commerce vocabulary and its picture of each customer.
//
// The vocabulary is shared by the whole module: an Event is one thing a visitor or customer did
// (a view, an add-to-cart, a purchase, ... or any type a shop invents), an Order is one checkout
// with its Lines. Money is a float64 in the shop's currency; time is a time.Time; IDs are strings.
// Returns are orders or lines with negative quantities.
//
// Validate on Event and Order reports the first problem as a *FieldError naming the field (with
// the line index) and its value, wrapping one of the sentinel errors (ErrMissing, ErrNotFinite,
// ErrNegative, ErrZeroQuantity, ErrOutOfRange) so that callers can branch with errors.Is.
//
// # Errors
//
// Every error a function of the package returns starts with "profile: " once (`profile: order
// "o1": field "Lines[0].Quantity" = "0": zero quantity`), except the two positional types,
// which start with their position and are meant to be wrapped by the caller: the *FieldError
// of Validate and the *RowError a reader yields for a bad row (`line 12: field "Quantity" =
// "x": not an integer`). A header that is not the format's, or an I/O error, ends a reader's
// sequence with an error that is not a *RowError (a header one wraps ErrHeader). The reader
// causes (ErrMissing, ErrNumber, ErrInteger, ErrTime, ErrColumns, ErrHeader, ErrLineTooLong,
// ErrQuote, ErrRange) are the values every tailor reader wraps, so errors.Is matches them
// from here whichever package read the file.
//
// # Accepted range
//
// Prices, list prices and quantities are accepted up to textio.MaxMagnitude (1e15) in absolute
// value; anything larger, NaN or infinite is an error from Validate and from every Add path
// (which names the order ID, or the event's person and time). A Builder also refuses times
// outside the years 1678 to 2262 (what Unix nanoseconds hold). Within that range every Profile
// field, Report and CustomerExport is finite and encodes as JSON: an amount is at most 1e30,
// sums of them stay far from overflow, unit counts saturate at math.MaxInt instead of
// wrapping, and day differences are exact across the whole time range. Config.Validate and
// StitchConfig.Validate refuse (ErrConfig) every field out of its documented range, and
// NewBuilder, NewStitcher and Build call them: zero is the documented default, nothing is
// silently replaced. The package has no mutable globals: OnlineRetailHeader returns a copy.
//
// Errors hold field names, positions, numbers, times and IDs, never an identifier's value (an
// e-mail address, a phone number) or free text.
//
// # Profiles
//
// Build (or a Builder, for incremental and sharded work) turns streams of orders and events into
// one Profile per customer in a single pass: first and last purchase, orders, units, revenue net
// of returns, average order value, return rate, the raw recency, frequency and monetary values
// of RFM, the share of spend bought at a discount, brand affinity smoothed toward the shop's
// taste, the price band (quartiles of prices paid) per category, category breadth, the interval
// between orders, the channel and device mix, and a lifecycle Stage (New, Active, Lapsed,
// Churned, Prospect) judged against an activity window that depends on what the customer buys
// (Config.Windows: weeks for groceries, months for apparel). Every formula is on the field it
// fills.
//
//	profiles, err := profile.Build(ctx, orders, events, profile.Config{Now: now})
//	for p := range profiles.All() { ... }
//
// A Builder accumulates with AddOrder and AddEvent and can be snapshotted with Profiles at any
// time; builders fed different shards combine with Merge into exactly what one builder fed
// everything would hold. The same records give the same profiles, bit for bit, in any order
// (up to the rounding of floating-point sums when records arrive in a different order).
//
// Nothing is dropped silently: guest orders, records dated after Config.Now, invalid records
// (with Config.SkipInvalid) and customers without consent are counted in the Report, and a
// return that finds no purchase of its item to net against is reported by value. A return
// reduces the revenue of the item it returns, never below zero: per customer and item,
// net = max(0, bought - returned).
//
// # Identity stitching
//
// A Stitcher joins the identifiers a person uses (user ID, anonymous cookies, hashed e-mail and
// phone, devices) into one customer with the semantics of Segment's identity resolution:
// identifier types ranked by priority, limits per type (one user ID per customer by default),
// blocked junk values ("0", "null", "anonymous", ...), merges when an event shows two customers
// to be one, and a canonical ID that is the customer's user ID when they have one. Every join,
// merge and refusal is kept in an audit trail (Stitcher.Audit). Stitching depends only on the
// set of observations, not on their order, so shards can be stitched separately and merged.
// Give a Stitcher to Config.Stitcher and the builder merges the profiles of stitched
// identifiers: the anonymous browsing before a login counts for the customer.
//
// # Consent and erasure
//
// Consents records each customer's decisions per Purpose (analytics, personalization,
// marketing) with the time each was given or withdrawn. With Config.Consents set, a build
// includes only customers who had consented to Config.Purpose as of Now. Builder.Forget erases
// a customer: their accumulated data and order IDs, every identifier stitched to them, their
// stitching audit, their consent decisions and the Report's examples that name them.
// Afterwards no report, export, profile, audit or error of the Builder, its Stitcher or its
// Consents holds the customer's ID, identifiers or order IDs (the tests check this byte by
// byte, and every string reachable in memory); counts, which name no one, are kept.
// Stitcher.Forget replays only the observations connected to the customer, so its cost grows
// with the history of the people concerned, not with the stitcher's size (about 15 us among
// 80,000 observations), with exactly the result of rebuilding the stitcher without them.
// Builder.Forget, Stitcher.Forget and Consents.Forget return the one ForgetReport of every
// tailor store: the person, whether anything was held, and how many records of each kind were
// removed (each Forget's doc lists its kinds); for someone held nowhere it says found: false
// and lists nothing. ForgetAll on each forgets several people in one call. Merging a
// Builder or a Stitcher into itself is ErrSelfMerge. Builder.Export returns everything held
// about a customer as a CustomerExport, whose JSON shape is documented on the type (data
// portability).
//
// # JSON
//
// Every result type (Profile, Report, CustomerExport with its AuditEntry and ConsentRecord
// values, ForgetReport, InteractionReport) encodes with snake_case field names, the Stage,
// Purpose and EventType values as their text and times as RFC 3339, and decodes back to an
// equal value. Every number in them is finite (see Accepted range), so encoding never fails.
//
// # Events into the recommender, with consent
//
// Interactions turns events into recommend's input with the stitched customer as the user, so
// the host writes no conversion. Consent reaches the recommender in one documented way, on
// both sides: at training, InteractionConfig.Consents leaves out every event of a person who
// may not be processed for PurposePersonalization (at InteractionConfig.ConsentAt), so the
// model never learns from them, and the report counts them; at serving, Consents.Personalize
// says whether a person may get personal recommendations, and a host that gets false serves
// the non-personal path (popular items, similar items of the page in view) without passing
// the person's history. A withdrawal after training is an erasure: Forget the person in the
// model too.
//
// # File formats
//
// The tailor format (ReadOrdersJSONL, ReadEventsJSONL and their writers) is JSON Lines with the
// snake_case field names of Order, Line and Event; it is the only format that keeps every
// field, so write then read returns the same values. The other readers take the formats shops
// and public data sets already have: the UCI Online Retail CSV and CDNOW's whitespace format.
//
// # Lifetime value
//
// The subpackage clv summarises transactions in the conventions of the lifetimes library and
// fits the BG/NBD, Pareto/NBD and Gamma-Gamma models to predict purchases, survival, spend and
// discounted lifetime value.
//
// # Concurrency
//
// A Builder is for one goroutine (build shards in parallel and Merge); builders on several
// goroutines may share one Stitcher and one Consents. Profiles snapshots, Stitcher and
// Consents are safe for concurrent use, Stitcher.Merge in both directions at once included.
//
// # Cost on adversarial data
//
// No path is quadratic in one customer's data: a customer with tens of thousands of distinct
// items, brands or event types, or a stitched customer holding tens of thousands of cookies (a
// shared device, a bot), costs a map lookup per record. Build checks its context every 4096
// records.
package profile
