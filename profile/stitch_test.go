package profile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func uid(v string) Identity  { return Identity{IDUser, v} }
func anon(v string) Identity { return Identity{IDAnonymous, v} }
func mail(v string) Identity { return Identity{IDEmailHash, v} }
func dev(v string) Identity  { return Identity{IDDevice, v} }

type obs struct {
	t   time.Time
	ids []Identity
}

func customersOf(s *Stitcher) map[string][]Identity {
	out := map[string][]Identity{}
	for id, ids := range s.Customers() {
		out[id] = ids
	}
	return out
}

func TestStitchSegmentSemantics(t *testing.T) {
	s := newStitcher(t, StitchConfig{})
	// A visitor browses anonymously on two cookies, logs in on one, then the other cookie is
	// seen with the same e-mail hash.
	s.Observe(day0(0), anon("a1"))
	s.Observe(day0(1), anon("a2"), dev("d2"))
	s.Observe(day0(2), anon("a1"), uid("u1"), mail("m1"))
	s.Observe(day0(3), anon("a2"), mail("m1"))
	// Another user logs in on the same device-less cookie a1: user_id is limited to 1 per
	// customer, so the link is refused and u2 stays on its own.
	s.Observe(day0(4), anon("a1"), uid("u2"))
	// Blocked values never stitch anything.
	s.Observe(day0(5), uid("null"), anon("0"), mail(" Anonymous "))

	want := map[string][]Identity{
		"u1": {anon("a1"), anon("a2"), dev("d2"), mail("m1"), uid("u1")},
		"u2": {uid("u2")},
	}
	if diff := cmp.Diff(want, customersOf(s)); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
	if got := s.Canonical(anon("a2")); got != "u1" {
		t.Errorf("Canonical(a2) = %q, want u1", got)
	}
	if got := s.Canonical(anon("never-seen")); got != "anonymous_id:never-seen" {
		t.Errorf("Canonical(unknown) = %q", got)
	}
	// The audit says why a2 joined u1, and that u2 was refused.
	var merged, refused bool
	for _, e := range s.Audit("u1") {
		if e.Action == "merged" && e.Identity == anon("a2") && e.Anchor == mail("m1") && e.Time.Equal(day0(3)) {
			merged = true
		}
		if e.Action == "refused" && e.Identity == uid("u2") && e.Reason == "limit user_id=1 would be exceeded; started a customer of its own" {
			refused = true
		}
	}
	if !merged || !refused {
		t.Errorf("audit lacks the merge or the refusal: %+v", s.Audit("u1"))
	}
}

func TestStitchCustomLimitsAndBlocked(t *testing.T) {
	s := newStitcher(t, StitchConfig{Limits: map[string]int{IDEmailHash: 1}, Blocked: []string{"guest"}})
	s.Observe(day0(0), uid("u1"), mail("m1"))
	s.Observe(day0(1), uid("u1"), mail("m2")) // a second e-mail: refused
	s.Observe(day0(2), uid("u9"), uid("u8"))  // user_id unlimited here: joined
	s.Observe(day0(3), uid("guest"), mail("m3"))
	if s.Blocked(uid("null")) || !s.Blocked(uid("GUEST")) || !s.Blocked(uid("  ")) {
		t.Error("Blocked list not applied as configured")
	}
	want := map[string][]Identity{
		"u1":            {mail("m1"), uid("u1")},
		"email_hash:m2": {mail("m2")},
		"u8":            {uid("u8"), uid("u9")},
		"email_hash:m3": {mail("m3")},
	}
	if diff := cmp.Diff(want, customersOf(s)); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
}

// randomObservations draws observations over a small identifier space so that joins, merges
// and limit conflicts are frequent.
func randomObservations(r *rand.Rand, n int) []obs {
	types := []string{IDUser, IDAnonymous, IDEmailHash, IDDevice, "loyalty_card"}
	out := make([]obs, n)
	for i := range out {
		k := 1 + r.IntN(3)
		ids := make([]Identity, k)
		for j := range ids {
			ids[j] = Identity{types[r.IntN(len(types))], fmt.Sprint(r.IntN(8))}
		}
		out[i] = obs{day0(r.IntN(20)), ids}
	}
	return out
}

// TestStitchOrderIndependent: any permutation of the observations, and any split into two
// stitchers merged, gives the same customers and audit.
func TestStitchOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		list := randomObservations(r, 1+r.IntN(30))
		ref := newStitcher(t, StitchConfig{})
		sorted := slices.Clone(list)
		slices.SortStableFunc(sorted, func(a, b obs) int { return a.t.Compare(b.t) })
		for _, o := range sorted {
			ref.Observe(o.t, o.ids...)
		}
		want := customersOf(ref)
		for perm := 0; perm < 5; perm++ {
			sh := slices.Clone(list)
			r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
			a, b := newStitcher(t, StitchConfig{}), newStitcher(t, StitchConfig{})
			cut := r.IntN(len(sh) + 1)
			for _, o := range sh[:cut] {
				a.Observe(o.t, o.ids...)
			}
			for _, o := range sh[cut:] {
				b.Observe(o.t, o.ids...)
			}
			if err := a.Merge(b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, customersOf(a)); diff != "" {
				t.Fatalf("trial %d perm %d: customers differ (-sorted +shuffled):\n%s", trial, perm, diff)
			}
			for id := range want {
				if diff := cmp.Diff(ref.Audit(id), a.Audit(id)); diff != "" {
					t.Fatalf("trial %d: audit of %s differs:\n%s", trial, id, diff)
				}
			}
		}
	}
}

// checkStitchInvariants: every identity in exactly one customer, limits kept, nothing blocked.
func checkStitchInvariants(t *testing.T, s *Stitcher) {
	t.Helper()
	seen := map[Identity]string{}
	for id, ids := range s.Customers() {
		count := map[string]int{}
		for _, x := range ids {
			if other, dup := seen[x]; dup {
				t.Fatalf("%v in %s and %s", x, other, id)
			}
			seen[x] = id
			if s.Blocked(x) {
				t.Fatalf("blocked %v kept", x)
			}
			count[x.Type]++
			if s.Canonical(x) != id {
				t.Fatalf("Canonical(%v) = %s, want %s", x, s.Canonical(x), id)
			}
		}
		if count[IDUser] > 1 || count[IDEmailHash] > 5 {
			t.Fatalf("limits broken in %s: %v", id, ids)
		}
	}
}

func FuzzStitcher(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("user_id anonymous_id email_hash"))
	f.Add([]byte{255, 0, 255, 0, 17, 34, 51, 68, 85})
	f.Fuzz(func(t *testing.T, data []byte) {
		types := []string{IDUser, IDAnonymous, IDEmailHash, IDPhoneHash, IDDevice, "x", ""}
		values := []string{"1", "2", "3", "null", "", "0", "a", "b"}
		var list []obs
		for i := 0; i+2 < len(data); i += 3 {
			k := 1 + int(data[i]%3)
			var ids []Identity
			for j := 0; j < k && i+1+j < len(data); j++ {
				b := data[i+1+j]
				ids = append(ids, Identity{types[int(b)%len(types)], values[int(b>>3)%len(values)]})
			}
			list = append(list, obs{day0(int(data[i] >> 4)), ids})
		}
		s := newStitcher(t, StitchConfig{})
		for _, o := range list {
			s.Observe(o.t, o.ids...)
		}
		checkStitchInvariants(t, s)
		// Reversed order gives the same customers.
		r := newStitcher(t, StitchConfig{})
		for i := len(list) - 1; i >= 0; i-- {
			r.Observe(list[i].t, list[i].ids...)
		}
		if diff := cmp.Diff(customersOf(s), customersOf(r)); diff != "" {
			t.Fatalf("order dependence:\n%s", diff)
		}
		// Forgetting a customer removes every one of its identities.
		for id, ids := range s.Customers() {
			erased := ids
			if rep := s.Forget(id); rep.Removed["identities"] != len(ids) {
				t.Fatalf("Forget(%s) = %v, want %d identities", id, rep, len(ids))
			}
			for _, x := range ids {
				if c := s.Canonical(x); c != CanonicalID(x) || s.Identities(c) != nil {
					t.Fatalf("%v still stitched after Forget", x)
				}
			}
			checkStitchInvariants(t, s)
			// And it equals a stitcher that never saw the customer's observations.
			rest := slices.DeleteFunc(slices.Clone(list), func(o obs) bool { return mentionsAny(o, erased) })
			if want, got := stitchState(stitcherOf(rest)), stitchState(s); !reflect.DeepEqual(want, got) {
				t.Fatalf("Forget(%s) differs from a rebuild (-rebuilt +forgotten):\n%s", id, cmp.Diff(want, got))
			}
			break
		}
	})
}

func TestStitcherForget(t *testing.T) {
	s := newStitcher(t, StitchConfig{})
	s.Observe(day0(0), anon("a1"), uid("u1"))
	s.Observe(day0(1), anon("a1"), mail("m1"))
	s.Observe(day0(2), uid("u2"), dev("d2"))
	// u1 holds a1, m1 and u1, seen in two observations; a1 and m1 each joined once (u1 started
	// the customer, which is no decision of its own).
	want := ForgetReport{Person: "u1", Found: true, Removed: map[string]int{"identities": 3, "observations": 2, "audit_entries": 2}}
	if diff := cmp.Diff(want, s.Forget("u1")); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]Identity{"u2": {dev("d2"), uid("u2")}}, customersOf(s)); diff != "" {
		t.Errorf("left (-want +got):\n%s", diff)
	}
	if s.Audit("u1") != nil {
		t.Error("forgotten customer still has an audit")
	}
	if diff := cmp.Diff(ForgetReport{Person: "u1"}, s.Forget("u1")); diff != "" {
		t.Errorf("second Forget (-want +got):\n%s", diff)
	}
	if err := s.Merge(s); !errors.Is(err, ErrSelfMerge) {
		t.Errorf("Merge(self) = %v, want ErrSelfMerge", err)
	}
}
