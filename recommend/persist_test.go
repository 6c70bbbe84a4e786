package recommend

import (
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func saved(t testing.TB, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSaveLoadRoundTrip(t *testing.T) {
	data := synthData(21, 120, 50, 8)
	data = append(data, Interaction{User: "u0001", Item: itemName(3), Weight: -50, Category: "c1"},
		Interaction{User: "u0002", Item: itemName(4), Kind: "purchase", Category: "c2"})
	for _, c := range updateConfigs {
		t.Run(c.name, func(t *testing.T) {
			m, err := FitSlice(context.Background(), data, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			m.Forget("u0005") // a forgotten user's empty slot must survive too
			b := saved(t, m)
			l, err := Load(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, saved(t, l)) {
				t.Fatal("save(load(save(m))) differs from save(m)")
			}
			if d := cmp.Diff(snap(m), snap(l)); d != "" {
				t.Fatal(d)
			}
			for _, u := range []string{"u0001", "u0002", "u0050", "unknown"} {
				opts := []Option{ExcludeSeen(), MaxPerCategory(1), Explain(2)}
				if d := cmp.Diff(m.ForUser(u, 8, opts...), l.ForUser(u, 8, opts...)); d != "" {
					t.Fatal(u, d)
				}
			}
			// Add works on a loaded model the same way.
			add := []Interaction{{User: "z", Item: itemName(1), Weight: 1, Time: time.Unix(1.7e9, 0)}, {User: "z", Item: itemName(2), Weight: 1}}
			m.AddSlice(add)
			l.AddSlice(add)
			if !bytes.Equal(saved(t, m), saved(t, l)) {
				t.Fatal("Add diverged after Load")
			}
		})
	}
}

// TestLoadBadFiles is the table of bad model files: each gives ErrFormat, none panics.
func TestLoadBadFiles(t *testing.T) {
	m, _ := FitSlice(context.Background(), handData, Config{})
	good := saved(t, m)
	flip := func(k int) []byte {
		b := bytes.Clone(good)
		b[k] ^= 0x40
		return b
	}
	cases := map[string][]byte{
		"empty":          nil,
		"magic only":     []byte(fileMagic),
		"wrong magic":    append([]byte("tailorXX"), good[8:]...),
		"truncated":      good[:len(good)-1],
		"truncated half": good[:len(good)/2],
		"flipped body":   flip(20),
		"flipped crc":    flip(len(good) - 1),
		"trailing byte":  append(bytes.Clone(good), 0),
	}
	for name, b := range cases {
		if l, err := Load(bytes.NewReader(b)); !errors.Is(err, ErrFormat) || l != nil {
			t.Errorf("%s: got (%v, %v)", name, l, err)
		}
	}
	// A valid checksum over a hostile body: a huge count must not allocate.
	hostile := append([]byte(fileMagic), fileVersion, 0, 0, 0)
	hostile = append(hostile, 0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f) // algorithm, similarity, neighbours = 4G
	if _, err := Load(bytes.NewReader(withCRC(hostile))); !errors.Is(err, ErrFormat) {
		t.Errorf("hostile: %v", err)
	}
	// Other versions: an older one (1, before Config.ByQuantity) and a newer one.
	for _, v := range []byte{1, fileVersion + 1} {
		other := bytes.Clone(good[:len(good)-4])
		other[8] = v
		if _, err := Load(bytes.NewReader(withCRC(other))); !errors.Is(err, ErrFormat) {
			t.Errorf("version %d: %v", v, err)
		}
	}
}

func withCRC(body []byte) []byte {
	var e enc
	e.b = append(e.b, body...)
	sum := crc32.Checksum(e.b, castagnoli)
	return append(e.b, byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24))
}

// FuzzLoad loads arbitrary bytes (half of the time with the checksum fixed up, so the fuzzer
// reaches the decoder) and, when Load succeeds, calls every method of the model: each query
// with every option, the accessors, Add, Forget, Merge both ways with a freshly fitted model
// and Save. Nothing may panic, a failed Load wraps ErrFormat, a query returns at most what was
// asked, and whatever Save writes Load reads back and saves identically. Seeds: real saved
// models (ItemKNN with categories and a decay, EASE with Push, a model with a forgotten user).
func FuzzLoad(f *testing.F) {
	ctx := context.Background()
	m, _ := FitSlice(ctx, handData, Config{})
	good := saved(f, m)
	f.Add(good)
	f.Add(good[:40])
	e, _ := FitSlice(ctx, handData, Config{Algorithm: EASE, Scoring: Push})
	f.Add(saved(f, e))
	withCats := []Interaction{{User: "A", Item: "x", Kind: "purchase", Category: "c1", Time: time.Unix(1e9, 0)},
		{User: "A", Item: "y", Weight: 2, Category: "c2", Time: time.Unix(1e9+3600, 0)}, {User: "B", Item: "x", Weight: 1},
		{User: "B", Item: "z", Weight: -1, Category: "c1"}, {User: "C", Item: "y", Weight: 1}, {User: "C", Item: "z", Weight: 3}}
	d, _ := FitSlice(ctx, withCats, Config{Similarity: Cosine, HalfLife: time.Hour, Neighbors: 2})
	d.Forget("C")
	f.Add(saved(f, d))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, fixCRC(b)} {
			l, err := Load(bytes.NewReader(in))
			// The same bytes from a reader that can only Read go through the copying path.
			l2, err2 := Load(struct{ io.Reader }{bytes.NewReader(in)})
			if (err == nil) != (err2 == nil) {
				t.Fatalf("in place: %v, from a stream: %v", err, err2)
			}
			if err != nil {
				if !errors.Is(err, ErrFormat) || !errors.Is(err2, ErrFormat) {
					t.Fatalf("errors %v, %v do not wrap ErrFormat", err, err2)
				}
				continue
			}
			if !bytes.Equal(saved(t, l), saved(t, l2)) {
				t.Fatal("the two reading paths loaded different models")
			}
			exerciseModel(t, l)
		}
	})
}

// exerciseModel calls every method of a loaded model (see FuzzLoad).
func exerciseModel(t *testing.T, l *Model) {
	ctx := context.Background()
	atMost := func(what string, rs []Rec, n int) {
		if len(rs) > n {
			t.Fatalf("%s: %d recs for n = %d", what, len(rs), n)
		}
	}
	users := l.Users()
	if len(users) != l.NumUsers() {
		t.Fatalf("Users() has %d, NumUsers() %d", len(users), l.NumUsers())
	}
	var items []string
	for _, u := range users[:min(len(users), 3)] {
		for _, h := range l.History(u) {
			items = append(items, h.Item)
		}
	}
	user, item := "unknown", "unknown"
	if len(users) > 0 {
		user = users[0]
	}
	if len(items) > 0 {
		item = items[0]
	}
	cfg := l.Config()
	cat := "c1"
	all := []Option{ExcludeSeen(), Exclude(item), Allow(func(s string) bool { return s != "y" }), MaxPerCategory(1), PopularIn(cat), Explain(2)}
	for _, opts := range [][]Option{nil, all, {NoFallback()}, {PopularIn(cat), NoFallback()}} {
		atMost("ForUser", l.ForUser(user, 3, opts...), 3)
		atMost("ForUser unknown", l.ForUser("nobody", 2, opts...), 2)
		atMost("ForHistory", l.ForHistory([]Interaction{{Item: item, Kind: "purchase"}, {Item: "x", Weight: -1}, {Item: "y", Weight: math.NaN()}, {Item: "", Weight: 1}}, 3, opts...), 3)
		atMost("ForBasket", l.ForBasket(append(items, "x", "nobody"), 4, opts...), 4)
		atMost("SimilarItems", l.SimilarItems(item, 3, opts...), 3)
		atMost("SimilarItems unknown", l.SimilarItems("nobody", 1, opts...), 1)
	}
	l.Neighbors(item)
	l.ItemUsers(item)
	l.NumItems()
	// Add, Forget.
	if err := l.AddSlice([]Interaction{{User: user, Item: "fuzz-new", Weight: 1, Category: cat}, {User: "fuzz-user", Item: item, Kind: "view"}}); err != nil && !errors.Is(err, ErrTooManyItems) {
		t.Fatalf("Add: %v", err)
	}
	if err := l.AddSlice([]Interaction{{User: "bad", Item: "x", Weight: 1e308}}); !errors.Is(err, ErrInteraction) {
		t.Fatalf("Add 1e308: %v", err)
	}
	l.Forget(user)
	l.Forget("nobody")
	// Merge both ways with a fresh model of the same configuration, and into itself.
	// (An empty model of that configuration filled by Add: a Fit costs a megabyte of batches.)
	fresh := newModel(cfg)
	fresh.setRef(cfg.Now.Unix())
	if cfg.Now.IsZero() {
		fresh.setRef(0)
	}
	err := fresh.AddSlice([]Interaction{{User: "fresh", Item: item, Weight: 1}, {User: "fresh", Item: "fresh-item", Weight: 2}})
	if errors.Is(err, ErrTooManyItems) { // an EASE model with a tiny Config.EASEMaxItems
		err = fresh.AddSlice([]Interaction{{User: "fresh", Item: item, Weight: 1}})
	}
	if err != nil {
		t.Fatalf("Add to an empty model of the loaded config %+v: %v", cfg, err)
	}
	for _, pair := range [][2]*Model{{fresh, l}, {l, fresh}} {
		if err := pair[0].Merge(ctx, pair[1]); err != nil && !errors.Is(err, ErrTooManyItems) && !errors.Is(err, ErrInteraction) {
			t.Fatalf("Merge: %v", err)
		}
	}
	if err := l.Merge(ctx, l); !errors.Is(err, ErrConfig) {
		t.Fatalf("Merge into itself: %v", err)
	}
	// Whatever Save writes, Load reads back and saves identically.
	for _, x := range []*Model{l, fresh} {
		var buf bytes.Buffer
		if err := x.Save(&buf); err != nil {
			if !errors.Is(err, ErrFormat) || buf.Len() != 0 {
				t.Fatalf("Save: %v (%d bytes written)", err, buf.Len())
			}
			continue
		}
		out := buf.Bytes()
		l2, err := Load(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("Load of what Save wrote: %v", err)
		}
		if !bytes.Equal(saved(t, l2), out) {
			t.Fatal("save(load(x)) is not stable")
		}
	}
}

func fixCRC(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	return withCRC(bytes.Clone(b[:len(b)-4]))
}
