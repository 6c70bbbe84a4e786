package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reachableStrings returns every string reachable from v (through pointers, maps, slices,
// interfaces and unexported fields) that contains marker: the byte-level check that an
// erasure left nothing of a person in memory that a later report, export or error could show.
func reachableStrings(v any, marker string) []string {
	var found []string
	seen := map[uintptr]bool{}
	var walk func(reflect.Value, string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.String:
			if strings.Contains(v.String(), marker) {
				found = append(found, path+" = "+v.String())
			}
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem(), path)
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Slice:
			if v.IsNil() {
				return
			}
			// Walk the whole backing array: a truncated slice can still hold an erased value.
			for i := range v.Cap() {
				walk(v.Slice(0, v.Cap()).Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Key(), path+"{key}")
				walk(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()))
			}
		}
	}
	walk(reflect.ValueOf(v), "")
	return found
}

// alicesShop: alice browses on a cookie, logs in, gives consent under her e-mail hash, places
// orders (one dated after Now), her cookie is seen with bob's login (refused: one user ID per
// customer), and an event of hers is dated after Now. Bob is a bystander. Every value of
// alice's contains "7f3a".
func alicesShop(t *testing.T) (*Builder, *Stitcher, *Consents) {
	st := newStitcher(t, StitchConfig{})
	cons := &Consents{}
	b := newBuilder(t, Config{Now: day0(30), Stitcher: st, Consents: cons, EventPurchases: true})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(cons.Grant("mail-alice-7f3a", PurposeAnalytics, day0(0)))
	must(cons.Grant("anon-alice-7f3a", PurposeMarketing, day0(0)))
	must(cons.Grant("bob", PurposeAnalytics, day0(0)))
	for _, e := range []Event{
		{AnonymousID: "anon-alice-7f3a", Time: day0(1), Type: View, ItemID: "tea", Channel: "social"},
		{CustomerID: "alice-7f3a", AnonymousID: "anon-alice-7f3a", Time: day0(2), Type: Checkout,
			Identities: []Identity{{IDEmailHash, "mail-alice-7f3a"}, {IDPhoneHash, "phone-alice-7f3a"}}},
		{CustomerID: "alice-7f3a", Time: day0(3), Type: Purchase, ItemID: "tea", Quantity: 1, Price: 4, OrderID: "ord-alice-7f3a-ev"},
		{CustomerID: "bob", AnonymousID: "anon-alice-7f3a", Time: day0(4), Type: View}, // refused: alice has a user ID
		{CustomerID: "bob", Time: day0(5), Type: View, ItemID: "tea"},
		{CustomerID: "alice-7f3a", AnonymousID: "anon-alice-7f3a", Time: day0(40), Type: PageView}, // after Now
	} {
		must(b.AddEvent(e))
	}
	for _, o := range []Order{
		{ID: "ord-alice-7f3a", CustomerID: "alice-7f3a", Time: day0(6), Lines: []Line{{ItemID: "tea", Quantity: 2, UnitPrice: 4}}},
		{ID: "ord-alice-7f3a-r", CustomerID: "alice-7f3a", Time: day0(7), Lines: []Line{{ItemID: "tea", Quantity: -1, UnitPrice: 4}}},
		{ID: "ord-alice-7f3a-late", CustomerID: "alice-7f3a", Time: day0(50), Lines: []Line{{ItemID: "tea", Quantity: 1, UnitPrice: 4}}},
		{ID: "ord-bob", CustomerID: "bob", Time: day0(8), Lines: []Line{{ItemID: "tea", Quantity: 1, UnitPrice: 4}}},
		{ID: "ord-bob-late", CustomerID: "bob", Time: day0(60), Lines: []Line{{ItemID: "tea", Quantity: 1, UnitPrice: 4}}},
	} {
		must(b.AddOrder(o))
	}
	return b, st, cons
}

// everythingShown is the text of every report, export, profile, audit, consent record and
// error the builder, its stitcher and its consents give about everyone they know and about
// alice's identifiers, as JSON and as fmt's %+v.
func everythingShown(t *testing.T, b *Builder, st *Stitcher, cons *Consents) string {
	var sb strings.Builder
	show := func(v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%T): %v", v, err)
		}
		sb.Write(raw)
		fmt.Fprintf(&sb, "\n%+v\n", v)
	}
	ps := b.Profiles()
	show(b.Report())
	show(ps.Report())
	for p := range ps.All() {
		show(p)
	}
	for p := range b.snapshot(false).All() {
		show(p)
	}
	for id, ids := range st.Customers() {
		show(ids)
		show(st.Audit(id))
		ex, err := b.Export(id, day0(30))
		show(ex)
		if err != nil {
			sb.WriteString(err.Error())
		}
	}
	for _, who := range []string{"alice-7f3a", "anonymous_id:anon-alice-7f3a", "email_hash:mail-alice-7f3a", "bob"} {
		ex, err := b.Export(who, day0(30))
		if err != nil {
			sb.WriteString(err.Error() + "\n")
		} else {
			show(ex)
		}
		show(st.Identities(who))
		show(st.Audit(who))
	}
	for _, subj := range []string{"alice-7f3a", "anon-alice-7f3a", "mail-alice-7f3a", "phone-alice-7f3a", "bob"} {
		show(cons.Records(subj))
	}
	return sb.String()
}

// TestForgetLeavesNoTrace: after Builder.Forget no byte of what the builder, its Stitcher or
// its Consents show, nor any string reachable in their memory, holds alice's customer ID,
// identifiers or order IDs. (Before, Report().FutureExamples kept "event page_view of
// alice-7f3a ..." and "order ord-alice-7f3a-late ...".)
func TestForgetLeavesNoTrace(t *testing.T) {
	const marker = "7f3a"
	b, st, cons := alicesShop(t)
	if len(reachableStrings(b, marker)) == 0 {
		t.Fatal("the builder holds nothing of alice before Forget")
	}
	before := everythingShown(t, b, st, cons)
	for _, want := range []string{"order ord-alice-7f3a-late", "event page_view of alice-7f3a", "mail-alice-7f3a", "ord-alice-7f3a-ev"} {
		if !strings.Contains(before, want) {
			t.Fatalf("the shop does not show %q before Forget: the check below would prove nothing", want)
		}
	}
	rep := b.Forget("alice-7f3a")
	// Alice's user ID and cookie each had an accumulator, holding the orders ord-alice-7f3a and
	// ord-alice-7f3a-ev (the return is no purchase, the late order is not held); her four
	// identifiers were seen in four observations (days 1 to 4), which led to four decisions
	// (three joins on day 2, bob's refused login on day 4); two consents were recorded under
	// her identifiers; two report examples named her.
	want := ForgetReport{Person: "alice-7f3a", Found: true, Removed: map[string]int{
		"accumulators": 2, "orders": 2, "identities": 4, "observations": 4, "audit_entries": 4,
		"consents": 2, "report_examples": 2}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("forget report (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ForgetReport{Person: "alice-7f3a"}, b.Forget("alice-7f3a")); diff != "" {
		t.Errorf("second Forget (-want +got):\n%s", diff)
	}
	after := everythingShown(t, b, st, cons)
	if i := strings.Index(after, marker); i >= 0 {
		t.Errorf("alice is still shown after Forget: ...%s...", after[max(0, i-120):min(len(after), i+60)])
	}
	for _, s := range reachableStrings(b, marker) {
		t.Errorf("reachable after Forget: %s", s)
	}
	// Bob is untouched: both his views count (one was on alice's cookie: his event, his data).
	if p, ok := b.Profiles().Get("bob"); !ok || p.Orders != 1 || p.Events[View] != 2 {
		t.Errorf("bob after alice's erasure: %+v", p)
	}
	if got := b.Report(); got.Future != 3 || len(got.FutureExamples) != 1 || got.FutureExamples[0] != "order ord-bob-late at 2025-03-02T00:00:00Z" {
		t.Errorf("report after Forget %+v: want the three future records counted and only bob's example kept", got)
	}
	if _, err := b.Export("alice-7f3a", day0(30)); !errors.Is(err, ErrUnknownCustomer) {
		t.Errorf("export of the forgotten: %v", err)
	}
}

// TestStitcherAndConsentsForgetLeaveNoTrace: the same check on a Stitcher and a Consents used
// on their own.
func TestStitcherAndConsentsForgetLeaveNoTrace(t *testing.T) {
	const marker = "7f3a"
	st := newStitcher(t, StitchConfig{})
	st.Observe(day0(1), anon("anon-alice-7f3a"))
	st.Observe(day0(2), anon("anon-alice-7f3a"), uid("alice-7f3a"), mail("mail-alice-7f3a"))
	st.Observe(day0(3), anon("anon-alice-7f3a"), uid("bob")) // refused, then erased with alice
	st.Observe(day0(4), uid("bob"), dev("dev-b"))
	st.Observe(day0(0), anon("anon2-alice-7f3a"), mail("mail-alice-7f3a")) // out of order
	st.Observe(day0(9), uid("alice-7f3a"), dev("dev-alice-7f3a"))          // the latest observation
	if len(reachableStrings(st, marker)) == 0 {
		t.Fatal("the stitcher holds nothing of alice before Forget")
	}
	if got := st.Forget("alice-7f3a"); got.Removed["identities"] != 5 || got.Removed["observations"] != 5 {
		t.Fatalf("Forget = %v, want 5 identities in 5 observations", got)
	}
	for _, s := range reachableStrings(st, marker) {
		t.Errorf("stitcher after Forget: %s", s)
	}
	var shown strings.Builder
	for id, ids := range st.Customers() {
		fmt.Fprintf(&shown, "%s %+v %+v\n", id, ids, st.Audit(id))
	}
	if strings.Contains(shown.String(), marker) || !strings.Contains(shown.String(), "dev-b") {
		t.Errorf("stitcher shows %s", shown.String())
	}

	var c Consents
	for _, s := range []string{"alice-7f3a", "mail-alice-7f3a", "bob"} {
		if err := c.Grant(s, PurposeMarketing, day0(1)); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"alice-7f3a", "mail-alice-7f3a"} {
		if rep := c.Forget(s); rep.Removed["consents"] != 1 {
			t.Errorf("Consents.Forget(%s) = %v, want 1 consent", s, rep)
		}
	}
	for _, s := range reachableStrings(&c, marker) {
		t.Errorf("consents after Forget: %s", s)
	}
	if len(c.Records("bob")) != 1 {
		t.Error("bob's consent went too")
	}
}
