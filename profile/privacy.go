package profile

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/forget"
)

// ErrUnknownCustomer is returned by Export for a customer the builder holds nothing about.
var ErrUnknownCustomer = errors.New("profile: unknown customer")

// ForgetReport is what a Forget removed for one person: the ID asked for, whether anything
// was held, and how many records of each kind were removed ({"person":"c42","found":true,
// "removed":{"orders":3}}). For a person held nowhere, Found is false and Removed is empty. It
// is the one report type of every tailor store (internal/forget.Report); each Forget's doc
// lists the kinds it counts.
type ForgetReport = forget.Report

// identitiesOf returns the identities that make up a canonical customer ID: the stitched ones
// when a stitcher knows the customer, else the identity the ID names (a user ID, or a
// "type:value" identity).
func (b *Builder) identitiesOf(customer string) []Identity {
	var ids []Identity
	if b.cfg.Stitcher != nil {
		ids = b.cfg.Stitcher.Identities(customer)
	}
	if len(ids) > 0 {
		return ids
	}
	if _, ok := b.lookup(Identity{IDUser, customer}); ok {
		return []Identity{{IDUser, customer}}
	}
	if typ, val, ok := strings.Cut(customer, ":"); ok {
		if _, held := b.lookup(Identity{typ, val}); held {
			return []Identity{{typ, val}}
		}
	}
	return []Identity{{IDUser, customer}}
}

// Forget erases everything the builder holds about a customer (given by canonical ID, as in
// Profile.CustomerID): the accumulators of every identifier stitched to them (with their order
// IDs), the Report.FutureExamples that name any of those identifiers, their identifiers and
// stitching history in Config.Stitcher, and their decisions in Config.Consents. Afterwards no
// report, export, profile or error of the builder, its Stitcher or its Consents holds the
// customer's ID, identifiers or order IDs. Counts (Report.Orders, Future, ...) are kept: they
// name no one. Profiles snapshots taken before are not changed: take a new one. A builder fed
// from shards must forget on every shard (or forget after merging). Item, category, brand,
// channel and device names stay interned: they describe the catalog, not the customer.
//
// The report counts, by kind: "accumulators" (per-identifier accumulators deleted), "orders"
// (distinct order IDs they held), "report_examples" (Report.FutureExamples dropped), and what
// Stitcher.Forget ("identities", "observations", "audit_entries") and Consents.Forget
// ("consents") removed. For a customer held nowhere it has Found false and lists nothing.
func (b *Builder) Forget(customer string) ForgetReport {
	return b.ForgetAll(customer)[0]
}

// ForgetAll is Forget for several customers, returning one report per customer in the order
// given, with one pass over the report's examples for all of them. A customer named twice is
// forgotten once: the second report has Found false.
func (b *Builder) ForgetAll(customers ...string) []ForgetReport {
	reps := make([]ForgetReport, len(customers))
	gone := make([]map[Identity]bool, len(customers))
	for k, customer := range customers {
		rep := &reps[k]
		rep.Person = customer
		ids := b.identitiesOf(customer)
		if b.cfg.Stitcher != nil {
			srep, erased := b.cfg.Stitcher.forget(customer)
			if erased != nil {
				ids = erased
			}
			rep.Merge(srep)
		}
		g := make(map[Identity]bool, len(ids)+1)
		g[Identity{IDUser, customer}] = true
		orders := make(map[string]bool)
		for _, id := range ids {
			g[id] = true
			if i, ok := b.lookup(id); ok {
				b.remove(id)
				for _, o := range b.accs[i].orders {
					orders[o.id] = true
				}
				*b.accs[i] = acc{} // the slab would otherwise keep the order IDs reachable
				b.accs[i] = nil
				rep.Add("accumulators", 1)
			}
		}
		rep.Add("orders", len(orders))
		gone[k] = g
		if b.cfg.Consents != nil {
			rep.Add("consents", b.cfg.Consents.forget(subjectsOf(customer, ids)))
		}
	}
	b.lastKey, b.lastAcc = Identity{}, nil
	// The examples of records dated after Now name their order and customer: drop those of
	// the forgotten customers (Report.Future still counts them: a count names no one).
	b.future = slices.DeleteFunc(b.future, func(ex futureExample) bool {
		for k, customer := range customers {
			if slices.ContainsFunc(ex.who, func(id Identity) bool { return gone[k][id] || CanonicalID(id) == customer }) {
				reps[k].Add("report_examples", 1)
				return true
			}
		}
		return false
	})
	return reps
}

// CustomerExport is everything a builder holds about one customer, for data portability
// (Builder.Export). Its JSON shape:
//
//	{
//	  "customer_id": "c42",
//	  "exported_at": "2025-06-01T00:00:00Z",
//	  "identities": [{"type": "user_id", "value": "c42"}, {"type": "email_hash", "value": "…"}],
//	  "profile": { …every Profile field, by its json name (see Profile)… },
//	  "orders": [{"id": "o1", "time": "2025-01-01T10:00:00Z"}],
//	  "consents": [{"subject": "c42", "purpose": "marketing", "granted": true, "time": "…"}],
//	  "stitching": [{"time": "…", "action": "joined", "anchor": {"type": …}, "identity": {…},
//	                 "observation": [{…}], "reason": "seen together in one event"}]
//	}
//
// Times are RFC 3339 in UTC. "profile" is null when the builder holds no records of the
// customer (only stitching or consent data); "consents" and "stitching" are empty arrays when
// no Consents or Stitcher is configured.
type CustomerExport struct {
	CustomerID string          `json:"customer_id"`
	ExportedAt time.Time       `json:"exported_at"`
	Identities []Identity      `json:"identities"`
	Profile    *Profile        `json:"profile"`
	Orders     []ExportedOrder `json:"orders"`
	Consents   []ConsentRecord `json:"consents"`
	Stitching  []AuditEntry    `json:"stitching"`
}

// ExportedOrder is an order ID and time the builder holds for a customer.
type ExportedOrder struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
}

// Export returns everything the builder holds about a customer (by canonical ID). The
// profile is computed as Profiles would, but without the consent check: a customer's access
// to their own data does not depend on consent to analytics. It returns ErrUnknownCustomer
// when nothing is held. Marshal the result with encoding/json for the documented
// shape.
func (b *Builder) Export(customer string, now time.Time) (*CustomerExport, error) {
	ids := b.identitiesOf(customer)
	ex := &CustomerExport{CustomerID: customer, ExportedAt: now.UTC(), Identities: ids,
		Orders: []ExportedOrder{}, Consents: []ConsentRecord{}, Stitching: []AuditEntry{}}
	held := false
	merged := &acc{}
	for _, id := range ids {
		if i, ok := b.lookup(id); ok {
			merged.merge(b.accs[i], nil)
			held = true
		}
	}
	if held {
		snap := b.snapshot(false)
		if p, ok := snap.Get(customer); ok {
			ex.Profile = &p
		}
		for _, o := range merged.distinctOrders() {
			ex.Orders = append(ex.Orders, ExportedOrder{o.id, time.Unix(0, o.t).UTC()})
		}
	}
	if b.cfg.Stitcher != nil {
		if a := b.cfg.Stitcher.Audit(customer); a != nil {
			ex.Stitching = a
			held = true
		}
	}
	if b.cfg.Consents != nil {
		for _, s := range subjectsOf(customer, ids) {
			ex.Consents = append(ex.Consents, b.cfg.Consents.Records(s)...)
		}
		slices.SortStableFunc(ex.Consents, compareConsent)
		if len(ex.Consents) > 0 {
			held = true
		}
	}
	if !held {
		// The ID is not repeated: the caller has it, and the error of a forgotten customer must
		// not differ from that of one never seen.
		return nil, ErrUnknownCustomer
	}
	return ex, nil
}
