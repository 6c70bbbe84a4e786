package recommend

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"
)

// loadBudget is Load's promised bound on the bytes it allocates for a file of n bytes:
// 4n + 16 MiB (runtime.MemStats.TotalAlloc, which also bounds the peak heap Load adds).
func loadBudget(n int) uint64 { return 4*uint64(n) + 16<<20 }

// fileWith builds a model file with the default configuration and the given sections, each
// written by its function: categories, items, users and rows, counts included.
func fileWith(t testing.TB, cats, items, users, rows func(e *enc)) []byte {
	t.Helper()
	m, err := FitSlice(context.Background(), handData, Config{})
	if err != nil {
		t.Fatal(err)
	}
	good := saved(t, m)
	d := &dec{b: good[len(fileMagic)+4:]}
	d.config()
	header := good[:len(good)-len(d.b)]
	e := enc{b: bytes.Clone(header)}
	cats(&e)
	items(&e)
	users(&e)
	rows(&e)
	return withCRC(e.b)
}

// measureLoad loads b (in place, from a bytes.Reader) and returns the model, the error, the
// bytes Load allocated and the time it took.
func measureLoad(b []byte) (*Model, error, uint64, time.Duration) {
	return measureLoadFrom(bytes.NewReader(b))
}

// plainReader hides every method but Read, so Load must copy the file into memory.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

func measureLoadFrom(r io.Reader) (*Model, error, uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	m, err := Load(r)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return m, err, after.TotalAlloc - before.TotalAlloc, took
}

func shortID(k int) string { return strconv.FormatInt(int64(k), 36) }

// TestLoadMemoryBound is the regression test for Load's memory amplification: a 10 MB file of
// forgotten-user records took 862 MB and 5.3 s, a 14 MB file of 2M items 563 MB. Each file
// here must load within loadBudget and 5 s (before: 7.1 s and 11 s); so must a model of
// ordinary shape.
func TestLoadMemoryBound(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation totals differ under the race detector")
	}
	scale := 1
	if testing.Short() {
		scale = 4
	}
	noCats := func(e *enc) { e.uvarint(0) }
	twoItems := func(e *enc) { e.uvarint(2); e.str("x"); e.uvarint(0); e.str("y"); e.uvarint(0) }
	oneUser := func(e *enc) {
		e.str("A")
		e.uvarint(2)
		e.uvarint(0)
		e.float(1)
		e.uvarint(1)
		e.float(1)
	}
	twoRows := func(e *enc) {
		e.uvarint(1)
		e.uvarint(1)
		e.float(0.5)
		e.uvarint(1)
		e.uvarint(0)
		e.float(0.5)
	}
	type fileCase struct {
		name  string
		file  []byte
		users int // users the loaded model must know, or -1 for an error
	}
	var cases []fileCase

	// 5M forgotten-user records (2 bytes each): 10 MB.
	tomb := 5_000_000 / scale
	cases = append(cases, fileCase{"forgotten users", fileWith(t, noCats, twoItems, func(e *enc) {
		e.uvarint(uint64(tomb + 1))
		oneUser(e)
		for range tomb {
			e.str("")
			e.uvarint(0)
		}
	}, twoRows), 1})

	// 2M items nobody refers to (5-byte IDs, 7 bytes each with their category and row): 14 MB.
	nItems := 2_000_000 / scale
	cases = append(cases, fileCase{"items nobody has", fileWith(t, noCats, func(e *enc) {
		e.uvarint(uint64(nItems))
		for k := range nItems {
			e.str(shortID(k + 36*36*36*36)) // 5 characters, the first two are "10"...
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
	}, func(e *enc) {
		e.uvarint(1)
		e.uvarint(1)
		e.float(0.5)
		e.uvarint(1)
		e.uvarint(0)
		e.float(0.5)
		for range nItems - 2 {
			e.uvarint(0)
		}
	}), 1})

	// An ordinary shape: 100k users with 8 items each among 10k items with 50 neighbours.
	users, per, items, nb := 100_000/scale, 8, 10_000, 50
	cases = append(cases, fileCase{"ordinary model", fileWith(t, func(e *enc) {
		e.uvarint(10)
		for c := range 10 {
			e.str("cat" + strconv.Itoa(c))
		}
	}, func(e *enc) {
		e.uvarint(uint64(items))
		for i := range items {
			e.str(itemName(i))
			e.uvarint(uint64(i%10 + 1))
		}
	}, func(e *enc) {
		e.uvarint(uint64(users))
		for u := range users {
			e.str("user-" + strconv.Itoa(u))
			e.uvarint(uint64(per))
			var its []int
			for k := range per {
				its = append(its, (u*7+k*(items/per))%items)
			}
			slices.Sort(its)
			for k, it := range its {
				e.uvarint(uint64(it))
				e.float(float64(1 + k%3))
			}
		}
	}, func(e *enc) {
		for i := range items {
			e.uvarint(uint64(nb))
			for k := range nb {
				e.uvarint(uint64((i + 1 + k*97) % items))
				e.float(1 / float64(k+1))
			}
		}
	}), users})

	// The most compact valid files, whose slice headers and map entries outweigh their bytes:
	// users of one item each with IDs of 1-4 bytes, and items each held by one entry.
	compactUsers, compactItems := 250_000/scale, 125_000/scale
	worst := []fileCase{{"one item per user", fileWith(t, noCats, twoItems, func(e *enc) {
		e.uvarint(uint64(compactUsers))
		for u := range compactUsers {
			e.str(shortID(u))
			e.uvarint(1)
			e.uvarint(uint64(u % 2))
			e.float(1)
		}
	}, twoRows), compactUsers}, {"one entry per item", fileWith(t, noCats, func(e *enc) {
		e.uvarint(uint64(compactItems))
		for i := range compactItems {
			e.str(shortID(i))
			e.uvarint(0)
		}
	}, func(e *enc) {
		e.uvarint(uint64(compactItems / 100))
		for u := range compactItems / 100 {
			e.str(shortID(u))
			e.uvarint(100)
			for k := range 100 {
				e.uvarint(uint64(u*100 + k))
				e.float(1)
			}
		}
	}, func(e *enc) {
		for range compactItems {
			e.uvarint(0)
		}
	}), compactItems / 100}}
	for _, c := range worst {
		m, err, alloc, took := measureLoad(c.file)
		if err != nil || m.NumUsers() != c.users {
			t.Fatalf("%s: %v", c.name, err)
		}
		t.Logf("%s: file %.1f MB, Load allocated %.1f MB (%.2fx) in %v", c.name, float64(len(c.file))/1e6, float64(alloc)/1e6, float64(alloc)/float64(len(c.file)), took)
		if alloc > 14*uint64(len(c.file))+16<<20 {
			t.Errorf("%s: Load allocated %d bytes for a %d-byte file, more than the documented worst case 14x + 16 MiB", c.name, alloc, len(c.file))
		}
	}

	for _, c := range cases {
		m, err, alloc, took := measureLoad(c.file)
		switch {
		case c.users < 0 && !errors.Is(err, ErrFormat):
			t.Errorf("%s: got %v, want ErrFormat", c.name, err)
		case c.users >= 0 && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.users >= 0 && m.NumUsers() != c.users:
			t.Errorf("%s: %d users, want %d", c.name, m.NumUsers(), c.users)
		}
		t.Logf("%s: file %.1f MB, Load allocated %.1f MB (%.2fx) in %v", c.name, float64(len(c.file))/1e6, float64(alloc)/1e6, float64(alloc)/float64(len(c.file)), took)
		if took > 5*time.Second {
			t.Errorf("%s: Load took %v, bound 5 s (it reads each byte three times)", c.name, took)
		}
		if alloc > loadBudget(len(c.file)) {
			t.Errorf("%s: Load allocated %d bytes for a %d-byte file, budget 4x + 16 MiB = %d", c.name, alloc, len(c.file), loadBudget(len(c.file)))
		}
		// From a reader that can only Read, Load copies the file first: one file size more.
		m, err, alloc, _ = measureLoadFrom(plainReader{bytes.NewReader(c.file)})
		if err != nil || m.NumUsers() != c.users {
			t.Fatalf("%s from a plain reader: %v", c.name, err)
		}
		t.Logf("%s from a plain reader: Load allocated %.1f MB (%.2fx)", c.name, float64(alloc)/1e6, float64(alloc)/float64(len(c.file)))
		if alloc > loadBudget(len(c.file))+uint64(len(c.file)) {
			t.Errorf("%s from a plain reader: Load allocated %d bytes for a %d-byte file, budget 5x + 16 MiB", c.name, alloc, len(c.file))
		}
	}
}
