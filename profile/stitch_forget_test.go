package profile

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stitchState is everything a Stitcher reports: its customers and each one's audit.
func stitchState(s *Stitcher) map[string]any {
	out := map[string]any{}
	for id, ids := range s.Customers() {
		out[id] = struct {
			IDs   []Identity
			Audit []AuditEntry
		}{ids, s.Audit(id)}
	}
	return out
}

func stitcherOf(list []obs) *Stitcher {
	s, _ := NewStitcher(StitchConfig{}) // the zero config is valid
	for _, o := range list {
		s.Observe(o.t, o.ids...)
	}
	return s
}

func mentionsAny(o obs, ids []Identity) bool {
	return slices.ContainsFunc(o.ids, func(id Identity) bool { return slices.Contains(ids, id) })
}

// TestStitcherForgetEqualsRebuild: Forget leaves exactly the stitcher that the observations
// without the forgotten customer's give (customers and audit), after any number of Forgets
// interleaved with more observations, in or out of time order.
func TestStitcherForgetEqualsRebuild(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 120; trial++ {
		list := randomObservations(r, 1+r.IntN(40))
		s := stitcherOf(list)
		for step := 0; step < 4; step++ {
			var names []string
			for id := range s.Customers() {
				names = append(names, id)
			}
			if len(names) == 0 {
				break
			}
			who := names[r.IntN(len(names))]
			erased := s.Identities(who)
			if rep := s.Forget(who); !rep.Found || rep.Removed["identities"] != len(erased) || rep.Removed["observations"] == 0 {
				t.Fatalf("trial %d: Forget(%s) = %v, want %d identities and some observations", trial, who, rep, len(erased))
			}
			list = slices.DeleteFunc(list, func(o obs) bool { return mentionsAny(o, erased) })
			if diff := cmp.Diff(stitchState(stitcherOf(list)), stitchState(s)); diff != "" {
				t.Fatalf("trial %d step %d: after Forget(%s) (-rebuilt +forgotten):\n%s", trial, step, who, diff)
			}
			// More observations, some older than everything seen: the component replays must
			// agree with a rebuild too.
			more := randomObservations(r, r.IntN(6))
			for _, o := range more {
				s.Observe(o.t, o.ids...)
			}
			list = append(list, more...)
			if diff := cmp.Diff(stitchState(stitcherOf(list)), stitchState(s)); diff != "" {
				t.Fatalf("trial %d step %d: after more observations (-rebuilt +incremental):\n%s", trial, step, diff)
			}
		}
	}
}

// TestStitcherForgetAfterMerge: a Forget right after a Merge (the one path that defers to a
// full replay) agrees with a rebuild.
func TestStitcherForgetAfterMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for trial := 0; trial < 100; trial++ {
		a, b := randomObservations(r, 1+r.IntN(20)), randomObservations(r, 1+r.IntN(20))
		s := stitcherOf(a)
		if err := s.Merge(stitcherOf(b)); err != nil {
			t.Fatal(err)
		}
		all := append(slices.Clone(a), b...)
		for id := range stitcherOf(all).Customers() {
			erased := s.Identities(id)
			s.Forget(id)
			all = slices.DeleteFunc(all, func(o obs) bool { return mentionsAny(o, erased) })
			break
		}
		if diff := cmp.Diff(stitchState(stitcherOf(all)), stitchState(s)); diff != "" {
			t.Fatalf("trial %d (-rebuilt +merged and forgotten):\n%s", trial, diff)
		}
	}
}

// TestStitchLateArrivals: observations arriving in random order, with queries in between
// (each replays the components of the late ones, or everything once many are late), give the
// stitcher of the observations in time order.
func TestStitchLateArrivals(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 20; trial++ {
		list := randomObservations(r, 50+r.IntN(400))
		for i := range list {
			list[i].ids = append(list[i].ids, Identity{"shard", fmt.Sprint(r.IntN(60))}) // wider components
		}
		want := stitchState(stitcherOf(list))
		sh := slices.Clone(list)
		r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
		s := newStitcher(t, StitchConfig{})
		every := 1 + r.IntN(100)
		for i, o := range sh {
			s.Observe(o.t, o.ids...)
			if i%every == 0 {
				s.Canonical(o.ids[0])
			}
		}
		if diff := cmp.Diff(want, stitchState(s)); diff != "" {
			t.Fatalf("trial %d (queries every %d): (-in order +shuffled):\n%s", trial, every, diff)
		}
	}
}
