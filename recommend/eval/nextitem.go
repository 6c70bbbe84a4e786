package eval

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/tailorkit/tailor/recommend/session"
)

// ErrNextItem is wrapped by NextItem's errors about its input or config.
var ErrNextItem = errors.New("eval: next-item protocol")

// NextItemRecommender recommends the next items of a session in progress;
// *session.Model is one. Recommend must be safe for concurrent use when Workers > 1.
type NextItemRecommender interface {
	Recommend(current []session.Click, k int) []session.Rec
}

// NextItemConfig configures NextItem. The zero value is the default.
type NextItemConfig struct {
	// K is the length of each list (default 20).
	K int
	// Workers is how many sessions are predicted at once (default GOMAXPROCS).
	Workers int
	// CatalogSize is the denominator of Coverage (default 0: Coverage is 0).
	CatalogSize int
	// Popularity, when set, gives each item's popularity; the report averages it over every
	// recommended row (session-rec's "popularity" metric when it returns count / max count).
	// It is called from the Workers goroutines and must be safe for concurrent use.
	Popularity func(item string) float64
	// OnList, when set, receives every list in the order of the test sessions (first
	// appearance) and positions; an error from it stops the run and is returned.
	OnList func(session string, position int, recs []session.Rec) error
	// Progress, when set, is called with the sessions done and the total after each batch.
	Progress func(done, total int)
}

// NextItemReport is the outcome of the next-item protocol.
type NextItemReport struct {
	// K is the list length.
	K int `json:"k"`
	// Sessions is the number of test sessions with at least two events; Events the number of
	// next-item events predicted (each session's events but the first).
	Sessions int `json:"sessions"`
	Events   int `json:"events"`
	// Predicted counts events whose list was not empty; Hits those whose target was in it.
	Predicted int `json:"predicted"`
	Hits      int `json:"hits"`
	// HR is Hits / Events (HR@K); MRR the mean over events of 1/rank of the target within the
	// first K, 0 when absent (MRR@K). Both average over events, not sessions.
	HR  float64 `json:"hr"`
	MRR float64 `json:"mrr"`
	// Distinct is the number of distinct items in any list, Coverage = Distinct / CatalogSize.
	Distinct int     `json:"distinct"`
	Coverage float64 `json:"coverage"`
	// MeanPopularity is the mean of Config.Popularity over every recommended row (0 without it).
	MeanPopularity float64 `json:"mean_popularity"`
}

type testSession struct {
	id     string
	clicks []session.Click
}

// NextItem runs session-rec's next-item protocol (evaluate_sessions): test events are grouped
// by Session (in order of first appearance, each session's events put in time order, ties
// keeping input order); for every session of n >= 2 events and every prefix p = 1..n-1, rec
// is given the first p clicks and asked for K items, and the target is event p+1 (a target
// equal to the item just seen counts too). An event without Session or Item is an error
// wrapping ErrNextItem, before anything is predicted. ctx is checked before every session's
// queries; on cancellation its error is returned with the report of the sessions completed
// before it. Progress is reported after every batch of 256 sessions. The lists of a batch are
// computed by Workers goroutines while the previous batch is scored and handed to OnList, which
// is called from one goroutine at a time.
func NextItem(ctx context.Context, rec NextItemRecommender, test iter.Seq[session.Event], cfg NextItemConfig) (NextItemReport, error) {
	if cfg.K < 0 || cfg.Workers < 0 || cfg.CatalogSize < 0 {
		return NextItemReport{}, fmt.Errorf("%w: K, Workers and CatalogSize must not be negative", ErrNextItem)
	}
	if cfg.K == 0 {
		cfg.K = 20
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	var sessions []*testSession
	idx := map[string]*testSession{}
	n := 0
	for e := range test {
		if e.Session == "" || e.Item == "" {
			return NextItemReport{}, fmt.Errorf("%w: event %d has no session or item", ErrNextItem, n)
		}
		n++
		s := idx[e.Session]
		if s == nil {
			s = &testSession{id: e.Session}
			idx[e.Session] = s
			sessions = append(sessions, s)
		}
		s.clicks = append(s.clicks, session.Click{Item: e.Item, Time: e.Time})
	}
	sessions = slices.DeleteFunc(sessions, func(s *testSession) bool { return len(s.clicks) < 2 })
	for _, s := range sessions {
		slices.SortStableFunc(s.clicks, func(a, b session.Click) int { return a.Time.Compare(b.Time) })
	}
	rep := NextItemReport{K: cfg.K, Sessions: len(sessions)}
	seen := map[string]struct{}{}
	var mrr, pop float64
	rows := 0
	// The lists of one batch are computed by the workers while the previous batch is scored
	// and handed to OnList in order.
	const batch = 256
	type scored struct {
		recs []session.Rec
		rank int     // 1-based rank of the target, 0 if absent
		pop  float64 // summed popularity of the list
	}
	type done struct {
		start int
		lists [][]scored
	}
	inner, stop := context.WithCancel(ctx)
	defer stop()
	var seenMu sync.Mutex
	batches := make(chan done, 1)
	go func() {
		defer close(batches)
		for start := 0; start < len(sessions); start += batch {
			part := sessions[start:min(start+batch, len(sessions))]
			lists := make([][]scored, len(part))
			var wg sync.WaitGroup
			next := make(chan int)
			for range min(cfg.Workers, len(part)) {
				wg.Go(func() {
					local := map[string]struct{}{}
					for i := range next {
						if inner.Err() != nil {
							continue
						}
						s := part[i]
						l := make([]scored, 0, len(s.clicks)-1)
						for p := 1; p < len(s.clicks); p++ {
							sc := scored{recs: rec.Recommend(s.clicks[:p], cfg.K)}
							if len(sc.recs) > cfg.K {
								sc.recs = sc.recs[:cfg.K]
							}
							for r, x := range sc.recs {
								if sc.rank == 0 && x.Item == s.clicks[p].Item {
									sc.rank = r + 1
								}
								local[x.Item] = struct{}{}
								if cfg.Popularity != nil {
									sc.pop += cfg.Popularity(x.Item)
								}
							}
							l = append(l, sc)
						}
						lists[i] = l
					}
					seenMu.Lock()
					for it := range local {
						seen[it] = struct{}{}
					}
					seenMu.Unlock()
				})
			}
			for i := range part {
				next <- i
			}
			close(next)
			wg.Wait()
			if inner.Err() != nil {
				return
			}
			batches <- done{start, lists}
		}
	}()
	drain := func() {
		stop()
		for range batches {
		}
	}
	distinct := func() int {
		seenMu.Lock()
		defer seenMu.Unlock()
		return len(seen)
	}
	for b := range batches {
		part := sessions[b.start : b.start+len(b.lists)]
		for i, s := range part {
			for p, l := range b.lists[i] {
				rep.Events++
				if len(l.recs) > 0 {
					rep.Predicted++
				}
				if l.rank > 0 {
					rep.Hits++
					mrr += 1 / float64(l.rank)
				}
				pop += l.pop
				rows += len(l.recs)
				if cfg.OnList != nil {
					if err := cfg.OnList(s.id, p+1, l.recs); err != nil {
						drain()
						return finish(rep, mrr, pop, rows, distinct(), cfg), err
					}
				}
			}
		}
		if cfg.Progress != nil {
			cfg.Progress(b.start+len(part), len(sessions))
		}
		if err := ctx.Err(); err != nil {
			drain()
			return finish(rep, mrr, pop, rows, distinct(), cfg), fmt.Errorf("eval: next-item protocol: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return finish(rep, mrr, pop, rows, len(seen), cfg), fmt.Errorf("eval: next-item protocol: %w", err)
	}
	return finish(rep, mrr, pop, rows, len(seen), cfg), nil
}

func finish(rep NextItemReport, mrr, pop float64, rows, distinct int, cfg NextItemConfig) NextItemReport {
	if rep.Events > 0 {
		rep.HR = float64(rep.Hits) / float64(rep.Events)
		rep.MRR = mrr / float64(rep.Events)
	}
	if rows > 0 {
		rep.MeanPopularity = pop / float64(rows)
	}
	rep.Distinct = distinct
	if cfg.CatalogSize > 0 {
		rep.Coverage = float64(distinct) / float64(cfg.CatalogSize)
	}
	return rep
}

// SplitSessionsByTime is session-rec's time split (and the shared prepare.py's): the sessions
// whose latest event falls within window of the latest event of all go to test, the rest to
// train; then test events of items that train never shows are dropped, and test sessions left
// with fewer than two events are dropped. Sessions are grouped by Event.Session (events
// without one stay in train). Both outputs keep the input order.
func SplitSessionsByTime(events []session.Event, window time.Duration) (train, test []session.Event) {
	last := map[string]time.Time{}
	var end time.Time
	for _, e := range events {
		if e.Time.After(end) {
			end = e.Time
		}
		if e.Session != "" && e.Time.After(last[e.Session]) {
			last[e.Session] = e.Time
		}
	}
	cut := end.Add(-window)
	known := map[string]struct{}{}
	for _, e := range events {
		if e.Session == "" || !last[e.Session].After(cut) {
			train = append(train, e)
			known[e.Item] = struct{}{}
		}
	}
	size := map[string]int{}
	for _, e := range events {
		if _, ok := known[e.Item]; ok && e.Session != "" && last[e.Session].After(cut) {
			size[e.Session]++
		}
	}
	for _, e := range events {
		if _, ok := known[e.Item]; ok && e.Session != "" && last[e.Session].After(cut) && size[e.Session] >= 2 {
			test = append(test, e)
		}
	}
	return train, test
}
