package profile

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// benchPeople draws the observations of n people, four each (80,000 for n = 20,000), in the
// shape a shop's tracking gives: an anonymous cookie browsing, the cookie seen on a device, a
// login with the user ID and e-mail hash, and a second cookie seen with the same e-mail. Times
// are spread over a year in random order, so that the people interleave.
func benchPeople(r *rand.Rand, n int) []obs {
	out := make([]obs, 0, 4*n)
	at := func() time.Time { return day0(0).Add(time.Duration(r.Int64N(int64(365 * day)))) }
	for p := range n {
		s := strconv.Itoa(p)
		out = append(out,
			obs{at(), []Identity{anon("a" + s)}},
			obs{at(), []Identity{anon("a" + s), dev("d" + s)}},
			obs{at(), []Identity{anon("a" + s), uid("u" + s), mail("m" + s)}},
			obs{at(), []Identity{anon("b" + s), mail("m" + s)}},
		)
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func benchStitcher(list []obs) *Stitcher {
	s, _ := NewStitcher(StitchConfig{}) // the zero config is valid
	for _, o := range list {
		s.Observe(o.t, o.ids...)
	}
	s.Canonical(uid("u0")) // settle the out-of-order arrivals before timing
	return s
}

// BenchmarkStitcherForget measures one Stitcher.Forget of a person among 20,000 (80,000
// observations), the erasure request a shop serves while it keeps stitching.
func BenchmarkStitcherForget(b *testing.B) {
	const people = 20000
	list := benchPeople(rand.New(rand.NewPCG(1, 1)), people)
	s := benchStitcher(list)
	next := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if next == people {
			b.StopTimer()
			s, next = benchStitcher(list), 0
			b.StartTimer()
		}
		if !s.Forget("u" + strconv.Itoa(next)).Found {
			b.Fatal("nothing forgotten")
		}
		next++
	}
}

// BenchmarkBuilderForget measures Builder.Forget with a Stitcher and Consents configured, on
// the 20,000 people of BenchmarkStitcherForget with one order and consent each.
func BenchmarkBuilderForget(b *testing.B) {
	const people = 20000
	list := benchPeople(rand.New(rand.NewPCG(1, 1)), people)
	build := func() *Builder {
		st := benchStitcher(list)
		cons := &Consents{}
		bl := newBuilder(b, Config{Now: day0(400), Stitcher: st, Consents: cons})
		for p := range people {
			s := strconv.Itoa(p)
			if err := cons.Grant("u"+s, PurposeAnalytics, day0(0)); err != nil {
				b.Fatal(err)
			}
			if err := bl.AddOrder(Order{ID: "o" + s, CustomerID: "u" + s, Time: day0(1 + p%300),
				Lines: []Line{{ItemID: "i" + strconv.Itoa(p%500), Quantity: 1, UnitPrice: 10}}}); err != nil {
				b.Fatal(err)
			}
			if err := bl.AddEvent(Event{AnonymousID: "a" + s, Time: day0(1 + p%300), Type: View}); err != nil {
				b.Fatal(err)
			}
		}
		st.Canonical(uid("u0")) // settle the late arrivals (one replay) before timing
		return bl
	}
	bl := build()
	next := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if next == people {
			b.StopTimer()
			bl, next = build(), 0
			b.StartTimer()
		}
		if rep := bl.Forget("u" + strconv.Itoa(next)); rep.Removed["accumulators"] == 0 {
			b.Fatalf("nothing forgotten: %+v", rep)
		}
		next++
	}
}
