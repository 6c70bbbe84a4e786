package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// forgetData is synthData with categories (one per item, as a catalog gives them) and users
// who bring things nobody else has: u0003 the only user of "solo-a" (category "solo-cat",
// which no other item has) and the first to name category "c5"; u0007 the only user of
// "solo-b" in a category of its own too; u0003 also bought "x9-returned", which u0010 returned
// without buying (so "x9-returned" stays, without users, after u0003 goes).
func forgetData() []Interaction {
	data := []Interaction{{User: "u0003", Item: itemName(5), Category: "c5", Weight: 1}}
	for _, in := range synthData(11, 150, 60, 8) {
		var n int
		fmt.Sscanf(in.Item, "i%d", &n)
		in.Category = fmt.Sprintf("c%d", n%7)
		data = append(data, in)
	}
	return append(data,
		Interaction{User: "u0003", Item: itemName(5), Weight: -100},
		Interaction{User: "u0007", Item: itemName(1), Kind: "purchase", Category: "c1"},
		Interaction{User: "u0003", Item: "solo-a", Category: "solo-cat", Weight: 2},
		Interaction{User: "u0007", Item: "solo-b", Category: "solo-b-cat", Kind: "view"},
		Interaction{User: "u0003", Item: "x9-returned", Weight: 1},
		Interaction{User: "u0010", Item: "x9-returned", Weight: -1},
	)
}

// erasureConfigs are updateConfigs plus the similarities and weightings they leave out, so
// that the erasure properties cover every Similarity and both Weightings.
var erasureConfigs = append(slices.Clone(updateConfigs), []struct {
	name string
	cfg  Config
}{
	{"cooccurrence", Config{Similarity: Cooccurrence, Neighbors: 10}},
	{"asymmetric-cosine-push", Config{Similarity: AsymmetricCosine, Alpha: 0.3, Neighbors: 7, Scoring: Push}},
	{"tfidf-jaccard", Config{Similarity: Jaccard, Weighting: TFIDF, Neighbors: 10}},
	{"bm25-condprob-pull", Config{Similarity: ConditionalProbability, Weighting: BM25, Neighbors: 10, Scoring: Pull}},
}...)

func savedBytes(t *testing.T, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// histLen counts the distinct items of user in data: the affinities a model holds for the user.
func histLen(data []Interaction, user string) int {
	items := map[string]bool{}
	for _, in := range data {
		if in.User == user {
			items[in.Item] = true
		}
	}
	return len(items)
}

// TestForgetSaveEqualsRefitSave: after Forget (one user at a time) and after ForgetAll (all
// at once), Save writes exactly the bytes a fit without those users writes: no ID, item,
// category or empty slot of theirs remains, for every similarity, weighting and EASE.
func TestForgetSaveEqualsRefitSave(t *testing.T) {
	data := forgetData()
	forget := []string{"u0003", "u0007", "u0100", "u0042"}
	for _, c := range erasureConfigs {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			single, err := FitSlice(ctx, data, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			batch, _ := FitSlice(ctx, data, c.cfg)
			for k, u := range forget {
				if !single.Forget(u).Found {
					t.Fatalf("%s unknown", u)
				}
				want, err := FitSlice(ctx, without(data, forget[:k+1]...), c.cfg)
				if err != nil {
					t.Fatal(err)
				}
				if got, w := savedBytes(t, single), savedBytes(t, want); !bytes.Equal(got, w) {
					t.Fatalf("after forgetting %v: Save differs from a refit's (%d bytes, refit %d)", forget[:k+1], len(got), len(w))
				}
			}
			rep := batch.ForgetAll(forget...)
			if len(rep) != len(forget) {
				t.Fatalf("%d reports for %d users", len(rep), len(forget))
			}
			for k, r := range rep {
				if r.Person != forget[k] || !r.Found || r.Removed["affinities"] != histLen(data, forget[k]) || len(r.Removed) != 1 {
					t.Fatalf("report %d: %+v, want %s with %d affinities", k, r, forget[k], histLen(data, forget[k]))
				}
			}
			if !bytes.Equal(savedBytes(t, batch), savedBytes(t, single)) {
				t.Fatal("batch Forget saves other bytes than single Forgets")
			}
			for _, trace := range []string{"u0003", "u0007", "u0100", "u0042", "solo-a", "solo-b", "solo-cat", "solo-b-cat"} {
				if bytes.Contains(savedBytes(t, batch), []byte(trace)) {
					t.Fatalf("the saved model still holds %q", trace)
				}
			}
		})
	}
}

// TestForgetAllEqualsRefit is the batch form of TestForgetEqualsRefit: what is learned and
// what queries answer equal a refit without the users, bit for bit; duplicates and unknown IDs
// are reported (one report per given ID, in order), not erased twice.
func TestForgetAllEqualsRefit(t *testing.T) {
	data := forgetData()
	for _, c := range erasureConfigs {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			m, err := FitSlice(ctx, data, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			gone := []string{"u0042", "u0003", "u0120", "u0007", "u0011", "u0064"}
			ids := append(slices.Clone(gone), "nobody", "u0003", "nobody")
			rep := m.ForgetAll(ids...)
			var persons []string
			var found []bool
			for _, r := range rep {
				persons = append(persons, r.Person)
				found = append(found, r.Found)
				if !r.Found && r.Removed != nil {
					t.Fatalf("report for %s lists %v although nothing was held", r.Person, r.Removed)
				}
			}
			if !slices.Equal(persons, ids) || !slices.Equal(found, []bool{true, true, true, true, true, true, false, false, false}) {
				t.Fatalf("reports %+v", rep)
			}
			want, err := FitSlice(ctx, without(data, gone...), c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(snap(want), snap(m)); d != "" {
				t.Fatalf("(-refit +forgot):\n%s", d)
			}
			for _, q := range []string{"u0001", "u0050", "u0003", "new"} {
				if d := cmp.Diff(want.ForUser(q, 10, ExcludeSeen()), m.ForUser(q, 10, ExcludeSeen())); d != "" {
					t.Fatalf("ForUser(%s): %s", q, d)
				}
			}
			if d := cmp.Diff(want.SimilarItems(itemName(2), 10), m.SimilarItems(itemName(2), 10)); d != "" {
				t.Fatalf("SimilarItems: %s", d)
			}
			if !bytes.Equal(savedBytes(t, want), savedBytes(t, m)) {
				t.Fatal("Save differs from a refit's")
			}
			// Add still works on the forgotten model, and Forget after it too.
			if err := m.AddSlice([]Interaction{{User: "later", Item: itemName(3), Weight: 1}}); err != nil {
				t.Fatal(err)
			}
			if !m.Forget("later").Found {
				t.Fatal("later unknown")
			}
		})
	}
}

// TestForgetBadInput is the erasure part of the bad-input table.
func TestForgetBadInput(t *testing.T) {
	ctx := context.Background()
	data := forgetData()
	m, err := FitSlice(ctx, data, Config{})
	if err != nil {
		t.Fatal(err)
	}
	before := savedBytes(t, m)
	for _, ids := range [][]string{nil, {}, {""}, {"nobody"}, {"nobody", "nobody"}} {
		rep := m.ForgetAll(ids...)
		if len(rep) != len(ids) {
			t.Fatalf("ForgetAll(%q) = %d reports", ids, len(rep))
		}
		for k, r := range rep {
			if r.Person != ids[k] || r.Found || r.Removed != nil {
				t.Fatalf("ForgetAll(%q) = %+v, want nothing found", ids, rep)
			}
		}
		if !bytes.Equal(savedBytes(t, m), before) {
			t.Fatalf("ForgetAll(%q) changed the model", ids)
		}
	}
	if m.Forget("").Found || m.Forget("nobody").Found {
		t.Fatal("an unknown user reported forgotten")
	}
	// Twice: the second call finds nothing.
	if !m.Forget("u0003").Found || m.Forget("u0003").Found {
		t.Fatal("forgetting twice")
	}
	if rep := m.ForgetAll("u0003"); len(rep) != 1 || rep[0].Found || rep[0].Person != "u0003" {
		t.Fatalf("second erasure reported %+v", rep)
	}
	if b, err := json.Marshal(m.Forget("nobody")); err != nil || string(b) != `{"person":"nobody","found":false}` {
		t.Fatalf("unknown-person report encodes as %s, %v", b, err)
	}
	// Everybody: an empty model that still answers (nothing) and saves no ID.
	all := m.Users()
	rep := m.ForgetAll(all...)
	nFound := 0
	for _, r := range rep {
		if r.Found {
			nFound++
		}
	}
	if nFound != len(all) || m.NumUsers() != 0 || m.NumItems() != 0 || len(m.Users()) != 0 {
		t.Fatalf("after forgetting all: %d forgotten, %d users, %d items", nFound, m.NumUsers(), m.NumItems())
	}
	if got := m.ForUser("u0001", 10); len(got) != 0 {
		t.Fatalf("empty model recommends %v", got)
	}
	if got := m.SimilarItems(itemName(1), 10); len(got) != 0 {
		t.Fatalf("empty model finds similar items %v", got)
	}
	if got := m.ForBasket([]string{itemName(1)}, 10); len(got) != 0 {
		t.Fatalf("empty model completes baskets with %v", got)
	}
	file := savedBytes(t, m)
	for _, in := range data {
		if bytes.Contains(file, []byte(in.User)) || bytes.Contains(file, []byte(in.Item)) {
			t.Fatalf("the empty model's file still holds %q or %q", in.User, in.Item)
		}
	}
	// An empty model learns again.
	if err := m.AddSlice(data[:40]); err != nil {
		t.Fatal(err)
	}
	if m.NumUsers() == 0 || len(m.ForUser(data[0].User, 3)) == 0 {
		t.Fatal("the emptied model did not learn again")
	}
}

// TestForgetConcurrent forgets (singly and in batches) while other goroutines query, save and
// add: run with -race. The result equals a refit without the forgotten users.
func TestForgetConcurrent(t *testing.T) {
	ctx := context.Background()
	data := synthData(21, 200, 80, 8)
	m, err := FitSlice(ctx, data, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				u := fmt.Sprintf("u%04d", (g*61+k)%200)
				m.ForUser(u, 10, ExcludeSeen(), MaxPerCategory(2))
				m.SimilarItems(itemName(k%80), 5)
				m.ForBasket([]string{itemName(k % 80)}, 5)
				m.History(u)
				m.Neighbors(itemName(k % 80))
				m.NumItems()
				if k%20 == 0 {
					var buf bytes.Buffer
					if err := m.Save(&buf); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	var gone []string
	for k := range 10 {
		m.AddSlice([]Interaction{{User: fmt.Sprintf("x%d", k), Item: itemName(k), Weight: 1}})
		m.Forget(fmt.Sprintf("x%d", k))
		batch := []string{fmt.Sprintf("u%04d", 3*k), fmt.Sprintf("u%04d", 3*k+1)}
		m.ForgetAll(batch...)
		gone = append(gone, batch...)
		m.Forget(fmt.Sprintf("u%04d", 3*k+2))
		gone = append(gone, fmt.Sprintf("u%04d", 3*k+2))
	}
	close(stop)
	wg.Wait()
	want, _ := FitSlice(ctx, without(data, gone...), Config{})
	// The adds of x0..x9 may leave other lists approximate; users and counts must agree.
	ws, gs := snap(want), snap(m)
	if d := cmp.Diff(ws.Users, gs.Users); d != "" {
		t.Fatal(d)
	}
}

// TestQueriesRunDuringForget: while ForgetAll computes the next state, queries are answered
// (from the state before it). Before, Forget held the write lock throughout and a query waited
// for the whole erasure (seconds at 50k users).
func TestQueriesRunDuringForget(t *testing.T) {
	m, err := FitSlice(context.Background(), forgetData(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	answered := make(chan []Rec)
	m.computed = func() {
		go func() { answered <- m.ForUser("u0003", 5) }()
		select {
		case recs := <-answered:
			if len(recs) != 5 || recs[0].Source != FromNeighbors {
				t.Errorf("during Forget, u0003 got %+v, want the recommendations from before", recs)
			}
		case <-time.After(10 * time.Second):
			t.Error("a query waited for Forget's computation")
		}
	}
	if !m.Forget("u0003").Found {
		t.Fatal("u0003 unknown")
	}
	m.computed = nil
	if got := m.ForUser("u0003", 5); got[0].Source != FromPopularity {
		t.Fatalf("after Forget, u0003 is still known: %+v", got)
	}
}

// TestForgetAdversarialBound: erasing a user who holds every item (so every row is recounted)
// costs at most what a refit costs, with a generous margin for a noisy machine: under 3 fits
// plus 100 ms.
func TestForgetAdversarialBound(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	data := synthData(31, 2000, 400, 20)
	for i := range 400 {
		data = append(data, Interaction{User: "everything", Item: itemName(i), Weight: 1})
	}
	for _, cfg := range []Config{{}, {Similarity: LogLikelihood}} {
		t0 := time.Now()
		m, err := FitSlice(context.Background(), data, cfg)
		if err != nil {
			t.Fatal(err)
		}
		fit := time.Since(t0)
		t0 = time.Now()
		m.Forget("everything")
		if d := time.Since(t0); d > 3*fit+100*time.Millisecond {
			t.Errorf("%v: Forget took %v, the fit %v", cfg.Similarity, d, fit)
		}
	}
}

// TestQueriesRunDuringAdd: Add, too, computes beside the served state; a query during it sees
// the model from before.
func TestQueriesRunDuringAdd(t *testing.T) {
	m, err := FitSlice(context.Background(), forgetData(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	answered := make(chan []Scored)
	m.computed = func() {
		go func() { answered <- m.History("newcomer") }()
		select {
		case h := <-answered:
			if h != nil {
				t.Errorf("during Add, the newcomer already has %v", h)
			}
		case <-time.After(10 * time.Second):
			t.Error("a query waited for Add's computation")
		}
	}
	if err := m.AddSlice([]Interaction{{User: "newcomer", Item: itemName(2), Weight: 1}}); err != nil {
		t.Fatal(err)
	}
	m.computed = nil
	if h := m.History("newcomer"); len(h) != 1 {
		t.Fatalf("after Add: %v", h)
	}
}
