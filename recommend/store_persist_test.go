package recommend

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadHostileCountsFailBeforeAllocating: a count larger than the remaining bytes could
// hold, in every section, is an error before the model allocates anything for it.
func TestLoadHostileCountsFailBeforeAllocating(t *testing.T) {
	huge := uint64(1) << 40
	noCats := func(e *enc) { e.uvarint(0) }
	twoItems := func(e *enc) { e.uvarint(2); e.str("x"); e.uvarint(0); e.str("y"); e.uvarint(0) }
	oneUser := func(e *enc) {
		e.uvarint(1)
		e.str("A")
		e.uvarint(2)
		e.uvarint(0)
		e.float(1)
		e.uvarint(1)
		e.float(1)
	}
	twoRows := func(e *enc) { e.uvarint(0); e.uvarint(0) }
	pad := func(e *enc) { e.b = append(e.b, make([]byte, 64)...) }
	cases := map[string][]byte{
		"categories": fileWith(t, func(e *enc) { e.uvarint(huge); pad(e) }, twoItems, oneUser, twoRows),
		"items":      fileWith(t, noCats, func(e *enc) { e.uvarint(huge); pad(e) }, oneUser, twoRows),
		"users":      fileWith(t, noCats, twoItems, func(e *enc) { e.uvarint(huge); pad(e) }, twoRows),
		"history":    fileWith(t, noCats, twoItems, func(e *enc) { e.uvarint(1); e.str("A"); e.uvarint(huge); pad(e) }, twoRows),
		"row":        fileWith(t, noCats, twoItems, oneUser, func(e *enc) { e.uvarint(huge); pad(e) }),
		"string":     fileWith(t, func(e *enc) { e.uvarint(1); e.uvarint(huge); pad(e) }, twoItems, oneUser, twoRows),
	}
	for name, b := range cases {
		_, err, alloc, _ := measureLoad(b)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got %v, want ErrFormat", name, err)
		}
		if alloc > 64<<10 && !raceEnabled { // the race detector allocates on its own
			t.Errorf("%s: Load allocated %d bytes for a %d-byte file before failing", name, alloc, len(b))
		}
	}
}

// TestLoadBadStructure is the table of files that are well formed byte by byte but describe
// no model Save writes: each is ErrFormat.
func TestLoadBadStructure(t *testing.T) {
	noCats := func(e *enc) { e.uvarint(0) }
	twoItems := func(e *enc) { e.uvarint(2); e.str("x"); e.uvarint(0); e.str("y"); e.uvarint(0) }
	oneUser := func(e *enc) {
		e.uvarint(1)
		e.str("A")
		e.uvarint(2)
		e.uvarint(0)
		e.float(1)
		e.uvarint(1)
		e.float(1)
	}
	twoRows := func(e *enc) { e.uvarint(0); e.uvarint(0) }
	cases := map[string][]byte{
		"empty category name":   fileWith(t, func(e *enc) { e.uvarint(1); e.str("") }, twoItems, oneUser, twoRows),
		"duplicate category":    fileWith(t, func(e *enc) { e.uvarint(2); e.str("c"); e.str("c") }, func(e *enc) { e.uvarint(2); e.str("x"); e.uvarint(1); e.str("y"); e.uvarint(2) }, oneUser, twoRows),
		"category out of range": fileWith(t, noCats, func(e *enc) { e.uvarint(2); e.str("x"); e.uvarint(1); e.str("y"); e.uvarint(0) }, oneUser, twoRows),
		"duplicate item":        fileWith(t, noCats, func(e *enc) { e.uvarint(2); e.str("x"); e.uvarint(0); e.str("x"); e.uvarint(0) }, oneUser, twoRows),
		"empty item ID":         fileWith(t, noCats, func(e *enc) { e.uvarint(2); e.str(""); e.uvarint(0); e.str("y"); e.uvarint(0) }, oneUser, twoRows),
		"duplicate user": fileWith(t, noCats, twoItems, func(e *enc) {
			e.uvarint(2)
			e.str("A")
			e.uvarint(1)
			e.uvarint(0)
			e.float(1)
			e.str("A")
			e.uvarint(1)
			e.uvarint(1)
			e.float(1)
		}, twoRows),
		"user without items": fileWith(t, noCats, twoItems, func(e *enc) {
			e.uvarint(2)
			e.str("A")
			e.uvarint(1)
			e.uvarint(0)
			e.float(1)
			e.str("B")
			e.uvarint(0)
		}, twoRows),
		"forgotten with history": fileWith(t, noCats, twoItems, func(e *enc) {
			e.uvarint(2)
			e.str("A")
			e.uvarint(1)
			e.uvarint(0)
			e.float(1)
			e.str("")
			e.uvarint(1)
			e.uvarint(1)
			e.float(1)
		}, twoRows),
		"history unsorted": fileWith(t, noCats, twoItems, func(e *enc) {
			e.uvarint(1)
			e.str("A")
			e.uvarint(2)
			e.uvarint(1)
			e.float(1)
			e.uvarint(0)
			e.float(1)
		}, twoRows),
		"history repeats an item": fileWith(t, noCats, twoItems, func(e *enc) {
			e.uvarint(1)
			e.str("A")
			e.uvarint(2)
			e.uvarint(0)
			e.float(1)
			e.uvarint(0)
			e.float(1)
		}, twoRows),
		"item index out of range": fileWith(t, noCats, twoItems, func(e *enc) { e.uvarint(1); e.str("A"); e.uvarint(1); e.uvarint(2); e.float(1) }, twoRows),
		"infinite affinity":       fileWith(t, noCats, twoItems, func(e *enc) { e.uvarint(1); e.str("A"); e.uvarint(1); e.uvarint(0); e.float(math.Inf(1)) }, twoRows),
		"NaN neighbour weight":    fileWith(t, noCats, twoItems, oneUser, func(e *enc) { e.uvarint(1); e.uvarint(1); e.float(math.NaN()); e.uvarint(0) }),
		"rows missing":            fileWith(t, noCats, twoItems, oneUser, func(e *enc) { e.uvarint(0) }),
		"trailing bytes":          fileWith(t, noCats, twoItems, oneUser, func(e *enc) { twoRows(e); e.uvarint(0) }),
	}
	for name, b := range cases {
		if m, err := Load(bytes.NewReader(b)); !errors.Is(err, ErrFormat) || m != nil {
			t.Errorf("%s: got (%v, %v), want ErrFormat", name, m, err)
		}
	}
	// The same sections, well formed, load: the table above is not failing for another reason.
	if _, err := Load(bytes.NewReader(fileWith(t, noCats, twoItems, oneUser, twoRows))); err != nil {
		t.Fatal(err)
	}
}

// TestSaveLeavesOutWhatNothingRefersTo: after Forget, Save writes no record of the user and
// none of the items and categories only that user had, so the file equals, byte for byte, the
// file of a fit without the user; and a file written before Save left them out (a forgotten
// user's empty record, items and a category nobody refers to) loads into the same model.
func TestSaveLeavesOutWhatNothingRefersTo(t *testing.T) {
	ctx := context.Background()
	data := synthData(51, 80, 40, 6)
	for k := range data {
		data[k].Category = "c" + data[k].Item[len(data[k].Item)-1:]
	}
	person := []Interaction{
		{User: "alice-7f3a", Item: "solo-item-7f3a", Weight: 2, Category: "cat-only-alice"},
		{User: "alice-7f3a", Item: itemName(3), Weight: 1},
	}
	all := append(append([]Interaction{}, data[:100]...), append(person, data[100:]...)...)
	for _, c := range updateConfigs {
		t.Run(c.name, func(t *testing.T) {
			m, err := FitSlice(ctx, all, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !m.Forget("alice-7f3a").Found {
				t.Fatal("alice unknown")
			}
			got := saved(t, m)
			for _, s := range []string{"alice", "7f3a", "solo", "cat-only"} {
				if bytes.Contains(got, []byte(s)) {
					t.Errorf("the saved model still holds %q", s)
				}
			}
			// Categories are written in name order, so the order in which the data named them
			// (the forgotten user's records first) does not show either.
			cfg := c.cfg
			cfg.Now = m.Config().Now
			w, err := FitSlice(ctx, without(all, "alice-7f3a"), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if want := saved(t, w); !bytes.Equal(got, want) {
				t.Errorf("saved after Forget: %d bytes, fit without the user: %d bytes", len(got), len(want))
			}
			l, err := Load(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, saved(t, l)) {
				t.Fatal("save(load(x)) != x")
			}
		})
	}
}

// TestEmptiedModelSavesAndLoads: a model whose every user was forgotten, or holds only a
// return, saves and loads (before, Load refused it as having no interactions, so a host could
// not persist the erasure of its last users and the old file kept them).
func TestEmptiedModelSavesAndLoads(t *testing.T) {
	ctx := context.Background()
	for _, c := range updateConfigs {
		m, err := FitSlice(ctx, handData, c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range m.Users() {
			m.Forget(u)
		}
		b := saved(t, m)
		l, err := Load(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if l.NumUsers() != 0 || l.NumItems() != 0 || len(l.ForUser("A", 3)) != 0 || len(l.SimilarItems("x", 3)) != 0 {
			t.Fatalf("%s: emptied model answers", c.name)
		}
		if !bytes.Equal(b, saved(t, l)) {
			t.Fatalf("%s: save(load(x)) != x", c.name)
		}
		// And it learns again.
		if err := l.AddSlice(handData); err != nil {
			t.Fatal(err)
		}
		if l.NumUsers() != 4 || len(l.ForUser("D", 2, ExcludeSeen())) != 2 {
			t.Fatalf("%s: refilled model: %d users", c.name, l.NumUsers())
		}
	}
	// Only returns: nothing positive, still a model.
	l, err := Load(bytes.NewReader(fileWith(t, func(e *enc) { e.uvarint(0) }, func(e *enc) { e.uvarint(1); e.str("x"); e.uvarint(0) },
		func(e *enc) { e.uvarint(1); e.str("A"); e.uvarint(1); e.uvarint(0); e.float(-1) }, func(e *enc) { e.uvarint(0) })))
	if err != nil || l.NumUsers() != 1 || l.NumItems() != 0 {
		t.Fatalf("returns only: %v", err)
	}
}

// TestLoadReadsFromTheCurrentOffset: Load reads a seekable source from its current offset
// (a model after a header of the host's), in place, and leaves it at its end; a file on disk
// loads the same way.
func TestLoadReadsFromTheCurrentOffset(t *testing.T) {
	m, err := FitSlice(context.Background(), handData, Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := saved(t, m)
	r := bytes.NewReader(append([]byte("host header\n"), b...))
	r.Seek(12, io.SeekStart)
	l, err := Load(r)
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 0 || !bytes.Equal(saved(t, l), b) {
		t.Fatalf("left %d bytes unread", r.Len())
	}
	path := filepath.Join(t.TempDir(), "model.bin")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if l, err := Load(f); err != nil || !bytes.Equal(saved(t, l), b) {
		t.Fatalf("from a file: %v", err)
	}
	// A stream read in pieces larger than one chunk (64 KiB) loads the same as in place.
	big, err := FitSlice(context.Background(), synthData(81, 2000, 300, 20), Config{})
	if err != nil {
		t.Fatal(err)
	}
	bb := saved(t, big)
	if len(bb) < 200<<10 {
		t.Fatalf("model file of %d bytes is too small to span chunks", len(bb))
	}
	if l, err := Load(struct{ io.Reader }{bytes.NewReader(bb)}); err != nil || !bytes.Equal(saved(t, l), bb) {
		t.Fatalf("from a stream: %v", err)
	}
}

// TestLoadFileChangingBetweenPasses: a file read in place that changes between Load's first
// and second pass (another process rewriting it) gives an error or a model, never a panic.
func TestLoadFileChangingBetweenPasses(t *testing.T) {
	m, err := FitSlice(context.Background(), synthData(91, 40, 30, 5), Config{})
	if err != nil {
		t.Fatal(err)
	}
	m.Forget("u0003")
	good := saved(t, m)
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		b := bytes.Clone(good)
		d := &dec{src: bytes.NewReader(b), next: int64(len(fileMagic) + 4), end: int64(len(b) - 4), win: make([]byte, 64)}
		lay, err := d.scan()
		if err != nil {
			t.Fatal(err)
		}
		switch trial % 3 { // rewrite the body: a few bytes, a run of zeros, or another model
		case 0:
			for range 1 + rng.IntN(4) {
				b[12+rng.IntN(len(b)-16)] ^= byte(1 + rng.IntN(255))
			}
		case 1:
			k := 12 + rng.IntN(len(b)-16)
			clear(b[k:min(len(b)-4, k+1+rng.IntN(40))])
		case 2:
			other, _ := FitSlice(context.Background(), synthData(uint64(trial), 40, 30, 5), Config{})
			copy(b[12:len(b)-4], saved(t, other)[12:])
		}
		if l, err := lay.build(d); err == nil {
			l.ForUser("u0001", 3)
		}
	}
}

// The targeted case: between the passes a history entry is pointed at an item the first pass
// found unreferenced and dropped.
func TestLoadFileChangingToADroppedItem(t *testing.T) {
	b := fileWith(t, func(e *enc) { e.uvarint(0) }, func(e *enc) {
		e.uvarint(3)
		for _, id := range []string{"x", "y", "z"} {
			e.str(id)
			e.uvarint(0)
		}
	}, func(e *enc) {
		e.uvarint(1)
		e.str("A")
		e.uvarint(2)
		e.uvarint(0)
		e.float(1)
		e.uvarint(1)
		e.float(1)
	},
		func(e *enc) { e.uvarint(0); e.uvarint(0); e.uvarint(0) })
	at := bytes.Index(b, []byte{1, 'A', 2, 0})
	if at < 0 {
		t.Fatal("user record not found")
	}
	d := &dec{src: bytes.NewReader(b), next: int64(len(fileMagic) + 4), end: int64(len(b) - 4), win: make([]byte, 64)}
	lay, err := d.scan()
	if err != nil {
		t.Fatal(err)
	}
	b[at+4+8] = 2 // the second entry now names z
	if _, err := lay.build(d); !errors.Is(err, ErrFormat) {
		t.Fatalf("got %v, want ErrFormat", err)
	}
}
