package recommend

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/interactsim"
)

// shopInteractions streams a shopsim preset as Interactions without allocating per event:
// the string IDs are made once per user and item.
func shopInteractions(cfg interactsim.InteractionConfig) iter.Seq[Interaction] {
	items := make([]string, cfg.Items)
	for i := range items {
		items[i] = interactsim.ItemID(int32(i))
	}
	return func(yield func(Interaction) bool) {
		last := int32(-1)
		user := ""
		for in := range interactsim.Interactions(cfg) {
			if in.User != last {
				last, user = in.User, interactsim.UserID(in.User)
			}
			if !yield(Interaction{User: user, Item: items[in.Item], Weight: 1, Time: time.Unix(in.Time, 0)}) {
				return
			}
		}
	}
}

// BenchmarkFitML20M fits the default model on the MovieLens-20M-shaped preset (138,493 users,
// 26,744 items, ~16M interactions). It needs a few GB and a minute; it runs only when
// TAILOR_BENCH_ML20M=1. It reports the peak heap (runtime/metrics) as peak-heap-MB.
func BenchmarkFitML20M(b *testing.B) {
	if os.Getenv("TAILOR_BENCH_ML20M") == "" {
		b.Skip("set TAILOR_BENCH_ML20M=1 to fit the 16M-interaction preset")
	}
	cfg := interactsim.ML20M()
	benchFit(b, cfg, Config{})
}

// BenchmarkFitSmall fits the default model on shopsim's Small preset (3,000 users, ~100k).
func BenchmarkFitSmall(b *testing.B) { benchFit(b, interactsim.Small(), Config{}) }

func benchFit(b *testing.B, data interactsim.InteractionConfig, cfg Config) {
	// Generating the data is not part of a fit: materialise it compactly first, in blocks (one
	// growing slice would copy gigabytes and leave the fit a fragmented heap).
	type row struct {
		u, i int32
		t    int64
	}
	var blocks [][]row
	n := 0
	for in := range interactsim.Interactions(data) {
		if len(blocks) == 0 || len(blocks[len(blocks)-1]) == cap(blocks[len(blocks)-1]) {
			blocks = append(blocks, make([]row, 0, 1<<16))
		}
		last := &blocks[len(blocks)-1]
		*last = append(*last, row{in.User, in.Item, in.Time})
		n++
	}
	users := make([]string, data.Users)
	for u := range users {
		users[u] = interactsim.UserID(int32(u))
	}
	items := make([]string, data.Items)
	for i := range items {
		items[i] = interactsim.ItemID(int32(i))
	}
	seq := func(yield func(Interaction) bool) {
		for _, rows := range blocks {
			for _, r := range rows {
				if !yield(Interaction{User: users[r.u], Item: items[r.i], Weight: 1, Time: time.Unix(r.t, 0)}) {
					return
				}
			}
		}
	}
	b.ReportAllocs()
	runtime.GC()
	base := heapLive()
	peak := newPeakSampler()
	cpu0 := cpuSeconds()
	for b.Loop() {
		m, err := Fit(context.Background(), seq, cfg)
		if err != nil {
			b.Fatal(err)
		}
		runtime.KeepAlive(m)
	}
	// CPU seconds per fit do not depend on what else runs on a shared machine; on an idle
	// 2-core machine the wall time is about half of them.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak.stop()-base)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(n), "interactions")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func heapLive() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakSampler polls the live heap every few milliseconds.
type peakSampler struct {
	done chan struct{}
	max  chan uint64
}

func newPeakSampler() *peakSampler {
	p := &peakSampler{done: make(chan struct{}), max: make(chan uint64)}
	go func() {
		var m uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				p.max <- max(m, heapLive())
				return
			case <-t.C:
				m = max(m, heapLive())
			}
		}
	}()
	return p
}

func (p *peakSampler) stop() uint64 {
	close(p.done)
	return <-p.max
}

// benchModel is a model on the ML20M shape scaled down to fit a unit-test run: 20k users,
// 26,744 items, so that lists are full (50 neighbours) and histories long.
func benchModel(b *testing.B, neighbors int) *Model {
	cfg := interactsim.ML20M()
	cfg.Users = 20000
	m, err := Fit(context.Background(), shopInteractions(cfg), Config{Neighbors: neighbors})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkForUser50: a user query with 50 history items, 50 neighbours per item, top 10,
// seen items excluded.
func BenchmarkForUser50(b *testing.B) {
	for _, scoring := range []Scoring{Push, Pull} {
		b.Run(fmt.Sprint("scoring=", map[Scoring]string{Push: "push", Pull: "pull"}[scoring]), func(b *testing.B) {
			cfg := interactsim.ML20M()
			cfg.Users = 20000
			m, err := Fit(context.Background(), shopInteractions(cfg), Config{Neighbors: 50, Scoring: scoring})
			if err != nil {
				b.Fatal(err)
			}
			history := make([]Interaction, 0, 50)
			for k := range 50 {
				history = append(history, Interaction{Item: interactsim.ItemID(int32(k * 97 % cfg.Items)), Weight: 1})
			}
			m.AddSlice(withUser("bench-user", history))
			b.ReportAllocs()
			for b.Loop() {
				if len(m.ForUser("bench-user", 10, ExcludeSeen())) != 10 {
					b.Fatal("short result")
				}
			}
		})
	}
}

func withUser(u string, h []Interaction) []Interaction {
	out := make([]Interaction, len(h))
	for k, in := range h {
		in.User = u
		out[k] = in
	}
	return out
}

// BenchmarkAdd measures incremental updates: each op adds one event for one existing user
// (who holds ~115 items, so ~115 lists are recomputed). events/s is 1e9/ns-per-op.
func BenchmarkAdd(b *testing.B) {
	m := benchModel(b, 50)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		u := "u" + strconv.Itoa(n%20000)
		it := interactsim.ItemID(int32((n * 7919) % 26744))
		if err := m.AddSlice([]Interaction{{User: u, Item: it, Weight: 1}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddBatch adds 1,000 events of 1,000 new users (3 items each) per op.
func BenchmarkAddBatch(b *testing.B) {
	m := benchModel(b, 50)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		batch := make([]Interaction, 0, 1000)
		for len(batch) < 1000 {
			n++
			u := "new" + strconv.Itoa(n/3)
			batch = append(batch, Interaction{User: u, Item: interactsim.ItemID(int32((n * 7919) % 26744)), Weight: 1})
		}
		if err := m.AddSlice(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1000, "events/op")
}

func BenchmarkSaveLoad(b *testing.B) {
	m := benchModel(b, 50)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		w := &sliceWriter{buf[:0]}
		if err := m.Save(w); err != nil {
			b.Fatal(err)
		}
		buf = w.b
		if _, err := Load(&sliceReader{b: buf}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf))/(1<<20), "file-MB")
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

type sliceReader struct {
	b   []byte
	off int
}

func (r *sliceReader) Read(p []byte) (int, error) {
	if r.off >= len(r.b) {
		return 0, errEOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

var errEOF = io.EOF
