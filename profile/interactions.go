package profile

import (
	"iter"
	"time"

	"github.com/tailorkit/tailor/recommend"
	"github.com/tailorkit/tailor/recommend/session"
)

// InteractionConfig says how Interactions turns events into the recommender's input.
type InteractionConfig struct {
	// Stitcher, when set, names each event's person by the canonical ID of their stitched
	// customer (Stitcher.PersonOf), so a visitor's anonymous views and their logged-in
	// purchases count for one user. It must have observed the events first: Build with
	// Config.Stitcher does that, or feed it with ObserveEvent. Nil means Event.Person().
	Stitcher *Stitcher
	// Consents, when set, leaves out every event whose person may not be processed for
	// PurposePersonalization at ConsentAt, so the recommender never learns from them (see
	// "Consent" in the package doc for the serving side). Nil keeps every event.
	Consents *Consents
	// ConsentAt is the time at which consent is judged: pass the training's reference time
	// so a withdrawal before it counts. Zero means each event's own time (consent at
	// collection).
	ConsentAt time.Time
}

// InteractionReport counts what Interactions kept and what it left out, by reason. It is
// filled while the sequence is ranged over; read it after.
type InteractionReport struct {
	Events    int `json:"events"`     // events seen (Interactions)
	Lines     int `json:"lines"`      // order lines seen (OrderInteractions)
	Kept      int `json:"kept"`       // interactions yielded
	NoItem    int `json:"no_item"`    // left out: no ItemID (page views, searches, logins)
	NoPerson  int `json:"no_person"`  // left out: no person (no CustomerID nor AnonymousID; a guest order)
	NoConsent int `json:"no_consent"` // left out: no PurposePersonalization consent
}

// Interactions turns a stream of events into the recommender's input, one Interaction per
// event that names an item: User is the event's person (stitched when cfg.Stitcher is set),
// Kind its type as the same plain string (recommend's Config.KindWeights weigh it; an unknown
// type is passed on for Fit to report), Time and Category as recorded, and Weight left 0 so
// that the kind decides. Returns keep their positive Quantity and kind "return", which the
// default weights count against a purchase. Events without an item, without a person, or
// without personalization consent (cfg.Consents) are left out and counted in the report.
//
//	seq, rep := profile.Interactions(events, profile.InteractionConfig{Stitcher: st, Consents: &consents, ConsentAt: now})
//	model, err := recommend.Fit(ctx, seq, recommend.Config{})
func Interactions(events iter.Seq[Event], cfg InteractionConfig) (iter.Seq[recommend.Interaction], *InteractionReport) {
	rep := &InteractionReport{}
	seq := func(yield func(recommend.Interaction) bool) {
		for e := range events {
			rep.Events++
			if e.ItemID == "" {
				rep.NoItem++
				continue
			}
			person := e.Person()
			if cfg.Stitcher != nil && person != "" {
				person = cfg.Stitcher.PersonOf(&e)
			}
			if person == "" {
				rep.NoPerson++
				continue
			}
			if !cfg.consented(person, e.Time) {
				rep.NoConsent++
				continue
			}
			rep.Kept++
			if !yield(recommend.Interaction{User: person, Item: e.ItemID, Kind: string(e.Type), Time: e.Time, Category: e.Category}) {
				return
			}
		}
	}
	return seq, rep
}

// OrderInteractions turns orders into the recommender's input, one Interaction per order line
// that names an item: User is the buyer (stitched when cfg.Stitcher is set), Kind "purchase", or
// "return" for a line with a negative quantity, Time the order's time and Category the line's;
// Weight is left 0 so that the kind decides. Guest orders, lines without an item (a CDNOW file
// names none) and buyers without personalization consent (cfg.Consents) are left out and
// counted in the report, by line.
func OrderInteractions(orders iter.Seq[Order], cfg InteractionConfig) (iter.Seq[recommend.Interaction], *InteractionReport) {
	rep := &InteractionReport{}
	seq := func(yield func(recommend.Interaction) bool) {
		for o := range orders {
			person := o.CustomerID
			if cfg.Stitcher != nil && person != "" {
				person = cfg.Stitcher.Canonical(Identity{IDUser, person})
			}
			allowed := person != "" && cfg.consented(person, o.Time)
			for _, l := range o.Lines {
				rep.Lines++
				switch {
				case l.ItemID == "":
					rep.NoItem++
					continue
				case person == "":
					rep.NoPerson++
					continue
				case !allowed:
					rep.NoConsent++
					continue
				}
				kind := string(Purchase)
				if l.Quantity < 0 {
					kind = string(Return)
				}
				rep.Kept++
				if !yield(recommend.Interaction{User: person, Item: l.ItemID, Kind: kind, Time: o.Time, Category: l.Category}) {
					return
				}
			}
		}
	}
	return seq, rep
}

// SessionEvents turns events into the session recommender's input: one session.Event per
// product view, click or add-to-cart (the steps of browsing; other types are counted in
// NoItem with the events without an item), with Session = SessionID (empty: the session model
// splits the visitor's events at pauses), Visitor = the event's person (stitched when
// cfg.Stitcher is set) and the item and time. A known customer without personalization consent
// (cfg.Consents) is left out and counted; a visitor who never logged in has no customer to
// consent and is kept only when cfg.Consents is nil, since session recommendations for an
// anonymous visitor use nothing but the session in progress.
func SessionEvents(events iter.Seq[Event], cfg InteractionConfig) (iter.Seq[session.Event], *InteractionReport) {
	rep := &InteractionReport{}
	seq := func(yield func(session.Event) bool) {
		for e := range events {
			rep.Events++
			switch {
			case e.ItemID == "":
				rep.NoItem++
				continue
			case e.Type != View && e.Type != Click && e.Type != AddToCart:
				rep.NoItem++
				continue
			}
			person := e.Person()
			if cfg.Stitcher != nil && person != "" {
				person = cfg.Stitcher.PersonOf(&e)
			}
			if person == "" && e.SessionID == "" {
				rep.NoPerson++
				continue
			}
			if cfg.Consents != nil && (person == "" || !cfg.consented(person, e.Time)) {
				rep.NoConsent++
				continue
			}
			rep.Kept++
			if !yield(session.Event{Session: e.SessionID, Visitor: person, Item: e.ItemID, Time: e.Time}) {
				return
			}
		}
	}
	return seq, rep
}

// consented reports whether person may be learned from for PurposePersonalization: always
// when cfg.Consents is nil, else at ConsentAt, or at the record's own time when that is zero.
func (cfg InteractionConfig) consented(person string, recordTime time.Time) bool {
	if cfg.Consents == nil {
		return true
	}
	at := cfg.ConsentAt
	if at.IsZero() {
		at = recordTime
	}
	return cfg.Consents.personalize(person, cfg.Stitcher, at)
}

// PersonOf returns the canonical customer ID of the person behind an event: the stitched
// customer of its CustomerID, else of its AnonymousID; "" when the event names neither.
func (s *Stitcher) PersonOf(e *Event) string {
	switch {
	case e.CustomerID != "":
		return s.Canonical(Identity{IDUser, e.CustomerID})
	case e.AnonymousID != "":
		return s.Canonical(Identity{IDAnonymous, e.AnonymousID})
	}
	return ""
}

// Personalize reports whether person (a canonical customer ID) may be served personal
// recommendations at time at: PurposePersonalization is granted by the latest decision of any
// of the person's identifiers (st may be nil when identities are not stitched). A host that
// gets false serves the non-personal path instead (popular items, similar items of the page
// being viewed), and must not pass the person's history to the recommender.
func (c *Consents) Personalize(person string, st *Stitcher, at time.Time) bool {
	return c.personalize(person, st, at)
}

func (c *Consents) personalize(person string, st *Stitcher, at time.Time) bool {
	var keys []Identity
	if st != nil {
		keys = st.Identities(person)
	}
	return c.allowedAny(person, keys, PurposePersonalization, at)
}
