package session

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

// shopLog generates sessions of a synthetic shop: items with Zipf popularity (s = 1.1) over a
// catalog, browse paths that move to a nearby item most of the time, 1 to 12 events.
type shopLog struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	names []string
	at    time.Time
}

func newShopLog(items int, seed uint64) *shopLog {
	r := rand.New(rand.NewPCG(seed, 7))
	names := make([]string, items)
	for i := range names {
		names[i] = fmt.Sprintf("item%06d", i)
	}
	return &shopLog{r: r, zipf: rand.NewZipf(r, 1.1, 1, uint64(items-1)), names: names, at: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (g *shopLog) next() Session {
	n := 1 + g.r.IntN(12)
	it := int(g.zipf.Uint64())
	s := Session{Clicks: make([]Click, 0, n)}
	for j := range n {
		s.Clicks = append(s.Clicks, Click{Item: g.names[it], Time: g.at.Add(time.Duration(j*30) * time.Second)})
		if g.r.IntN(4) == 0 {
			it = int(g.zipf.Uint64())
		} else {
			it = (it + 1 + g.r.IntN(5)) % len(g.names)
		}
	}
	g.at = g.at.Add(20 * time.Second)
	return s
}

var (
	bigOnce  sync.Once
	bigModel *Model
	bigGen   *shopLog
	bigEv    int
	bigHeap  uint64
)

// big is a default model holding 1M synthetic sessions (about 6.5M events, 100k items).
func big(b *testing.B) *Model {
	bigOnce.Do(func() {
		m, err := New(Config{})
		if err != nil {
			b.Fatal(err)
		}
		g := newShopLog(100_000, 1)
		for range 1_000_000 {
			s := g.next()
			bigEv += len(s.Clicks)
			if err := m.Add(s); err != nil {
				b.Fatal(err)
			}
		}
		bigModel, bigGen = m, g
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		bigHeap = ms.HeapAlloc
	})
	return bigModel
}

// BenchmarkRecommend1M: one VSTAN query (defaults) with 1M sessions indexed, the session in
// progress a prefix of 1 to 12 clicks of a fresh synthetic session; reports the p50 and p99
// latency, in wall time and in the CPU time of the query's thread (on a shared machine the
// wall time includes waiting for a core).
func BenchmarkRecommend1M(b *testing.B) {
	m := big(b)
	g := newShopLog(100_000, 99)
	g.at = bigGen.at
	var qs [][]Click
	for range 4096 {
		s := g.next()
		qs = append(qs, s.Clicks[:1+len(s.Clicks)/2])
	}
	lat := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t, c := time.Now(), threadCPU()
		m.Recommend(qs[i%len(qs)], 20)
		cpu = append(cpu, threadCPU()-c)
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	for _, d := range [][]time.Duration{lat, cpu} {
		sort.Slice(d, func(a, c int) bool { return d[a] < d[c] })
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-us")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-us")
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds()), "p50-cpu-us")
	b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds()), "p99-cpu-us")
	b.ReportMetric(float64(bigEv), "events")
	b.ReportMetric(float64(bigHeap)/float64(bigEv), "heap-B/event")
}

// BenchmarkAdd1M: adding a finished session to an index holding 1M sessions at its
// MaxSessions, so that every Add also ages the oldest session out.
func BenchmarkAdd1M(b *testing.B) {
	m := big(b)
	m.mu.Lock()
	m.cfg.MaxSessions = m.live
	m.mu.Unlock()
	g := newShopLog(100_000, 5)
	g.at = bigGen.at
	ss := make([]Session, 4096)
	for i := range ss {
		ss[i] = g.next()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := m.Add(ss[i%len(ss)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecommendMethods: one query per method on a 100k-session index.
func BenchmarkRecommendMethods(b *testing.B) {
	g := newShopLog(20_000, 3)
	var ss []Session
	for range 100_000 {
		ss = append(ss, g.next())
	}
	var qs [][]Click
	for range 1024 {
		s := g.next()
		qs = append(qs, s.Clicks[:1+len(s.Clicks)/2])
	}
	for _, meth := range allMethods {
		m, err := New(Config{Method: meth})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range ss {
			_ = m.Add(s)
		}
		b.Run(meth.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				m.Recommend(qs[i%len(qs)], 20)
			}
		})
	}
}
