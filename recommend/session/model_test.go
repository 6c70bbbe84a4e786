package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// synthetic makes n sessions of a few visitors over 40 items with a sequential structure, 90 s
// apart, events 20 s apart.
func synthetic(n int, seed uint64) []Event {
	r := rand.New(rand.NewPCG(seed, 1))
	var evs []Event
	for s := range n {
		it := r.IntN(40)
		for j := range 2 + r.IntN(6) {
			evs = append(evs, Event{
				Session: fmt.Sprintf("s%d", s), Visitor: fmt.Sprintf("v%d", s%13),
				Item: fmt.Sprintf("i%d", it), Time: t0.Add(time.Duration(s*90+j*20) * time.Second),
			})
			it = (it + 1 + r.IntN(3)) % 40
		}
	}
	return evs
}

var allMethods = []Method{VSTAN, STAN, VSKNN, SKNN, SR}

func queries(seed uint64) [][]Click {
	r := rand.New(rand.NewPCG(seed, 2))
	var qs [][]Click
	for range 60 {
		var q []Click
		for j := range 1 + r.IntN(5) {
			q = append(q, Click{Item: fmt.Sprintf("i%d", r.IntN(44)), Time: t0.Add(time.Duration(100000+j*20) * time.Second)})
		}
		qs = append(qs, q)
	}
	return append(qs, nil)
}

func answers(m *Model, qs [][]Click) [][]Rec {
	var out [][]Rec
	for _, q := range qs {
		out = append(out, m.Recommend(q, 15))
	}
	return out
}

func fit(t testing.TB, evs []Event, cfg Config) *Model {
	t.Helper()
	m, err := Fit(context.Background(), slices.Values(evs), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestForgetEqualsRefit: after Forget, every answer equals, bit for bit, that of a Fit
// without the visitor's events, for every method; the visitor's ID and the items only they
// viewed are gone from the model.
func TestForgetEqualsRefit(t *testing.T) {
	evs := synthetic(300, 5)
	// an item only v3 ever viewed
	evs = append(evs, Event{Session: "s3", Visitor: "v3", Item: "only-v3", Time: t0.Add(3*90*time.Second + 5*time.Second)})
	var without []Event
	for _, e := range evs {
		if e.Visitor != "v3" {
			without = append(without, e)
		}
	}
	qs := queries(9)
	qs = append(qs, []Click{{Item: "only-v3"}})
	for _, meth := range allMethods {
		cfg := Config{Method: meth, Neighbors: 20, SampleSize: 60, SessionRecency: time.Hour}
		m := fit(t, evs, cfg)
		rep := m.Forget("v3")
		if !rep.Held || rep.Sessions != 23 || rep.Visitor != "v3" {
			t.Fatalf("%v: report %+v", meth, rep)
		}
		ref := fit(t, without, cfg)
		if got, want := answers(m, qs), answers(ref, qs); !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: answers after Forget differ from a refit without the visitor", meth)
		}
		if got, want := m.Stats(), ref.Stats(); got != want {
			t.Fatalf("%v: stats %+v, refit %+v", meth, got, want)
		}
		// nothing of v3 in the model's tables
		m.mu.RLock()
		_, vis := m.visIdx["v3"]
		_, item := m.itemIdx["only-v3"]
		held := slices.Contains(m.visIDs, "v3") || slices.Contains(m.itemIDs, "only-v3")
		m.mu.RUnlock()
		if vis || item || held {
			t.Fatalf("%v: visitor or their item still held", meth)
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "%v", m.Stats())
		for _, r := range answers(m, qs) {
			fmt.Fprintf(&buf, "%v", r)
		}
		if bytes.Contains(buf.Bytes(), []byte("only-v3")) {
			t.Fatalf("%v: the forgotten item is still recommended", meth)
		}
		if again := m.Forget("v3"); again.Held || again.Sessions != 0 {
			t.Fatalf("%v: second Forget %+v", meth, again)
		}
	}
}

// sessionsOf groups events as Fit does when every event has a session, in time order.
func sessionsOf(evs []Event) []Session {
	var out []Session
	idx := map[string]int{}
	for _, e := range evs {
		k, ok := idx[e.Session]
		if !ok {
			k = len(out)
			idx[e.Session] = k
			out = append(out, Session{ID: e.Session, Visitor: e.Visitor})
		}
		out[k].Clicks = append(out[k].Clicks, Click{Item: e.Item, Time: e.Time})
	}
	return out
}

// TestAddEqualsFit: a model fitted on the first sessions and given the rest by Add answers as
// one fitted on all; with MaxSessions, sessions age out to the same model as a fit of the
// latest MaxSessions.
func TestAddEqualsFit(t *testing.T) {
	evs := synthetic(250, 6)
	ss := sessionsOf(evs)
	split := 0
	for i, e := range evs {
		if e.Session == ss[150].ID {
			split = i
			break
		}
	}
	qs := queries(3)
	for _, meth := range allMethods {
		for _, maxS := range []int{0, 100} {
			cfg := Config{Method: meth, Neighbors: 20, SampleSize: 60, NoFallback: true, MaxSessions: maxS}
			m := fit(t, evs[:split], cfg)
			for _, s := range ss[150:] {
				if err := m.Add(s); err != nil {
					t.Fatal(err)
				}
			}
			want := evs
			if maxS > 0 {
				for i, e := range evs {
					if e.Session == ss[len(ss)-maxS].ID {
						want = evs[i:]
						break
					}
				}
			}
			ref := fit(t, want, cfg)
			if !reflect.DeepEqual(answers(m, qs), answers(ref, qs)) {
				t.Fatalf("%v MaxSessions %d: Add differs from Fit", meth, maxS)
			}
			if m.Stats() != ref.Stats() {
				t.Fatalf("%v MaxSessions %d: stats %+v, fit %+v", meth, maxS, m.Stats(), ref.Stats())
			}
			if maxS > 0 && m.Stats().Sessions != maxS {
				t.Fatalf("%d sessions held, MaxSessions %d", m.Stats().Sessions, maxS)
			}
		}
	}
}

// TestFallback: an empty session and one of unknown items get popular items, flagged; a known
// item gets neighbours first, then popular fill.
func TestFallback(t *testing.T) {
	evs := []Event{
		{Session: "a", Item: "x", Time: t0}, {Session: "a", Item: "y", Time: t0.Add(time.Second)},
		{Session: "b", Item: "y", Time: t0.Add(time.Minute)}, {Session: "b", Item: "z", Time: t0.Add(time.Minute + time.Second)},
		{Session: "c", Item: "z", Time: t0.Add(2 * time.Minute)}, {Session: "c", Item: "w", Time: t0.Add(3 * time.Minute)},
		{Session: "d", Item: "z", Time: t0.Add(4 * time.Minute)}, {Session: "d", Item: "q", Time: t0.Add(5 * time.Minute)},
	}
	for _, meth := range allMethods {
		m := fit(t, evs, Config{Method: meth})
		for _, q := range [][]Click{nil, {{Item: "unknown"}}} {
			got := m.Recommend(q, 3)
			// z has 3 events; q, w, x, y 1 or 2: y has 2
			want := []Rec{{"z", 3, FromPopularity}, {"y", 2, FromPopularity}, {"q", 1, FromPopularity}}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%v %v: %v, want %v", meth, q, got, want)
			}
		}
		got := m.Recommend([]Click{{Item: "x", Time: t0.Add(time.Hour)}}, 5)
		if len(got) != 5 || got[0].Source != FromNeighbors || got[4].Source != FromPopularity {
			t.Fatalf("%v: %v", meth, got)
		}
		seen := map[string]bool{}
		for _, r := range got {
			if seen[r.Item] {
				t.Fatalf("%v: %s twice in %v", meth, r.Item, got)
			}
			seen[r.Item] = true
		}
		if got := m.Recommend([]Click{{Item: "x"}}, 0); got != nil {
			t.Fatalf("k=0: %v", got)
		}
		// a huge k is bounded by the catalog (5 items), not allocated
		for _, k := range []int{1 << 53, 1 << 62, math.MaxInt} {
			if got := m.Recommend([]Click{{Item: "x"}}, k); len(got) != 5 {
				t.Fatalf("%v k=%d: %d items", meth, k, len(got))
			}
		}
	}
}

// TestLongSessionCapped: a 10,000-event session is capped at MaxLength in the index and in
// a query, and a query on it stays fast.
func TestLongSessionCapped(t *testing.T) {
	var evs []Event
	for j := range 10000 {
		evs = append(evs, Event{Session: "long", Item: fmt.Sprintf("i%d", j%500), Time: t0.Add(time.Duration(j) * time.Second)})
	}
	evs = append(evs, synthetic(200, 2)...)
	for _, meth := range allMethods {
		m := fit(t, evs, Config{Method: meth})
		st := m.Stats()
		if st.Events > 200+200*7 {
			t.Fatalf("%v: %d events indexed, the long session was not capped", meth, st.Events)
		}
		var q []Click
		for _, e := range evs[:10000] {
			q = append(q, Click{Item: e.Item, Time: e.Time})
		}
		start := time.Now()
		got := m.Recommend(q, 20)
		if d := time.Since(start); d > 200*time.Millisecond || len(got) != 20 {
			t.Fatalf("%v: %d recs in %v", meth, len(got), d)
		}
	}
}

// TestOutOfOrder: events given out of time order are sorted before indexing.
func TestOutOfOrder(t *testing.T) {
	evs := synthetic(100, 4)
	shuffled := slices.Clone(evs)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
	qs := queries(1)
	for _, meth := range allMethods {
		cfg := Config{Method: meth}
		if !reflect.DeepEqual(answers(fit(t, evs, cfg), qs), answers(fit(t, shuffled, cfg), qs)) {
			t.Fatalf("%v: shuffled input gives other answers", meth)
		}
	}
}

// TestGap: events without a session are split per visitor at pauses over Gap.
func TestGap(t *testing.T) {
	evs := []Event{
		{Visitor: "v", Item: "a", Time: t0}, {Visitor: "v", Item: "b", Time: t0.Add(10 * time.Minute)},
		{Visitor: "v", Item: "c", Time: t0.Add(50 * time.Minute)}, {Visitor: "w", Item: "a", Time: t0},
	}
	if s := fit(t, evs, Config{}).Stats(); s.Sessions != 3 || s.Visitors != 2 {
		t.Fatalf("30m gap: %+v", s)
	}
	if s := fit(t, evs, Config{Gap: time.Hour}).Stats(); s.Sessions != 2 {
		t.Fatalf("1h gap: %+v", s)
	}
}

// TestDegenerate: fits on no events, one event, all-identical events and sessions that share
// nothing do not fail and answer with what they have.
func TestDegenerate(t *testing.T) {
	same := make([]Event, 50)
	for i := range same {
		same[i] = Event{Session: "s", Item: "x", Time: t0}
	}
	var disjoint []Event
	for i := range 30 {
		disjoint = append(disjoint, Event{Session: fmt.Sprint(i), Item: fmt.Sprint("i", i), Time: t0.Add(time.Duration(i) * time.Second)})
	}
	for _, meth := range allMethods {
		for name, evs := range map[string][]Event{"none": nil, "one": {{Session: "s", Item: "x", Time: t0}}, "same": same, "disjoint": disjoint} {
			m := fit(t, evs, Config{Method: meth})
			got := m.Recommend([]Click{{Item: "x", Time: t0}}, 5)
			for _, r := range got {
				if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
					t.Fatalf("%v %s: score %v", meth, name, r.Score)
				}
			}
			if name == "none" && len(got) != 0 || name != "none" && len(got) == 0 {
				t.Fatalf("%v %s: %v", meth, name, got)
			}
		}
	}
}

// TestBadEvents: Fit refuses an event without item, time or session and visitor, naming its
// position, and Add refuses a session without items.
func TestBadEvents(t *testing.T) {
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Session: "s", Time: t0}, "event 1: no item"},
		{Event{Session: "s", Item: "x"}, "event 1: no time"},
		{Event{Item: "x", Time: t0}, "event 1: neither session nor visitor"},
	} {
		_, err := Fit(context.Background(), slices.Values([]Event{{Session: "s", Item: "y", Time: t0}, c.e}), Config{})
		if !errors.Is(err, ErrEvent) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "session: ") {
			t.Errorf("%+v: %v", c.e, err)
		}
	}
	m := fit(t, nil, Config{})
	if err := m.Add(Session{ID: "e", Clicks: []Click{{Time: t0}}}); !errors.Is(err, ErrEvent) {
		t.Errorf("empty session: %v", err)
	}
	if err := m.Add(Session{ID: "e", Clicks: []Click{{Item: "a", Time: t0}, {Item: "b"}}}); !errors.Is(err, ErrEvent) || m.Stats().Sessions != 0 {
		t.Errorf("click without time: %v, %+v", err, m.Stats())
	}
}

// TestConfigValidate: zero is valid, every out-of-range value (NaN, infinities, negatives,
// huge) is an error naming the field.
func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Fatal(err)
	}
	nan, inf := math.NaN(), math.Inf(1)
	bad := map[string]Config{
		"Method":               {Method: 9},
		"Neighbors":            {Neighbors: -1},
		"SampleSize":           {SampleSize: 1 << 62},
		"Similarity":           {Similarity: 7},
		"PositionWeight":       {PositionWeight: 99},
		"DistanceWeight":       {DistanceWeight: 99},
		"RuleWeight":           {RuleWeight: 99},
		"SessionRecency":       {SessionRecency: -time.Second},
		"Steps":                {Steps: -2},
		"MaxSessions":          {MaxSessions: -1},
		"MaxLength":            {MaxLength: 1 << 20},
		"Gap":                  {Gap: -time.Minute},
		"IDFWeight":            {IDFWeight: nan},
		"SessionPositionDecay": {SessionPositionDecay: inf},
		"ItemPositionDecay":    {ItemPositionDecay: -inf},
		"MatchPositionDecay":   {MatchPositionDecay: 1e308},
	}
	for field, c := range bad {
		err := c.Validate()
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", field, err)
		}
		if _, err := Fit(context.Background(), slices.Values([]Event(nil)), c); !errors.Is(err, ErrConfig) {
			t.Errorf("Fit with bad %s: %v", field, err)
		}
	}
	// tiny positive values are valid and give finite scores
	m := fit(t, synthetic(50, 1), Config{SessionPositionDecay: 5e-324, ItemPositionDecay: 5e-324, MatchPositionDecay: 5e-324, IDFWeight: 5e-324, SessionRecency: 1})
	for _, r := range m.Recommend([]Click{{Item: "i3", Time: t0}}, 10) {
		if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
			t.Fatalf("tiny decays: score %v", r.Score)
		}
	}
}

// TestFitHonoursContext: a cancelled context stops Fit within 100 ms.
func TestFitHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	endless := func(yield func(Event) bool) {
		for i := 0; ; i++ {
			if !yield(Event{Session: fmt.Sprint(i / 5), Item: "x", Time: t0}) {
				return
			}
		}
	}
	if _, err := Fit(ctx, endless, Config{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("took %v", d)
	}
}

// TestConcurrent: queries, Adds and Forgets from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	evs := synthetic(200, 8)
	m := fit(t, evs, Config{MaxSessions: 150})
	qs := queries(4)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				_ = m.Recommend(qs[(g*7+i)%len(qs)], 10)
			}
		})
	}
	wg.Go(func() {
		for i := range 300 {
			_ = m.Add(Session{Visitor: fmt.Sprint("v", i%13), Clicks: []Click{{Item: fmt.Sprint("i", i%45), Time: t0.Add(time.Hour)}, {Item: "i1", Time: t0.Add(time.Hour)}}})
			if i%50 == 0 {
				m.Forget(fmt.Sprint("v", i%13))
			}
			_ = m.Stats()
		}
	})
	wg.Wait()
	if s := m.Stats(); s.Sessions > 150 {
		t.Fatalf("%d sessions held", s.Sessions)
	}
}

// TestHugePosting: when one item is in every indexed session (50,000 here), a query on it
// compares only SampleSize of them and returns within 100 ms, for every method.
func TestHugePosting(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 50,000 sessions")
	}
	var evs []Event
	for s := range 50000 {
		id := fmt.Sprint(s)
		at := t0.Add(time.Duration(s) * time.Second)
		evs = append(evs, Event{Session: id, Item: "x", Time: at}, Event{Session: id, Item: fmt.Sprint("i", s%3000), Time: at})
	}
	for _, meth := range allMethods {
		m := fit(t, evs, Config{Method: meth})
		q := []Click{{Item: "i7", Time: t0}, {Item: "x", Time: t0}}
		m.Recommend(q, 20) // warm the scratch
		start := time.Now()
		got := m.Recommend(q, 20)
		if d := time.Since(start); d > 100*time.Millisecond || len(got) != 20 {
			t.Fatalf("%v: %d recs in %v", meth, len(got), d)
		}
	}
}
