package profile

import (
	"cmp"
	"iter"
	"slices"
)

// Canonical returns the canonical customer ID of the customer holding id (CanonicalID(id)
// itself when the stitcher has not seen it).
func (s *Stitcher) Canonical(id Identity) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh()
	if c, ok := s.owner[id]; ok {
		return s.canonOf(c)
	}
	return CanonicalID(id)
}

func (s *Stitcher) find(customer string) (*stitched, bool) {
	s.refresh()
	c, ok := s.byCanon[customer]
	return c, ok
}

// Identities returns every identity of the customer with the given canonical ID, sorted by
// type and value; nil when there is no such customer.
func (s *Stitcher) Identities(customer string) []Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.find(customer)
	if !ok {
		return nil
	}
	ids := slices.Clone(c.ids)
	slices.SortFunc(ids, compareIdentity)
	return ids
}

// Audit returns the stitching decisions that involved the customer's identities (as Anchor
// or Identity), in the order they were made.
func (s *Stitcher) Audit(customer string) []AuditEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.find(customer)
	if !ok {
		return nil
	}
	mine := make(map[Identity]bool, len(c.ids))
	for _, id := range c.ids {
		mine[id] = true
	}
	// A decision names identities of its own observation, so the customer's decisions are
	// those of the observations that mention its identities, made in observation order.
	var list []*observation
	seen := make(map[*observation]bool)
	for _, id := range c.ids {
		for _, o := range s.byID[id] {
			if !seen[o] {
				seen[o] = true
				list = append(list, o)
			}
		}
	}
	slices.SortFunc(list, compareObs)
	var out []AuditEntry
	for _, o := range list {
		for _, e := range o.entries {
			if mine[e.Anchor] || mine[e.Identity] {
				e.Observation = slices.Clone(e.Observation)
				out = append(out, e)
			}
		}
	}
	return out
}

// Customers yields every stitched customer's canonical ID and identities (sorted by type and
// value), in canonical ID order: a snapshot taken when iteration starts (the lock is not held
// while yielding, so the loop body may call the stitcher).
func (s *Stitcher) Customers() iter.Seq2[string, []Identity] {
	return func(yield func(string, []Identity) bool) {
		type row struct {
			id  string
			ids []Identity
		}
		s.mu.Lock()
		s.refresh()
		rows := make([]row, 0, len(s.custs)-s.dead)
		for _, c := range s.custs {
			if c.dead {
				continue
			}
			ids := slices.Clone(c.ids)
			slices.SortFunc(ids, compareIdentity)
			rows = append(rows, row{s.canonOf(c), ids})
		}
		s.mu.Unlock()
		slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.id, b.id) })
		for _, r := range rows {
			if !yield(r.id, r.ids) {
				return
			}
		}
	}
}

// Forget erases the customer with the given canonical ID: every observation that mentions any
// of its identities is deleted, with the decisions it led to, and the observations connected
// to them (other people's, e.g. a login that was refused on the customer's cookie) are
// replayed, so the stitcher equals one that never saw the deleted observations. Nothing of
// the deleted observations is kept. The cost grows with the history of the customer and of
// those connected to them through shared identifiers, not with the stitcher's size. The
// report counts, by kind, "identities" (the customer's), "observations" (deleted) and
// "audit_entries" (the decisions those observations had led to); for an unknown customer it
// has Found false and lists nothing.
func (s *Stitcher) Forget(customer string) ForgetReport {
	rep, _ := s.forget(customer)
	return rep
}

// ForgetAll is Forget for several customers, returning one report per customer in the order
// given (a customer named twice: the second report has Found false).
func (s *Stitcher) ForgetAll(customers ...string) []ForgetReport {
	reps := make([]ForgetReport, len(customers))
	for i, c := range customers {
		reps[i], _ = s.forget(c)
	}
	return reps
}

// forget is Forget that also returns the identities erased, sorted by type and value (nil for
// an unknown customer).
func (s *Stitcher) forget(customer string) (ForgetReport, []Identity) {
	rep := ForgetReport{Person: customer}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.find(customer)
	if !ok {
		return rep, nil
	}
	ids := slices.Clone(c.ids)
	mine := make(map[Identity]bool, len(ids))
	for _, id := range ids {
		mine[id] = true
	}
	obs, entries := s.replay(ids, func(o *observation) bool {
		return slices.ContainsFunc(o.ids, func(id Identity) bool { return mine[id] })
	})
	slices.SortFunc(ids, compareIdentity)
	rep.Add("identities", len(ids))
	rep.Add("observations", obs)
	rep.Add("audit_entries", entries)
	return rep, ids
}

// replay re-applies, in order, the observations of the component of seeds (every observation
// connected to them through shared identifiers), after deleting those drop selects (drop may
// be nil). Decisions depend only on the observations of their component, so this gives what
// replaying everything would. The stitcher must not be dirty. It returns how many
// observations were deleted and how many decisions (audit entries) they had led to.
func (s *Stitcher) replay(seeds []Identity, drop func(*observation) bool) (deleted, entries int) {
	inComp := make(map[Identity]bool)
	var comp []*observation
	seenObs := make(map[*observation]bool)
	queue := slices.Clone(seeds)
	for len(queue) > 0 {
		id := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if inComp[id] {
			continue
		}
		inComp[id] = true
		for _, o := range s.byID[id] {
			if seenObs[o] {
				continue
			}
			seenObs[o] = true
			comp = append(comp, o)
			for _, x := range o.ids {
				if !inComp[x] {
					queue = append(queue, x)
				}
			}
		}
	}
	// Take the component's customers out: none of them holds an identity from outside it.
	for id := range inComp {
		if c, ok := s.owner[id]; ok {
			if !c.dead {
				s.kill(c)
			}
			delete(s.owner, id)
		}
	}
	keep := comp[:0]
	var dropped map[*observation]bool
	for _, o := range comp {
		n := len(o.entries)
		o.entries = nil
		if drop == nil || !drop(o) {
			keep = append(keep, o)
			continue
		}
		deleted++
		entries += n
		if dropped == nil {
			dropped = make(map[*observation]bool)
		}
		dropped[o] = true
		delete(s.obs, o.key)
		if s.lastExact && o.key == s.lastKey {
			s.lastKey, s.lastExact = "", false
		}
	}
	if dropped != nil {
		// One pass over each identity's list (a shared device can be in thousands of them).
		for id := range inComp {
			list := slices.DeleteFunc(s.byID[id], func(o *observation) bool { return dropped[o] })
			if len(list) == 0 {
				delete(s.byID, id)
			} else {
				s.byID[id] = list
			}
		}
		for o := range dropped {
			o.ids, o.entries = nil, nil
		}
	}
	slices.SortFunc(keep, compareObs)
	for _, o := range keep {
		s.apply(o)
	}
	s.compact()
	return deleted, entries
}

// compact drops the dead customers once they are the majority.
func (s *Stitcher) compact() {
	if s.dead < 64 || 2*s.dead < len(s.custs) {
		return
	}
	s.custs = slices.DeleteFunc(s.custs, func(c *stitched) bool { return c.dead })
	s.dead = 0
}
