package recommend

// Option filters or shapes the result of a query. Options are plain values, so passing them
// does not allocate.
type Option struct {
	kind  optKind
	n     int
	s     string
	items []string
	allow func(item string) bool
}

type optKind uint8

const (
	optExcludeSeen optKind = iota + 1
	optExclude
	optAllow
	optMaxPerCategory
	optPopularIn
	optNoFallback
	optExplain
	optIncludeSeen
)

// ExcludeSeen leaves out the items of the history the query is about (the user's kept history
// for ForUser, the given one for ForHistory), including items the user returned. ForBasket
// always leaves out the basket, and SimilarItems the item itself.
func ExcludeSeen() Option { return Option{kind: optExcludeSeen} }

// IncludeSeen lets ForUser's popularity fallback offer items of the user's kept history, which
// by default it leaves out (a fallback should not recommend what the user already has). It
// does not undo ExcludeSeen.
func IncludeSeen() Option { return Option{kind: optIncludeSeen} }

// Exclude leaves out the given item IDs (unknown IDs are ignored).
func Exclude(items ...string) Option { return Option{kind: optExclude, items: items} }

// Allow keeps only items for which allow returns true (in stock, in a category, ...). It is
// called from the querying goroutine, possibly many times per query, and must be safe to call
// concurrently if the model is queried concurrently. Several Allow options must all agree.
func Allow(allow func(item string) bool) Option { return Option{kind: optAllow, allow: allow} }

// MaxPerCategory keeps at most n items of any one category (items without a category are not
// capped), picking greedily by score: a simple way to diversify a list. n <= 0 means no cap.
func MaxPerCategory(n int) Option { return Option{kind: optMaxPerCategory, n: n} }

// PopularIn makes the popularity fallback prefer the most popular items of category before
// the most popular overall (SimilarItems does this with the item's own category by default).
func PopularIn(category string) Option { return Option{kind: optPopularIn, s: category} }

// NoFallback returns only items scored by the neighbours, possibly fewer than asked for,
// instead of filling up with popular items.
func NoFallback() Option { return Option{kind: optNoFallback} }

// Explain attaches to each neighbour-scored recommendation up to n history items that
// contributed most to its score, largest contribution first ("because you bought X"). It
// allocates the explanations.
func Explain(n int) Option { return Option{kind: optExplain, n: n} }

// query is the parsed option list.
type query struct {
	opts        []Option // for Exclude and Allow, read in place so parsing does not allocate
	excludeSeen bool
	includeSeen bool
	hasAllow    bool
	perCategory int
	popularIn   string
	fallback    bool
	explain     int
}

func parseOptions(opts []Option) query {
	q := query{opts: opts, fallback: true}
	for i := range opts {
		o := &opts[i]
		switch o.kind {
		case optExcludeSeen:
			q.excludeSeen = true
		case optIncludeSeen:
			q.includeSeen = true
		case optAllow:
			q.hasAllow = q.hasAllow || o.allow != nil
		case optMaxPerCategory:
			q.perCategory = o.n
		case optPopularIn:
			q.popularIn = o.s
		case optNoFallback:
			q.fallback = false
		case optExplain:
			q.explain = o.n
		}
	}
	return q
}

func (q *query) allowed(item string) bool {
	if !q.hasAllow {
		return true
	}
	for i := range q.opts {
		if o := &q.opts[i]; o.kind == optAllow && o.allow != nil && !o.allow(item) {
			return false
		}
	}
	return true
}
