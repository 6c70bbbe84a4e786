package recommend

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/internal/textio"
)

// The bad-input table for weights: every value outside the module's magnitude bound (finite,
// |w| <= 1e15) is refused by Fit, Add and ReadTSV with an error naming the record or line and
// the field, and skipped by ForHistory; the values inside are accepted.
var (
	refusedWeights = []float64{1e308, -1e308, math.MaxFloat64, 1 << 53, -(1 << 53), 1 << 62,
		math.Nextafter(textio.MaxMagnitude, math.Inf(1)), math.NaN(), math.Inf(1), math.Inf(-1)}
	acceptedWeights = []float64{textio.MaxMagnitude, -textio.MaxMagnitude, 5e-324, -5e-324, 1e-300, 2.5}
)

// TestWeightOutOfRangeRefused is the regression test for "two weights of 1e308 on one pair
// give affinity +Inf, Save succeeds and Load rejects the file": before, Fit accepted them.
func TestWeightOutOfRangeRefused(t *testing.T) {
	ctx := context.Background()
	// The case.
	if m, err := FitSlice(ctx, []Interaction{{User: "u", Item: "i", Weight: 1e308}, {User: "u", Item: "i", Weight: 1e308}}, Config{}); !errors.Is(err, ErrInteraction) || m != nil {
		t.Fatalf("two weights of 1e308: got (%v, %v), want ErrInteraction", m, err)
	}
	base, err := FitSlice(ctx, handData, Config{})
	if err != nil {
		t.Fatal(err)
	}
	before := saved(t, base)
	for _, w := range refusedWeights {
		in := []Interaction{{User: "u", Item: "x", Weight: 1}, {User: "u", Item: "y", Weight: w}}
		_, err := FitSlice(ctx, in, Config{})
		if !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), "record 2: field Weight") {
			t.Errorf("Fit with weight %v: %v", w, err)
		}
		if err := base.AddSlice(in); !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), "record 2: field Weight") {
			t.Errorf("Add with weight %v: %v", w, err)
		}
		// ForHistory skips the bad record: the answer is the one without it.
		want := base.ForHistory(in[:1], 3)
		if got := base.ForHistory(in, 3); !cmp.Equal(got, want) {
			t.Errorf("ForHistory with weight %v: %v, want %v", w, got, want)
		}
		// ReadTSV: the bad line is an error naming line and field, the good lines go on.
		text := "a\tb\t1\nu\ty\t" + strconv.FormatFloat(w, 'g', -1, 64) + "\nc\td\t2\n"
		var good int
		var rowErr *RowError
		for _, err := range ReadTSV(strings.NewReader(text)) {
			if err == nil {
				good++
			} else if !errors.As(err, &rowErr) {
				t.Fatalf("ReadTSV %v: %v is not a RowError", w, err)
			}
		}
		if good != 2 || rowErr == nil || rowErr.Line != 2 || rowErr.Field != "weight" {
			t.Errorf("ReadTSV weight %v: %d good rows, error %v", w, good, rowErr)
		}
		if isFinite(w) && !errors.Is(rowErr, ErrInteraction) {
			t.Errorf("ReadTSV weight %v: %v does not wrap ErrInteraction", w, rowErr)
		}
	}
	if !bytes.Equal(before, saved(t, base)) {
		t.Fatal("a refused Add changed the model")
	}
	for _, w := range acceptedWeights {
		in := []Interaction{{User: "u", Item: "x", Weight: 1}, {User: "u", Item: "y", Weight: w}}
		if _, err := FitSlice(ctx, in, Config{}); err != nil {
			t.Errorf("Fit with weight %v: %v", w, err)
		}
		for r, err := range ReadTSV(strings.NewReader("u\ty\t" + strconv.FormatFloat(w, 'g', -1, 64) + "\n")) {
			if err != nil || r.Weight != w {
				t.Errorf("ReadTSV weight %v: %v, %v", w, r.Weight, err)
			}
		}
	}
	// A kind whose configured weight is out of range: the record naming it is refused.
	_, err = FitSlice(ctx, []Interaction{{User: "u", Item: "x", Kind: "huge"}}, Config{KindWeights: map[string]float64{"huge": 1e308}})
	if !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), `record 1: field Kind = "huge"`) {
		t.Errorf("kind weight 1e308: %v", err)
	}
}

// The bad-input table for times: the zero Time counts as the reference time, a time after the
// reference time counts one unit (no growth), and a time beyond ±2^40 s is refused (Fit, Add)
// or a RowError (ReadTSV's unix_seconds, which also refuses what is not an integer).
func TestTimesZeroFutureAndOutOfRange(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	m, err := FitSlice(ctx, []Interaction{
		{User: "u", Item: "zero", Weight: 2},                                // zero Time: no decay
		{User: "u", Item: "future", Weight: 2, Time: now.Add(400 * day)},    // after Now: clipped at 1 unit
		{User: "u", Item: "old", Weight: 2, Time: now.Add(-2 * day)},        // two half-lives: a quarter
		{User: "u", Item: "ancient", Weight: 2, Time: time.Unix(-1<<40, 0)}, // decays to 0
	}, Config{HalfLife: day, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []Scored{{"ancient", 0}, {"future", 2}, {"old", 0.5}, {"zero", 2}}
	if d := cmp.Diff(want, m.History("u")); d != "" {
		t.Fatal(d)
	}
	for _, tm := range []time.Time{time.Unix(1<<40+1, 0), time.Unix(-1<<40-1, 0), time.Unix(1<<62, 0), time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		in := []Interaction{{User: "u", Item: "x", Weight: 1, Time: tm}}
		if _, err := FitSlice(ctx, in, Config{HalfLife: day}); !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), "record 1: field Time") {
			t.Errorf("Fit with time %v: %v", tm, err)
		}
		if err := m.AddSlice(in); !errors.Is(err, ErrInteraction) {
			t.Errorf("Add with time %v: %v", tm, err)
		}
	}
	for _, field := range []string{"1e308", "5e-324", "9007199254740992", "4611686018427387904", "NaN", "Inf", "-Inf", "1099511627777"} {
		var rowErr *RowError
		for _, err := range ReadTSV(strings.NewReader("u\tx\t1\t" + field + "\n")) {
			errors.As(err, &rowErr)
		}
		if rowErr == nil || rowErr.Field != "unix_seconds" {
			t.Errorf("unix_seconds %s: %v", field, rowErr)
		}
	}
}

// TestAcceptedExtremesStayFinite: with the largest accepted weights piled on one pair (3,000
// records of +1e15), weights of -1e15 and 5e-324, and the model then grown by Add and Merge,
// every affinity, neighbour weight and score stays finite, and Save then Load round-trips
// byte for byte, for every configuration. (An affinity is at most records x 1e15 in
// magnitude; overflow would need about 1.8e293 records.)
func TestAcceptedExtremesStayFinite(t *testing.T) {
	ctx := context.Background()
	big := textio.MaxMagnitude
	var data []Interaction
	for k := range 3000 {
		data = append(data, Interaction{User: "heavy", Item: itemName(k % 2), Weight: big, Category: "c"})
	}
	data = append(data, synthData(41, 60, 30, 5)...)
	data = append(data,
		Interaction{User: "u0001", Item: itemName(3), Weight: -big},
		Interaction{User: "u0002", Item: itemName(4), Weight: 5e-324},
		Interaction{User: "u0003", Item: itemName(5), Weight: big, Time: time.Unix(1<<40, 0)},
		Interaction{User: "u0004", Item: itemName(6), Weight: big, Time: time.Unix(-1<<40, 0)})
	more := []Interaction{{User: "heavy", Item: itemName(0), Weight: big}, {User: "new", Item: itemName(0), Weight: big}, {User: "new", Item: itemName(1), Weight: big}}
	for _, c := range updateConfigs {
		t.Run(c.name, func(t *testing.T) {
			m, err := FitSlice(ctx, data, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			other, err := FitSlice(ctx, data, c.cfg) // the same users again: affinities double
			if err != nil {
				t.Fatal(err)
			}
			if err := m.AddSlice(more); err != nil {
				t.Fatal(err)
			}
			if err := m.Merge(ctx, other); err != nil {
				t.Fatal(err)
			}
			// Without decay the sums are exact (multiples of 1e15 below 2^18 * 1e15 are):
			// 1500 records, one from Add, 1500 from the merged copy.
			if h := m.History("heavy"); c.cfg.HalfLife == 0 && h[0] != (Scored{itemName(0), 3001 * big}) {
				t.Fatalf("heavy affinity %v, want %v", h[0], 3001*big)
			}
			assertFiniteModel(t, m)
			b := saved(t, m)
			l, err := Load(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, saved(t, l)) {
				t.Fatal("save(load(save(m))) differs")
			}
			assertFiniteModel(t, l)
		})
	}
}

// assertFiniteModel checks every stored number and the scores of queries for every user.
func assertFiniteModel(t *testing.T, m *Model) {
	t.Helper()
	for u, h := range m.hist {
		for _, e := range h {
			if !isFinite(e.Raw) {
				t.Fatalf("user %q item %q affinity %v", m.userIDs[u], m.itemIDs[e.Item], e.Raw)
			}
		}
	}
	for i, r := range m.rows {
		for _, n := range r {
			if !isFinite(n.Sim) {
				t.Fatalf("item %q neighbour weight %v", m.itemIDs[i], n.Sim)
			}
		}
	}
	users := m.Users()
	for _, u := range users {
		for _, r := range m.ForUser(u, 5, Explain(1)) {
			if !isFinite(r.Score) {
				t.Fatalf("ForUser(%q) score %v", u, r.Score)
			}
		}
	}
	for _, r := range m.ForHistory([]Interaction{{Item: itemName(0), Weight: textio.MaxMagnitude}, {Item: itemName(1), Weight: textio.MaxMagnitude}}, 5) {
		if !isFinite(r.Score) {
			t.Fatalf("ForHistory score %v", r.Score)
		}
	}
}

// TestSaveRefusesNonFinite: the second line of defence. A model holding an infinite value
// (which no accepted input produces; here planted directly) is not saved and nothing is
// written; before, Save wrote a file that Load then rejected.
func TestSaveRefusesNonFinite(t *testing.T) {
	for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		for _, where := range []string{"affinity", "neighbour"} {
			m, err := FitSlice(context.Background(), handData, Config{})
			if err != nil {
				t.Fatal(err)
			}
			switch where {
			case "affinity":
				m.hist[m.userIdx["B"]][0].Raw = bad
			case "neighbour":
				m.rows[m.itemIdx["x"]][0].Sim = bad
			}
			var buf bytes.Buffer
			err = m.Save(&buf)
			if !errors.Is(err, ErrFormat) || buf.Len() != 0 {
				t.Errorf("%s %v: Save gave %v and wrote %d bytes", where, bad, err, buf.Len())
			}
			if err != nil && !strings.Contains(err.Error(), `item "`) {
				t.Errorf("%s %v: error %q does not say where", where, bad, err)
			}
		}
	}
}

// A Merge whose summed affinity would overflow (only models loaded from files holding values
// near math.MaxFloat64 can get there) is refused before anything changes.
func TestMergeOverflowRefused(t *testing.T) {
	ctx := context.Background()
	a, _ := FitSlice(ctx, handData, Config{})
	b, _ := FitSlice(ctx, handData, Config{})
	for _, m := range []*Model{a, b} {
		m.hist[m.userIdx["A"]][0].Raw = math.MaxFloat64
	}
	before := snap(a)
	err := a.Merge(ctx, b)
	if !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), `user "A"`) {
		t.Fatalf("got %v", err)
	}
	if d := cmp.Diff(before, snap(a)); d != "" {
		t.Fatal(d)
	}
}
