package profile

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// ErrUnknownCustomer is returned by Export for a customer the builder holds nothing about.
var ErrUnknownCustomer = errors.New("profile: unknown customer")

// ForgetReport says what Builder.Forget erased.
type ForgetReport struct {
	// Customer is the ID Forget was called with.
	Customer string
	// Identities are the identifiers erased (all those stitched to the customer).
	Identities []Identity
	// Accumulators is the number of per-identifier accumulators deleted from the builder.
	Accumulators int
	// Consents is the number of consent decisions deleted.
	Consents int
}

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
func (b *Builder) Forget(customer string) ForgetReport {
	ids := b.identitiesOf(customer)
	rep := ForgetReport{Customer: customer}
	if b.cfg.Stitcher != nil {
		if erased := b.cfg.Stitcher.Forget(customer); erased != nil {
			ids = erased
		}
	}
	gone := make(map[Identity]bool, len(ids)+1)
	gone[Identity{IDUser, customer}] = true
	for _, id := range ids {
		gone[id] = true
		if i, ok := b.lookup(id); ok {
			b.remove(id)
			*b.accs[i] = acc{} // the slab would otherwise keep the order IDs reachable
			b.accs[i] = nil
			rep.Accumulators++
		}
	}
	b.lastKey, b.lastAcc = Identity{}, nil
	// The examples of records dated after Now name their order and customer: drop those of
	// the forgotten customer (Report.Future still counts them: a count names no one).
	b.future = slices.DeleteFunc(b.future, func(ex futureExample) bool {
		return slices.ContainsFunc(ex.who, func(id Identity) bool { return gone[id] || CanonicalID(id) == customer })
	})
	if b.cfg.Consents != nil {
		rep.Consents = b.cfg.Consents.Forget(subjectsOf(customer, ids)...)
	}
	rep.Identities = ids
	return rep
}

// CustomerExport is everything a builder holds about one customer, for data portability
// (Builder.Export). Its JSON shape:
//
//	{
//	  "customer_id": "c42",
//	  "exported_at": "2025-06-01T00:00:00Z",
//	  "identities": [{"Type": "user_id", "Value": "c42"}, {"Type": "email_hash", "Value": "…"}],
//	  "profile": { …every Profile field, by its json name (see Profile)… },
//	  "orders": [{"id": "o1", "time": "2025-01-01T10:00:00Z"}],
//	  "consents": [{"subject": "c42", "purpose": "marketing", "granted": true, "time": "…"}],
//	  "stitching": [{"time": "…", "action": "joined", "anchor": {"Type": …}, "identity": {…},
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
