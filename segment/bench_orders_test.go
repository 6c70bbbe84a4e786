package segment

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// synthOrders streams orders totalling about `lines` order lines: customers drawn uniformly
// from `customers`, 1 to 6 lines per order (mean 3.5), times uniform over 2020-09..2023-11
// (the ranges of shared/anchors/perf/rfm_pandas.py), prices gamma-like. The Lines slice is
// reused between orders, as a database cursor would. Shard s of n yields every n-th order.
func synthOrders(lines, customers int, shard, shards int) iter.Seq[profile.Order] {
	ids := customerIDs(customers)
	return func(yield func(profile.Order) bool) {
		rng := rand.New(rand.NewPCG(42, 0))
		buf := make([]profile.Line, 0, 8)
		o := profile.Order{}
		for n, i := 0, 0; n < lines; i++ {
			k := 1 + rng.IntN(6)
			c := rng.IntN(customers)
			ts := 1_600_000_000 + rng.Int64N(100_000_000)
			buf = buf[:0]
			for range k {
				buf = append(buf, profile.Line{Quantity: 1 + rng.IntN(3), UnitPrice: 5 + 40*rng.Float64()*rng.Float64()})
			}
			n += k
			if i%shards != shard {
				continue
			}
			o.ID, o.CustomerID, o.Time, o.Lines = "o", ids[c], time.Unix(ts, 0).UTC(), buf
			if !yield(o) {
				return
			}
		}
	}
}

var (
	idsOnce sync.Once
	idsMem  []string
)

func customerIDs(n int) []string {
	idsOnce.Do(func() {
		idsMem = make([]string, 1_000_000)
		for i := range idsMem {
			idsMem[i] = fmt.Sprintf("c%07d", i)
		}
	})
	return idsMem[:n]
}

const benchLines, benchCustomers = 10_000_000, 1_000_000

// BenchmarkOrderStream10M measures the generator alone, to subtract from the others.
func BenchmarkOrderStream10M(b *testing.B) {
	b.ReportAllocs()
	cpu0 := processCPUSeconds()
	for b.Loop() {
		n := 0
		for o := range synthOrders(benchLines, benchCustomers, 0, 1) {
			n += len(o.Lines)
		}
	}
	b.ReportMetric((processCPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkActivity10M: one pass over 10M order lines (about 2.9M orders, 1M customers), then
// the grouping of day records that the first query does. Includes the generator's time
// (BenchmarkOrderStream10M).
func BenchmarkActivity10M(b *testing.B) {
	b.ReportAllocs()
	cpu0 := processCPUSeconds()
	for b.Loop() {
		var a Activity
		for o := range synthOrders(benchLines, benchCustomers, 0, 1) {
			if err := a.Add(o); err != nil {
				b.Fatal(err)
			}
		}
		a.normalize() // group the day records, as the first query would
	}
	b.ReportMetric((processCPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkActivity10MSharded: the same pass split over GOMAXPROCS shards, then merged.
func BenchmarkActivity10MSharded(b *testing.B) {
	b.ReportAllocs()
	cpu0 := processCPUSeconds()
	for b.Loop() {
		n := runtime.GOMAXPROCS(0)
		shards := make([]Activity, n)
		var wg sync.WaitGroup
		for s := range n {
			wg.Go(func() {
				for o := range synthOrders(benchLines, benchCustomers, s, n) {
					if err := shards[s].Add(o); err != nil {
						panic(err)
					}
				}
			})
		}
		wg.Wait()
		for s := 1; s < n; s++ {
			shards[0].Merge(&shards[s])
		}
		shards[0].normalize()
	}
	b.ReportMetric((processCPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

var (
	benchAct     *Activity
	benchActOnce sync.Once
)

func activity10M(b *testing.B) *Activity {
	benchActOnce.Do(func() {
		benchAct = &Activity{}
		for o := range synthOrders(benchLines, benchCustomers, 0, 1) {
			if err := benchAct.Add(o); err != nil {
				b.Fatal(err)
			}
		}
		benchAct.normalize()
	})
	return benchAct
}

// BenchmarkRFM10M: RFM values, quintile fit, scores and the segment summary for the 1M
// customers of 10M order lines (the Activity is built once, outside the timer).
func BenchmarkRFM10M(b *testing.B) {
	a := activity10M(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPUSeconds()
	for b.Loop() {
		values := must(a.RFM(RFMValuesConfig{}))
		m, err := FitRFM(values, RFMConfig{})
		if err != nil {
			b.Fatal(err)
		}
		_ = m.Summary(m.ScoreAll(values))
	}
	b.ReportMetric((processCPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkCohorts10M: the monthly cohort table of the same customers.
func BenchmarkCohorts10M(b *testing.B) {
	a := activity10M(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPUSeconds()
	for b.Loop() {
		_ = must(a.Cohorts(CohortConfig{}))
	}
	b.ReportMetric((processCPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}
