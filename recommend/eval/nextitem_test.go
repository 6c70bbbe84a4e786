package eval

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailorkit/tailor/recommend/session"
)

// scripted recommends, after a prefix ending in item x, the items of lists[x].
type scripted map[string][]string

func (s scripted) Recommend(cur []session.Click, k int) []session.Rec {
	var out []session.Rec
	for _, it := range s[cur[len(cur)-1].Item] {
		out = append(out, session.Rec{Item: it, Score: 1})
	}
	return out
}

var at = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ev(s, it string, sec int) session.Event {
	return session.Event{Session: s, Item: it, Time: at.Add(time.Duration(sec) * time.Second)}
}

// TestNextItemHandWorked: sessions a-b-c and d-a (and a single-event one, not counted) give
// three events: after a the target b is at rank 2, after b the target c is absent, after d the
// target a is at rank 1: HR = 2/3, MRR = (1/2 + 0 + 1)/3 = 0.5.
func TestNextItemHandWorked(t *testing.T) {
	rec := scripted{"a": {"x", "b", "c"}, "b": {"a", "x"}, "d": {"a"}}
	test := []session.Event{ev("s1", "b", 1), ev("s1", "a", 0), ev("s1", "c", 2), ev("s2", "d", 5), ev("s2", "a", 6), ev("s3", "z", 9)}
	type list struct {
		s string
		p int
		n int
	}
	var got []list
	pop := map[string]float64{"x": 1, "b": 0.5, "c": 0.25, "a": 0.5}
	rep, err := NextItem(context.Background(), rec, slices.Values(test), NextItemConfig{
		K: 2, CatalogSize: 8, Popularity: func(it string) float64 { return pop[it] },
		OnList: func(s string, p int, recs []session.Rec) error {
			got = append(got, list{s, p, len(recs)})
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// K = 2 cuts "a"'s list to x, b: b still at rank 2
	if rep.Sessions != 2 || rep.Events != 3 || rep.Hits != 2 || rep.Predicted != 3 {
		t.Fatalf("%+v", rep)
	}
	if math.Abs(rep.HR-2.0/3) > 1e-15 || math.Abs(rep.MRR-0.5) > 1e-15 {
		t.Fatalf("HR %v MRR %v", rep.HR, rep.MRR)
	}
	// recommended rows: x b | a x | a -> distinct x, b, a = 3 of 8; popularity (1+.5+.5+1+.5)/5
	if rep.Distinct != 3 || rep.Coverage != 3.0/8 || math.Abs(rep.MeanPopularity-0.7) > 1e-15 {
		t.Fatalf("coverage %v distinct %d popularity %v", rep.Coverage, rep.Distinct, rep.MeanPopularity)
	}
	want := []list{{"s1", 1, 2}, {"s1", 2, 2}, {"s2", 1, 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("lists %v, want %v", got, want)
	}
}

// TestNextItemErrors: bad config and events are errors with the package prefix; an error of
// OnList stops the run and is returned.
func TestNextItemErrors(t *testing.T) {
	rec := scripted{}
	if _, err := NextItem(context.Background(), rec, slices.Values([]session.Event{}), NextItemConfig{K: -1}); !errors.Is(err, ErrNextItem) {
		t.Errorf("K -1: %v", err)
	}
	_, err := NextItem(context.Background(), rec, slices.Values([]session.Event{{Item: "a"}}), NextItemConfig{})
	if !errors.Is(err, ErrNextItem) || !strings.HasPrefix(err.Error(), "eval: ") {
		t.Errorf("no session: %v", err)
	}
	stop := errors.New("disk full")
	_, err = NextItem(context.Background(), rec, slices.Values([]session.Event{ev("s", "a", 0), ev("s", "b", 1)}),
		NextItemConfig{OnList: func(string, int, []session.Rec) error { return stop }})
	if !errors.Is(err, stop) {
		t.Errorf("OnList error: %v", err)
	}
}

// slow takes 1 ms a query.
type slow struct{ n atomic.Int64 }

func (s *slow) Recommend(cur []session.Click, k int) []session.Rec {
	s.n.Add(1)
	time.Sleep(time.Millisecond)
	return nil
}

// TestNextItemCancel: a cancelled run returns within 100 ms with the context's error, and
// reports progress before.
func TestNextItemCancel(t *testing.T) {
	var test []session.Event
	for s := range 5000 {
		test = append(test, ev(string(rune('A'+s%26))+strings.Repeat("x", s/26), "a", 0), ev(string(rune('A'+s%26))+strings.Repeat("x", s/26), "b", 1))
	}
	ctx, cancel := context.WithCancel(context.Background())
	rec := &slow{}
	var calls atomic.Int64
	var cancelled atomic.Int64
	go func() {
		time.Sleep(300 * time.Millisecond) // past the first batch of 256 sessions
		cancelled.Store(time.Now().UnixNano())
		cancel()
	}()
	rep, err := NextItem(ctx, rec, slices.Values(test), NextItemConfig{Workers: 2, Progress: func(done, total int) {
		calls.Add(1)
		if total != 5000 || done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	}})
	d := time.Since(time.Unix(0, cancelled.Load()))
	if !errors.Is(err, context.Canceled) || d > 100*time.Millisecond {
		t.Fatalf("err %v, %v after the cancel", err, d)
	}
	if calls.Load() == 0 {
		t.Fatal("no progress reported before the cancel")
	}
	if rep.Events > int(rec.n.Load()) {
		t.Fatalf("report counts %d events, %d queried", rep.Events, rec.n.Load())
	}
}

// TestSplitSessionsByTime: the sessions ending in the last window go to test, their events of
// items unseen in train are dropped, and sessions left with one event are dropped.
func TestSplitSessionsByTime(t *testing.T) {
	day := 24 * 3600
	evs := []session.Event{
		ev("old", "a", 0), ev("old", "b", 10),
		ev("spans", "a", 2*day), ev("spans", "c", 9*day), // ends in the window: test
		ev("new", "a", 9*day), ev("new", "z", 9*day+5), ev("new", "b", 9*day+9),
		ev("lone", "a", 9*day), ev("lone", "z", 9*day+1), // z unseen in train: 1 event left
	}
	train, test := SplitSessionsByTime(evs, 7*24*time.Hour)
	if len(train) != 2 || train[0].Session != "old" {
		t.Fatalf("train %v", train)
	}
	var got []string
	for _, e := range test {
		got = append(got, e.Session+":"+e.Item)
	}
	// c and z are not in train: spans keeps a only (dropped), new keeps a, b
	if want := []string{"new:a", "new:b"}; !slices.Equal(got, want) {
		t.Fatalf("test %v, want %v", got, want)
	}
}
