package recommend

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// TestReadTSVQuotesAndLongLines: a quote has no meaning in the TSV format, so an unterminated
// one cannot swallow the lines after it; a line over 1 MiB is one RowError and the reader
// resynchronises at the next line.
func TestReadTSVQuotesAndLongLines(t *testing.T) {
	var in strings.Builder
	in.WriteString("u1\t\"WHITE HANGING HEART,\t1\n")
	in.WriteString("u2\t" + strings.Repeat("x", textio.MaxLineBytes+10) + "\t1\n")
	for range 1000 {
		in.WriteString("u3\ti\t1\n")
	}
	good, bad := 0, 0
	var first Interaction
	for r, err := range ReadTSV(strings.NewReader(in.String())) {
		if err != nil {
			bad++
			if !errors.Is(err, textio.ErrLineTooLong) {
				t.Fatalf("unexpected error %v", err)
			}
			continue
		}
		if good == 0 {
			first = r
		}
		good++
	}
	if good != 1001 || bad != 1 || first.Item != "\"WHITE HANGING HEART," {
		t.Fatalf("%d good, %d bad, first %+v", good, bad, first)
	}
}

// TestBadInteractionsTable: empty IDs are errors naming the record and field in Fit and Add
// and are skipped by ForHistory; a duplicate record sums; a kind the weights do not list adds
// nothing (and input with nothing else is ErrEmpty).
func TestBadInteractionsTable(t *testing.T) {
	ctx := context.Background()
	m, err := FitSlice(ctx, handData, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in    Interaction
		field string
	}{
		{Interaction{Item: "x", Weight: 1}, "field User is empty"},
		{Interaction{User: "u", Weight: 1}, "field Item is empty"},
	} {
		in := []Interaction{{User: "u", Item: "x", Weight: 1}, c.in}
		if _, err := FitSlice(ctx, in, Config{}); !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), "record 2: "+c.field) {
			t.Errorf("Fit %+v: %v", c.in, err)
		}
		if err := m.AddSlice(in); !errors.Is(err, ErrInteraction) || !strings.Contains(err.Error(), "record 2: "+c.field) {
			t.Errorf("Add %+v: %v", c.in, err)
		}
	}
	// ForHistory ignores the User field and skips a record without an item.
	want := m.ForHistory([]Interaction{{Item: "x", Weight: 1}}, 3)
	got := m.ForHistory([]Interaction{{Item: "x", Weight: 1}, {Weight: 5}, {User: "", Item: "", Kind: "purchase"}}, 3)
	if !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Errorf("ForHistory with empty items: %v, want %v", got, want)
	}
	// Duplicates sum; an unknown kind adds nothing.
	d, err := FitSlice(ctx, []Interaction{{User: "u", Item: "x", Weight: 1}, {User: "u", Item: "x", Weight: 1}, {User: "u", Item: "x", Kind: "purchase"},
		{User: "u", Item: "y", Kind: "no-such-kind"}, {User: "v", Item: "x", Weight: 1}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if h := d.History("u"); len(h) != 1 || h[0] != (Scored{"x", 7}) {
		t.Errorf("history %v, want x: 7 and no y", h)
	}
	if _, err := FitSlice(ctx, []Interaction{{User: "u", Item: "y", Kind: "impression"}}, Config{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("only unknown kinds: %v", err)
	}
}

// TestDegenerateData: all records identical, one record, and no repeaters (every user one
// item, every item one user) fit, answer from popularity, save, load and merge.
func TestDegenerateData(t *testing.T) {
	ctx := context.Background()
	identical := make([]Interaction, 500)
	for k := range identical {
		identical[k] = Interaction{User: "u", Item: "x", Weight: 1}
	}
	var noRepeat []Interaction
	for k := range 200 {
		noRepeat = append(noRepeat, Interaction{User: "u" + itemName(k), Item: itemName(k), Weight: 1})
	}
	sets := map[string][]Interaction{"identical": identical, "one record": identical[:1], "no repeaters": noRepeat}
	for name, data := range sets {
		for _, c := range updateConfigs {
			m, err := FitSlice(ctx, data, c.cfg)
			if err != nil {
				t.Fatalf("%s %s: %v", name, c.name, err)
			}
			for _, r := range m.ForUser(data[0].User, 3) {
				if r.Source != FromPopularity {
					t.Errorf("%s %s: %+v scored by neighbours without co-occurrence", name, c.name, r)
				}
			}
			if len(m.Neighbors(data[0].Item)) != 0 {
				t.Errorf("%s %s: neighbours without co-occurrence", name, c.name)
			}
			b := saved(t, m)
			l, err := Load(bytes.NewReader(b))
			if err != nil || !bytes.Equal(b, saved(t, l)) {
				t.Fatalf("%s %s: round trip: %v", name, c.name, err)
			}
			if err := l.Merge(ctx, m); err != nil {
				t.Fatalf("%s %s: merge: %v", name, c.name, err)
			}
		}
	}
}

// TestMergeHonoursContext: a cancelled Merge returns within 100 ms of the cancellation.
func TestMergeHonoursContext(t *testing.T) {
	if testing.Short() {
		t.Skip("fits a model of 4,000 users")
	}
	data := synthData(61, 4000, 3000, 40)
	var a, b []Interaction
	for _, in := range data {
		if in.User < "u2000" {
			a = append(a, in)
		} else {
			b = append(b, in)
		}
	}
	cfg := Config{}
	ma, err := FitSlice(context.Background(), a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := FitSlice(context.Background(), b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ma.Merge(ctx, mb) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		if took := time.Since(cancelled); took > 100*time.Millisecond {
			t.Fatalf("Merge returned %v after the cancellation", took)
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Merge finished before the cancellation (%v): make the data larger", err)
		}
		t.Logf("returned %v after the cancellation", time.Since(cancelled))
	case <-time.After(5 * time.Second):
		t.Fatal("Merge ignored the cancellation for 5 s")
	}
}
