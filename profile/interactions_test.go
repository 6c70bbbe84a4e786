package profile_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
	"github.com/tailorkit/tailor/recommend"
)

// dee's anonymous views (cookie-d) and her logged-in cart become one user once the stitcher has
// seen the login that carries both IDs; events without an item are counted, not passed on.
func TestInteractionsStitchedPerson(t *testing.T) {
	events := shoptest.FixtureEvents()
	st, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		st.ObserveEvent(e)
	}
	seq, rep := profile.Interactions(slices.Values(events), profile.InteractionConfig{Stitcher: st})
	got := slices.Collect(seq)
	users := map[string][]string{}
	for _, in := range got {
		users[in.User] = append(users[in.User], in.Item+"/"+in.Kind)
	}
	want := []string{"tea/view", "jacket/view", "tea/add_to_cart"}
	if !slices.Equal(users["dee"], want) {
		t.Errorf("dee's interactions = %v, want %v (the anonymous views stitched to her)", users["dee"], want)
	}
	if _, ok := users["anonymous_id:cookie-d"]; ok {
		t.Error("the cookie is still a user of its own")
	}
	if rep.Events != 9 || rep.NoItem != 1 || rep.Kept != 8 || rep.NoPerson != 0 || rep.NoConsent != 0 {
		t.Errorf("report %+v, want 9 events, 1 without an item, 8 kept", *rep)
	}
	// Without a stitcher, the person is Event.Person(): the cookie stays separate.
	seq, _ = profile.Interactions(slices.Values(events), profile.InteractionConfig{})
	n := 0
	for in := range seq {
		if in.User == "cookie-d" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d interactions of cookie-d without stitching, want 2", n)
	}
}

// End to end on the synthetic shop: customers who never granted personalization are not learned
// from (the model has no history for them and none of their interactions), those who did are,
// and a withdrawal dated before ConsentAt counts.
func TestConsentKeepsPeopleOutOfTheRecommender(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Customers: 300})
	if err != nil {
		t.Fatal(err)
	}
	now := shop.Now()
	var consents profile.Consents
	granted := map[string]bool{}
	for i, c := range shop.Customers() {
		switch i % 3 {
		case 0: // never asked: no consent
		case 1:
			_ = consents.Grant(c.ID, profile.PurposePersonalization, shop.Start())
			granted[c.ID] = true
		case 2: // granted, then withdrew before the training
			_ = consents.Grant(c.ID, profile.PurposePersonalization, shop.Start())
			_ = consents.Withdraw(c.ID, profile.PurposePersonalization, now.Add(-time.Hour))
		}
	}
	events := slices.Collect(shop.Events())
	st, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		st.ObserveEvent(e)
	}
	seq, rep := profile.Interactions(slices.Values(events), profile.InteractionConfig{Stitcher: st, Consents: &consents, ConsentAt: now})
	model, err := recommend.Fit(context.Background(), seq, recommend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NoConsent == 0 || rep.Kept == 0 {
		t.Fatalf("report %+v: want some events kept and some left out for consent", *rep)
	}
	learned := map[string]bool{}
	for _, u := range model.Users() {
		learned[u] = true
	}
	withHistory := 0
	for _, c := range shop.Customers() {
		if learned[c.ID] && !granted[c.ID] {
			t.Fatalf("%s has no personalization consent but the model learned from them", c.ID)
		}
		if learned[c.ID] {
			withHistory++
		}
		if want := granted[c.ID]; consents.Personalize(c.ID, st, now) != want {
			t.Fatalf("Personalize(%s) = %v, want %v", c.ID, !want, want)
		}
	}
	if withHistory == 0 {
		t.Fatal("no consenting customer was learned from")
	}
	// Anonymous visitors who never logged in cannot consent: they are left out too.
	for _, u := range model.Users() {
		if !granted[u] {
			t.Fatalf("user %q without consent is in the model", u)
		}
	}
}

// SessionEvents keeps the browsing steps (views, clicks, carts) with their session and the
// stitched person, and counts the rest.
func TestSessionEvents(t *testing.T) {
	events := shoptest.FixtureEvents()
	st, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		st.ObserveEvent(e)
	}
	seq, rep := profile.SessionEvents(slices.Values(events), profile.InteractionConfig{Stitcher: st})
	var dee []string
	for ev := range seq {
		if ev.Visitor == "dee" {
			dee = append(dee, ev.Session+"/"+ev.Item)
		}
		if ev.Item == "" || ev.Time.IsZero() {
			t.Fatalf("event without item or time: %+v", ev)
		}
	}
	// dee: two anonymous views and the cart, all in session s-dee-1; the login page view is
	// not a browsing step. ann: two views and a cart (her purchase is not a browsing step);
	// ben's purchase neither.
	if want := []string{"s-dee-1/tea", "s-dee-1/jacket", "s-dee-1/tea"}; !slices.Equal(dee, want) {
		t.Errorf("dee's session events = %v, want %v", dee, want)
	}
	if rep.Events != 9 || rep.Kept != 6 || rep.NoItem != 3 {
		t.Errorf("report %+v, want 9 events, 6 kept, 3 not browsing steps", *rep)
	}
}
