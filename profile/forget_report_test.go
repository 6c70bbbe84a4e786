package profile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestForgetUnknownListsNothing: a Forget of someone no store holds says so and lists nothing,
// in the one report shape of Builder, Stitcher and Consents. (Before, Builder.Forget listed
// the identity [{user_id nobody}] it had guessed from the ID.)
func TestForgetUnknownListsNothing(t *testing.T) {
	b, st, cons := alicesShop(t)
	want := ForgetReport{Person: "nobody"}
	for name, got := range map[string]ForgetReport{
		"Builder":  b.Forget("nobody"),
		"Stitcher": st.Forget("nobody"),
		"Consents": cons.Forget("nobody"),
	} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s.Forget(nobody) (-want +got):\n%s", name, diff)
		}
	}
	if got := b.ForgetAll(); len(got) != 0 {
		t.Errorf("ForgetAll() = %v", got)
	}
}

// TestForgetAllEqualsForgets: ForgetAll gives the reports, in the order asked, and leaves the
// builder, stitcher and consents that Forget called once per person leaves; a person named
// twice is forgotten once.
func TestForgetAllEqualsForgets(t *testing.T) {
	who := []string{"bob", "nobody", "alice-7f3a", "bob"}
	b1, st1, cons1 := alicesShop(t)
	var want []ForgetReport
	for _, w := range who {
		want = append(want, b1.Forget(w))
	}
	b2, st2, cons2 := alicesShop(t)
	got := b2.ForgetAll(who...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ForgetAll (-Forget each +ForgetAll):\n%s", diff)
	}
	// Bob: his user ID's accumulator with ord-bob, one consent, his late order's example; his
	// two observations (day 4 with alice's cookie, day 5) and the refusal on day 4.
	bob := ForgetReport{Person: "bob", Found: true, Removed: map[string]int{
		"accumulators": 1, "orders": 1, "consents": 1, "report_examples": 1,
		"identities": 1, "observations": 2, "audit_entries": 1}}
	if diff := cmp.Diff(bob, got[0]); diff != "" {
		t.Errorf("bob's report (-want +got):\n%s", diff)
	}
	if got[1].Found || got[3].Found || len(got[3].Removed) != 0 || !got[2].Found {
		t.Errorf("reports %v: want nobody and the second bob not found, alice found", got)
	}
	if a, b := everythingShown(t, b1, st1, cons1), everythingShown(t, b2, st2, cons2); a != b {
		t.Errorf("ForgetAll leaves another state than Forget each:\n%s\n---\n%s", a, b)
	}
	if b2.Report().FutureExamples != nil {
		t.Errorf("examples left: %v", b2.Report().FutureExamples)
	}
}

// TestStitcherAndConsentsForgetAll: the batch forms give one report per person in the order
// asked, as Forget one by one does, with a repeated person not found the second time.
func TestStitcherAndConsentsForgetAll(t *testing.T) {
	_, st1, cons1 := alicesShop(t)
	_, st2, cons2 := alicesShop(t)
	who := []string{"bob", "alice-7f3a", "nobody", "bob"}
	var wantSt, wantCons []ForgetReport
	for _, w := range who {
		wantSt = append(wantSt, st1.Forget(w))
		wantCons = append(wantCons, cons1.Forget(w))
	}
	if diff := cmp.Diff(wantSt, st2.ForgetAll(who...)); diff != "" {
		t.Errorf("Stitcher.ForgetAll (-Forget each +ForgetAll):\n%s", diff)
	}
	if diff := cmp.Diff(wantCons, cons2.ForgetAll(who...)); diff != "" {
		t.Errorf("Consents.ForgetAll (-Forget each +ForgetAll):\n%s", diff)
	}
	// Hand-worked: bob granted analytics once; alice's consents were recorded under her
	// e-mail hash and cookie, not under her user ID.
	want := []ForgetReport{{Person: "bob", Found: true, Removed: map[string]int{"consents": 1}}, {Person: "alice-7f3a"}, {Person: "nobody"}, {Person: "bob"}}
	if diff := cmp.Diff(want, wantCons); diff != "" {
		t.Errorf("Consents.Forget reports (-want +got):\n%s", diff)
	}
	if wantSt[0].Removed["identities"] != 1 || wantSt[1].Removed["identities"] != 4 || wantSt[2].Found || wantSt[3].Found {
		t.Errorf("Stitcher.Forget reports %v: want bob's 1 identity, alice's 4, then nothing", wantSt)
	}
}
