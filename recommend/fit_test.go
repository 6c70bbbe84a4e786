package recommend

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func pairs(ps ...string) []Interaction {
	var out []Interaction
	for k := 0; k < len(ps); k += 2 {
		out = append(out, Interaction{User: ps[k], Item: ps[k+1], Weight: 1})
	}
	return out
}

// handData: A{x,y,z} B{x,y} C{y,z} D{x}.
// Counts c_x = 3, c_y = 3, c_z = 2; co-occurrences C(x,y) = 2 (A,B), C(x,z) = 1 (A),
// C(y,z) = 2 (A,C).
var handData = pairs("A", "x", "A", "y", "A", "z", "B", "x", "B", "y", "C", "y", "C", "z", "D", "x")

func TestHandWorkedSimilarities(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		item string
		want []Scored
	}{
		// cosine: x~y = 2/sqrt(3*3) = 0.6667, x~z = 1/sqrt(3*2) = 0.4082
		{"cosine", Config{Similarity: Cosine}, "x", []Scored{{"y", 2.0 / 3}, {"z", 1 / math.Sqrt(6)}}},
		// cosine, shrink 1: z~y = 2/(sqrt(6)+1) = 0.5798, z~x = 1/(sqrt(6)+1) = 0.2899
		{"cosine-shrink", Config{Similarity: Cosine, Shrink: 1}, "z", []Scored{{"y", 2 / (math.Sqrt(6) + 1)}, {"x", 1 / (math.Sqrt(6) + 1)}}},
		// jaccard: y~z = 2/(3+2-2) = 0.6667, y~x = 2/(3+3-2) = 0.5
		{"jaccard", Config{Similarity: Jaccard}, "y", []Scored{{"z", 2.0 / 3}, {"x", 0.5}}},
		// lift: z~y = 2/(2*3) = 0.3333, z~x = 1/(2*3) = 0.1667
		{"lift", Config{Similarity: Lift}, "z", []Scored{{"y", 1.0 / 3}, {"x", 1.0 / 6}}},
		// conditional probability P(j|x): y 2/3, z 1/3
		{"condprob", Config{Similarity: ConditionalProbability}, "x", []Scored{{"y", 2.0 / 3}, {"z", 1.0 / 3}}},
		// asymmetric cosine alpha 0.3: x~y = 2/(3^0.3 * 3^0.7) = 2/3, x~z = 1/(3^0.3 * 2^0.7) = 0.44273
		{"asym", Config{Similarity: AsymmetricCosine, Alpha: 0.3}, "x", []Scored{{"y", 2.0 / 3}, {"z", 1 / (math.Pow(3, 0.3) * math.Pow(2, 0.7))}}},
		// RP3beta alpha 1, beta 0.5: W(x,y) = (1/3)(1/|h_A| + 1/|h_B|)(1/sqrt 3) = (1/3)(1/3+1/2)/sqrt3
		// = 0.16038; W(x,z) = (1/3)(1/3)(1/sqrt 2) = 0.078567
		{"rp3", Config{Similarity: RP3Beta, Alpha: 1, Beta: 0.5}, "x", []Scored{{"y", (1.0 / 3) * (1.0/3 + 0.5) / math.Sqrt(3)}, {"z", (1.0 / 9) / math.Sqrt(2)}}},
		// cooccurrence with MinSupport 2: x keeps only y (C = 2), z (C = 1) is dropped
		{"minsupport", Config{Similarity: Cooccurrence, MinSupport: 2}, "x", []Scored{{"y", 2}}},
		// Neighbors 1 keeps the best only
		{"top1", Config{Similarity: Cosine, Neighbors: 1}, "x", []Scored{{"y", 2.0 / 3}}},
	}
	for _, c := range cases {
		m, err := FitSlice(context.Background(), handData, c.cfg)
		if err != nil {
			t.Fatal(c.name, err)
		}
		got := m.Neighbors(c.item)
		if d := cmp.Diff(c.want, got, cmp.Comparer(func(a, b float64) bool { return near(a, b, 1e-14) })); d != "" {
			t.Errorf("%s: %s", c.name, d)
		}
	}
}

// Equal similarities are ordered by item ID, whatever order the items arrive in.
func TestTiesBrokenByID(t *testing.T) {
	// q co-occurs once with each of c, a, b (each with one user): equal cosine 1/sqrt(3*1).
	data := pairs("U1", "q", "U1", "c", "U2", "q", "U2", "a", "U3", "q", "U3", "b")
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 3, 0, 1, 4, 5}} {
		var in []Interaction
		for _, k := range order {
			in = append(in, data[k])
		}
		m, err := FitSlice(context.Background(), in, Config{Similarity: Cosine, Neighbors: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Neighbors("q"); len(got) != 2 || got[0].Item != "a" || got[1].Item != "b" {
			t.Fatalf("order %v: %v, want a then b", order, got)
		}
	}
}

// TestBadInput is the table of bad inputs and their exact behaviour.
func TestBadInput(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		in   []Interaction
		cfg  Config
		want error
	}{
		{"empty set", nil, Config{}, ErrEmpty},
		{"only zero weights", []Interaction{{User: "u", Item: "i", Kind: "impression"}}, Config{}, ErrEmpty},
		{"only returns", []Interaction{{User: "u", Item: "i", Weight: -1}}, Config{}, ErrEmpty},
		{"NaN weight", []Interaction{{User: "u", Item: "i", Weight: math.NaN()}}, Config{}, ErrInteraction},
		{"Inf weight", []Interaction{{User: "u", Item: "i", Weight: math.Inf(-1)}}, Config{}, ErrInteraction},
		{"empty user", []Interaction{{Item: "i", Weight: 1}}, Config{}, ErrInteraction},
		{"empty item", []Interaction{{User: "u", Weight: 1}}, Config{}, ErrInteraction},
		{"negative neighbors", handData, Config{Neighbors: -1}, ErrConfig},
		{"NaN shrink", handData, Config{Shrink: math.NaN()}, ErrConfig},
		{"alpha > 1", handData, Config{Similarity: AsymmetricCosine, Alpha: 2}, ErrConfig},
		{"llr + weighting", handData, Config{Similarity: LogLikelihood, Weighting: BM25}, ErrConfig},
		{"unknown similarity", handData, Config{Similarity: 99}, ErrConfig},
		{"NaN kind weight", handData, Config{KindWeights: map[string]float64{"view": math.NaN()}}, ErrConfig},
		{"negative half-life", handData, Config{HalfLife: -time.Hour}, ErrConfig},
		{"EASE too big", handData, Config{Algorithm: EASE, EASEMaxItems: 2}, ErrTooManyItems},
		{"EASE with pull", handData, Config{Algorithm: EASE, Scoring: Pull}, ErrConfig},
		{"unknown scoring", handData, Config{Scoring: 7}, ErrConfig},
		{"unknown algorithm", handData, Config{Algorithm: 5}, ErrConfig},
		{"unknown weighting", handData, Config{Weighting: 9}, ErrConfig},
	}
	for _, c := range cases {
		m, err := FitSlice(ctx, c.in, c.cfg)
		if !errors.Is(err, c.want) || m != nil {
			t.Errorf("%s: got (%v, %v), want error %v", c.name, m, err, c.want)
		}
	}
	// The error names the record (1-based) and the field.
	_, err := FitSlice(ctx, []Interaction{{User: "u", Item: "i", Weight: 1}, {User: "u", Item: "j", Weight: math.NaN()}}, Config{})
	if err == nil || err.Error() != "recommend: bad interaction: record 2: field Weight = NaN is not finite" {
		t.Errorf("got %v", err)
	}
}

func TestCancelledFitReturnsNoModel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, cfg := range []Config{{}, {Algorithm: EASE}} {
		m, err := FitSlice(ctx, handData, cfg)
		if !errors.Is(err, context.Canceled) || m != nil {
			t.Fatalf("got (%v, %v)", m, err)
		}
	}
	// Cancelled from the progress callback midway through the neighbours.
	data := synthData(1, 300, 200, 15)
	ctx, cancel = context.WithCancel(context.Background())
	calls := 0
	m, err := FitSlice(ctx, data, Config{Workers: 1, Progress: func(done, total int) {
		calls++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) || m != nil || calls == 0 {
		t.Fatalf("got (%v, %v) after %d progress calls", m, err, calls)
	}
}

// Progress never goes back and ends at its total: the items for ItemKNN, the 3 stages of EASE.
func TestProgressReachesTotal(t *testing.T) {
	data := synthData(2, 200, 300, 10)
	for _, c := range []struct {
		cfg       Config
		wantTotal func(*Model) int
	}{
		{Config{}, (*Model).NumItems},
		{Config{Algorithm: EASE}, func(*Model) int { return 3 }},
	} {
		last, total, calls := -1, -1, 0
		c.cfg.Progress = func(d, n int) {
			calls++
			if d < last || d > n || (total >= 0 && n != total) {
				t.Errorf("%v: progress (%d, %d) after (%d, %d)", c.cfg.Algorithm, d, n, last, total)
			}
			last, total = d, n
		}
		m, err := FitSlice(context.Background(), data, c.cfg)
		if err != nil || calls == 0 || last != total || total != c.wantTotal(m) {
			t.Fatalf("%v: err %v, %d calls, last %d of %d", c.cfg.Algorithm, err, calls, last, total)
		}
	}
}

// Duplicates add up; returns reduce an affinity but never below zero; kinds are weighed.
func TestAffinities(t *testing.T) {
	in := []Interaction{
		{User: "u", Item: "a", Weight: 2},
		{User: "u", Item: "a", Weight: 3},    // duplicates add: a = 5
		{User: "u", Item: "b", Weight: 1},    //
		{User: "u", Item: "b", Weight: -4},   // return larger than the affinity: b = 0, not -3
		{User: "u", Item: "c", Kind: "view"}, // DefaultKindWeights: view 1
		{User: "u", Item: "c", Kind: "purchase"},
		{User: "u", Item: "d", Kind: "impression"}, // unknown kind counts 0 and is dropped
		{User: "v", Item: "a", Weight: 1},
	}
	m, err := FitSlice(context.Background(), in, Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Scored{{"a", 5}, {"b", 0}, {"c", 6}}
	if d := cmp.Diff(want, m.History("u")); d != "" {
		t.Fatal(d)
	}
	// b has no positive affinity, so it is no one's neighbour and has no users.
	if m.ItemUsers("b") != 0 || m.ItemUsers("a") != 2 {
		t.Fatalf("item users b=%d a=%d", m.ItemUsers("b"), m.ItemUsers("a"))
	}
}

// Event kinds: the default return (-5) cancels a purchase (5); a custom KindWeights replaces
// the defaults (a kind it does not list counts 0); an explicit Weight wins over the Kind.
func TestKindWeights(t *testing.T) {
	in := []Interaction{
		{User: "u", Item: "a", Kind: "purchase"},
		{User: "u", Item: "a", Kind: "return"},                      // defaults: 5 - 5 = 0
		{User: "u", Item: "b", Kind: "add_to_cart"},                 // defaults: 3
		{User: "u", Item: "b", Kind: "remove_from_cart"},            // defaults: 3 - 2 = 1
		{User: "u", Item: "c", Kind: "view", Weight: 7},             // explicit weight: 7
		{User: "u", Item: "d", Kind: "purchase"},                    // defaults: 5
		{User: "v", Item: "d", Kind: "wishlist"},                    // unknown to the defaults: dropped
		{User: "v", Item: "c", Kind: "wishlist", Weight: 0.5},       // explicit: 0.5
		{User: "v", Item: "a", Kind: "return", Weight: -0.25},       // explicit negative: v's a = 0
		{User: "v", Item: "b", Kind: "view"},                        // defaults: 1
		{User: "v", Item: "b", Kind: "checkout", Time: time.Time{}}, // defaults: 1 + 3 = 4
	}
	m, err := FitSlice(context.Background(), in, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string][]Scored{
		"u": {{"a", 0}, {"b", 1}, {"c", 7}, {"d", 5}},
		"v": {{"a", 0}, {"b", 4}, {"c", 0.5}},
	} {
		if d := cmp.Diff(want, m.History(user)); d != "" {
			t.Errorf("defaults, %s: %s", user, d)
		}
	}
	// Custom weights: wishlist 2, purchase 10; view, return and the rest are not listed: 0.
	m, err = FitSlice(context.Background(), in, Config{KindWeights: map[string]float64{"wishlist": 2, "purchase": 10}})
	if err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string][]Scored{
		"u": {{"a", 10}, {"c", 7}, {"d", 10}},
		"v": {{"a", 0}, {"c", 0.5}, {"d", 2}},
	} {
		if d := cmp.Diff(want, m.History(user)); d != "" {
			t.Errorf("custom, %s: %s", user, d)
		}
	}
}

// Time decay: w * 0.5^(age / half-life), age from Config.Now, clipped at 1 for the future.
func TestDecay(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	in := []Interaction{
		{User: "u", Item: "a", Weight: 4, Time: now.Add(-30 * 24 * time.Hour)}, // one half-life: 2
		{User: "u", Item: "b", Weight: 4, Time: now.Add(-60 * 24 * time.Hour)}, // two: 1
		{User: "u", Item: "c", Weight: 4, Time: now.Add(24 * time.Hour)},       // future: 4
		{User: "u", Item: "d", Weight: 4},                                      // no time: 4
	}
	m, err := FitSlice(context.Background(), in, Config{HalfLife: 30 * 24 * time.Hour, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []Scored{{"a", 2}, {"b", 1}, {"c", 4}, {"d", 4}}
	if d := cmp.Diff(want, m.History("u")); d != "" {
		t.Fatal(d)
	}
	// Without Now, the reference is the latest interaction (c): a is 31 days old.
	m, _ = FitSlice(context.Background(), in, Config{HalfLife: 30 * 24 * time.Hour})
	if got, want := m.History("u")[0].Score, 4*math.Exp2(-31.0/30); !near(got, want, 1e-14) {
		t.Fatalf("a = %v, want %v", got, want)
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	data := synthData(3, 400, 150, 12)
	var ref []Scored
	for _, w := range []int{1, 2, 7} {
		m, err := FitSlice(context.Background(), data, Config{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		var all []Scored
		for i := range 150 {
			all = append(all, m.Neighbors(itemName(i))...)
		}
		if ref == nil {
			ref = all
		} else if !slices.Equal(ref, all) {
			t.Fatalf("workers %d changed the neighbours", w)
		}
	}
}

// The model owns its KindWeights: editing the map given to Fit, the one Config returns or
// a DefaultKindWeights() table afterwards does not change how Add weighs events.
func TestKindWeightsCopied(t *testing.T) {
	ctx := context.Background()
	given := map[string]float64{"purchase": 2}
	m, err := FitSlice(ctx, []Interaction{{User: "u", Item: "a", Kind: "purchase"}}, Config{KindWeights: given})
	if err != nil {
		t.Fatal(err)
	}
	d, err := FitSlice(ctx, []Interaction{{User: "u", Item: "a", Kind: "purchase"}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	given["purchase"] = 100
	m.Config().KindWeights["purchase"] = 100
	DefaultKindWeights()["purchase"] = 100
	d.Config().KindWeights["purchase"] = 100
	for _, c := range []struct {
		m    *Model
		want float64 // a purchase, then another one added
	}{{m, 2 + 2}, {d, 5 + 5}} {
		if err := c.m.AddSlice([]Interaction{{User: "u", Item: "a", Kind: "purchase"}}); err != nil {
			t.Fatal(err)
		}
		if h := c.m.History("u"); len(h) != 1 || h[0].Score != c.want {
			t.Errorf("history %v, want a = %v", h, c.want)
		}
	}
}

// Fit ranges over the input on a goroutine of its own; a panic of the host's iterator still
// reaches the caller, where it can be recovered, instead of killing the process.
func TestIteratorPanicReachesCaller(t *testing.T) {
	seq := func(yield func(Interaction) bool) {
		for k := range 10000 {
			if !yield(Interaction{User: "u", Item: itemName(k), Weight: 1}) {
				return
			}
		}
		panic("database went away")
	}
	defer func() {
		if p := recover(); p != "database went away" {
			t.Fatalf("recovered %v", p)
		}
	}()
	Fit(context.Background(), seq, Config{})
	t.Fatal("Fit returned")
}

// Input grouped by user takes a path that sorts each history where it was read; other input is
// gathered by user first. Both must learn the same model bit for bit, also when one user's run
// is longer than a block (blocks start at 1,024 records) and when a pair's duplicates have
// weights whose float sum depends on their order (0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1): the
// sum is in input order either way.
func TestGroupedAndInterleavedInputAgree(t *testing.T) {
	grouped := synthData(8, 600, 200, 20)
	long := make([]Interaction, 0, 5000)
	for k := range 5000 {
		long = append(long, Interaction{User: "zlong", Item: itemName(k % 150), Weight: []float64{0.1, 0.2, 0.3, 0.7}[k%4],
			Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * time.Hour)})
	}
	half := len(grouped) / 2
	for grouped[half].User == grouped[half-1].User {
		half++ // split between two users
	}
	grouped = append(append(grouped[:half:half], long...), grouped[half:]...)
	for _, w := range []float64{0.1, 0.2, 0.3} {
		grouped = append(grouped, Interaction{User: "zdup", Item: itemName(3), Weight: w})
	}
	// Interleave: round-robin over users, each user's records in their original order.
	byUser := map[string][]Interaction{}
	var order []string
	for _, in := range grouped {
		if _, ok := byUser[in.User]; !ok {
			order = append(order, in.User)
		}
		byUser[in.User] = append(byUser[in.User], in)
	}
	var interleaved []Interaction
	for left := true; left; {
		left = false
		for _, u := range order {
			if h := byUser[u]; len(h) > 0 {
				interleaved = append(interleaved, h[0])
				byUser[u] = h[1:]
				left = true
			}
		}
	}
	for data, want := range map[*[]Interaction]bool{&grouped: true, &interleaved: false} {
		c, err := newModel(Config{}).ingest(context.Background(), slices.Values(*data), &FitReport{})
		if err != nil || c.grouped != want || len(c.blocks) < 4 {
			t.Fatalf("ingest: grouped = %v, want %v; %d blocks (want several); %v", c.grouped, want, len(c.blocks), err)
		}
	}
	decay := Config{HalfLife: 30 * 24 * time.Hour, Now: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)}
	for _, cfg := range []Config{{}, {Similarity: Cosine, Weighting: BM25, Neighbors: 20}, decay} {
		a, err := FitSlice(context.Background(), grouped, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := FitSlice(context.Background(), interleaved, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(snap(a), snap(b)); d != "" {
			t.Fatalf("grouped and interleaved input disagree (-grouped +interleaved):\n%s", d)
		}
		want, reversed := 0.0, 0.0
		for k, w := range []float64{0.1, 0.2, 0.3} {
			want += w                               // in float64, as the fit sums: 0.6000000000000001
			reversed += []float64{0.3, 0.2, 0.1}[k] // 0.6
		}
		if got := a.History("zdup")[0].Score; cfg.HalfLife == 0 && (got != want || want == reversed) {
			t.Fatalf("duplicates summed to %v, want %v (input order)", got, want)
		}
	}
}

// DefaultKindWeights returns a fresh table each call: editing one leaves the next (and every
// default fit) as documented. The values are the documented defaults.
func TestDefaultKindWeightsFresh(t *testing.T) {
	a := DefaultKindWeights()
	a["purchase"] = 100
	delete(a, "view")
	b := DefaultKindWeights()
	want := map[string]float64{"view": 1, "click": 1, "add_to_cart": 3, "remove_from_cart": -2, "checkout": 3, "purchase": 5, "rating": 1, "return": -5}
	if !maps.Equal(b, want) {
		t.Errorf("DefaultKindWeights() = %v after editing an earlier copy, want %v", b, want)
	}
}
