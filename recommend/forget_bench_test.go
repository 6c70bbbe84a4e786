package recommend

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/interactsim"
)

// The erasure benchmarks run on two shapes: "ml50k", the ML20M preset cut to 50,000 users
// (26,744 items, about 5.8M pairs; the 50k-user measurement), and "skewed", issue
// 20's serving stream: 20,000 users whose activity is heavy-tailed (at least 1 item, mean 50,
// so about 1M pairs) over 26,744 items with Zipf(1.1) popularity.
func forgetShape(name string) interactsim.InteractionConfig {
	cfg := interactsim.ML20M()
	switch name {
	case "ml50k":
		cfg.Users = 50000
	case "skewed":
		cfg.Users, cfg.MeanPerUser, cfg.MinPerUser, cfg.Exponent = 20000, 50, 1, 1.1
	default:
		panic(name)
	}
	return cfg
}

var forgetConfigs = []struct {
	name string
	cfg  Config
}{{"default", Config{}}, {"llr", Config{Similarity: LogLikelihood}}}

// fitForget fits the shape and logs what the fit cost (what a refit without the users would).
func fitForget(b *testing.B, shape string, cfg Config) *Model {
	t0, cpu0 := time.Now(), cpuSeconds()
	m, err := Fit(context.Background(), shopInteractions(forgetShape(shape)), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("fit (the cost of a refit): %v wall, %.0f ms CPU", time.Since(t0), (cpuSeconds()-cpu0)*1000)
	return m
}

// BenchmarkForget forgets one user per op, a different one each time.
func BenchmarkForget(b *testing.B) {
	for _, shape := range []string{"ml50k", "skewed"} {
		for _, c := range forgetConfigs {
			b.Run(shape+"/"+c.name, func(b *testing.B) {
				m := fitForget(b, shape, c.cfg)
				users := forgetShape(shape).Users
				n := 0
				cpu0 := cpuSeconds()
				for b.Loop() {
					n++
					if !m.Forget(interactsim.UserID(int32(n * 7919 % users))).Found {
						b.Fatal("unknown user")
					}
				}
				b.ReportMetric((cpuSeconds()-cpu0)*1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkForgetBatch1000 forgets 1,000 users per op with one ForgetAll call.
func BenchmarkForgetBatch1000(b *testing.B) {
	for _, c := range forgetConfigs {
		b.Run("ml50k/"+c.name, func(b *testing.B) {
			m := fitForget(b, "ml50k", c.cfg)
			n := 0
			cpu0 := cpuSeconds()
			for b.Loop() {
				ids := make([]string, 1000)
				for k := range ids {
					n++
					ids[k] = interactsim.UserID(int32(n * 7919 % 50000))
				}
				if rep := m.ForgetAll(ids...); len(rep) != 1000 || !rep[999].Found {
					b.Fatalf("forgot %v", rep[len(rep)-1])
				}
			}
			b.ReportMetric((cpuSeconds()-cpu0)*1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkQueryUnderForget measures how long ForUser takes while Forgets run without pause
// on another goroutine: each op is one Forget; the query latencies over the whole run are
// reported as p50-us, p99-us and max-us.
func BenchmarkQueryUnderForget(b *testing.B) {
	for _, shape := range []string{"ml50k", "skewed"} {
		for _, c := range forgetConfigs {
			b.Run(shape+"/"+c.name, func(b *testing.B) {
				m := fitForget(b, shape, c.cfg)
				users := forgetShape(shape).Users
				alone := queryLoad(m, users, func() { time.Sleep(time.Second) })
				lat := queryLoad(m, users, func() {
					n := 0
					for b.Loop() {
						n++
						m.Forget(interactsim.UserID(int32(n * 7919 % users)))
					}
				})
				reportLatencies(b, lat)
				b.ReportMetric(float64(alone[len(alone)*99/100].Nanoseconds())/1000, "alone-p99-us")
			})
		}
	}
}

// queryLoad runs ForUser(u, 10) non-stop on one goroutine for random users while write runs,
// and returns the latencies, sorted. The benchmarks report, beside them, the p99 of the same
// queries over one second without writes (alone-p99-us): on a shared machine the difference
// is what the writes cost the queries.
func queryLoad(m *Model, users int, write func()) []time.Duration {
	var stop atomic.Bool
	var wg sync.WaitGroup
	var lat []time.Duration
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 0; !stop.Load(); k++ {
			u := "u" + strconv.Itoa(k*104729%users)
			t0 := time.Now()
			m.ForUser(u, 10)
			lat = append(lat, time.Since(t0))
		}
	}()
	write()
	stop.Store(true)
	wg.Wait()
	slices.Sort(lat)
	return lat
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-us")
	b.ReportMetric(q(0.99), "p99-us")
	b.ReportMetric(q(1), "max-us")
	b.ReportMetric(float64(len(lat)), "queries")
}

// BenchmarkQueryUnderWrites is issue 20's serving stream on the skewed shape: while ForUser
// runs non-stop, one op writes 300 single Adds, 5 Adds of 1,000 events and 20 Forgets, for
// random users and items of the same shape.
func BenchmarkQueryUnderWrites(b *testing.B) {
	m := fitForget(b, "skewed", Config{})
	shape := forgetShape("skewed")
	n := 0
	alone := queryLoad(m, shape.Users, func() { time.Sleep(time.Second) })
	lat := queryLoad(m, shape.Users, func() {
		for b.Loop() {
			next := func() int { n++; return n }
			for range 300 {
				k := next()
				m.AddSlice([]Interaction{{User: interactsim.UserID(int32(k * 7919 % shape.Users)), Item: interactsim.ItemID(int32(k * 104729 % shape.Items)), Weight: 1}})
			}
			for range 5 {
				batch := make([]Interaction, 1000)
				for x := range batch {
					k := next()
					batch[x] = Interaction{User: interactsim.UserID(int32(k * 7919 % shape.Users)), Item: interactsim.ItemID(int32(k * 104729 % shape.Items)), Weight: 1}
				}
				m.AddSlice(batch)
			}
			for range 20 {
				m.Forget(interactsim.UserID(int32(next() * 7919 % shape.Users)))
			}
		}
	})
	reportLatencies(b, lat)
	b.ReportMetric(float64(alone[len(alone)*99/100].Nanoseconds())/1000, "alone-p99-us")
}
