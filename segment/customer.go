package segment

import (
	"fmt"
	"slices"
	"time"
)

// Kind is the type of a customer attribute: what a rule may compare it with.
type Kind uint8

// The attribute kinds. A rule compares a number with numbers, a string with strings, a set of
// strings by membership, and a time with dates or times.
const (
	KindNumber Kind = iota + 1 // a float64, e.g. "orders", "age"
	KindString                 // a string, e.g. "region", "lifecycle"
	KindSet                    // a set of strings, e.g. "interests"
	KindTime                   // a time.Time, e.g. "first_order"
)

// String returns "number", "string", "set" or "time".
func (k Kind) String() string {
	switch k {
	case KindNumber:
		return "number"
	case KindString:
		return "string"
	case KindSet:
		return "set"
	case KindTime:
		return "time"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes the kind as its name ("number", "string", "set", "time").
func (k Kind) MarshalText() ([]byte, error) {
	if k < KindNumber || k > KindTime {
		return nil, fmt.Errorf("segment: Kind(%d): %w", uint8(k), ErrTypeMismatch)
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	for c := KindNumber; c <= KindTime; c++ {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("segment: kind %q: want number, string, set or time: %w", b, ErrTypeMismatch)
}

// Standard attribute names. FromActivity and FromProfile fill them from orders; a host adds its
// own CRM attributes (age, region, interests, ...) with the Set methods.
const (
	AttrOrders      = "orders"       // number: orders placed (returns excluded)
	AttrRevenue     = "revenue"      // number: net revenue (returns subtracted)
	AttrRecencyDays = "recency_days" // number: fractional days from the last order to "now"
	AttrTenureDays  = "tenure_days"  // number: fractional days from the first order to "now"
	AttrAOV         = "aov"          // number: average order value, revenue / orders
	AttrFirstOrder  = "first_order"  // time: first order
	AttrLastOrder   = "last_order"   // time: last order
	AttrLifecycle   = "lifecycle"    // string: "new", "active", "lapsed" or "churned"
	AttrCategories  = "categories"   // set: categories bought (when the orders name them)
	AttrRegion      = "region"       // string: region of the last order that named one
	AttrChannel     = "channel"      // string: acquisition channel, of the first order that named one
	AttrChannels    = "channels"     // set: channels used (from profiles)
	AttrBrands      = "brands"       // set: brands bought (from profiles)
	AttrReturnRate  = "return_rate"  // number: returned share of gross revenue (from profiles)
)

// Customer is what a Segmenter sees: an ID and typed attributes. The zero value is an empty
// customer; the Set methods allocate the maps on first use. A Customer is not safe for
// concurrent mutation; concurrent reads are safe.
type Customer struct {
	ID      string               `json:"id"`
	Numbers map[string]float64   `json:"numbers"`
	Strings map[string]string    `json:"strings"`
	Sets    map[string][]string  `json:"sets"` // each set sorted, without duplicates (see SetSet)
	Times   map[string]time.Time `json:"times"`
}

// SetNumber sets a number attribute and returns c for chaining.
func (c *Customer) SetNumber(name string, v float64) *Customer {
	if c.Numbers == nil {
		c.Numbers = make(map[string]float64)
	}
	c.Numbers[name] = v
	return c
}

// SetString sets a string attribute and returns c for chaining.
func (c *Customer) SetString(name, v string) *Customer {
	if c.Strings == nil {
		c.Strings = make(map[string]string)
	}
	c.Strings[name] = v
	return c
}

// SetSet sets a set attribute to a sorted, de-duplicated copy of members and returns c.
func (c *Customer) SetSet(name string, members ...string) *Customer {
	if c.Sets == nil {
		c.Sets = make(map[string][]string)
	}
	s := slices.Clone(members)
	slices.Sort(s)
	c.Sets[name] = slices.Compact(s)
	return c
}

// SetTime sets a time attribute and returns c for chaining.
func (c *Customer) SetTime(name string, v time.Time) *Customer {
	if c.Times == nil {
		c.Times = make(map[string]time.Time)
	}
	c.Times[name] = v
	return c
}

// Number returns a number attribute and whether it is set.
func (c *Customer) Number(name string) (float64, bool) { v, ok := c.Numbers[name]; return v, ok }

// String returns a string attribute and whether it is set. (It is not fmt.Stringer.)
func (c *Customer) String(name string) (string, bool) { v, ok := c.Strings[name]; return v, ok }

// Set returns a set attribute (sorted) and whether it is set.
func (c *Customer) Set(name string) ([]string, bool) { v, ok := c.Sets[name]; return v, ok }

// Time returns a time attribute and whether it is set.
func (c *Customer) Time(name string) (time.Time, bool) { v, ok := c.Times[name]; return v, ok }

// Schema maps attribute names to kinds. Rules are checked against a schema, so that a rule
// naming an unknown attribute or comparing an attribute with the wrong kind of value fails when
// it is parsed rather than silently never matching.
type Schema map[string]Kind

// DefaultSchema returns the standard attributes (the Attr constants) with their kinds. Add the
// host's own attributes to the returned map, e.g. s["age"] = KindNumber.
func DefaultSchema() Schema {
	return Schema{
		AttrOrders: KindNumber, AttrRevenue: KindNumber, AttrRecencyDays: KindNumber,
		AttrTenureDays: KindNumber, AttrAOV: KindNumber,
		AttrFirstOrder: KindTime, AttrLastOrder: KindTime,
		AttrLifecycle: KindString, AttrRegion: KindString, AttrChannel: KindString,
		AttrCategories: KindSet, AttrChannels: KindSet, AttrBrands: KindSet, AttrReturnRate: KindNumber,
	}
}

// SchemaOf returns the schema of the attributes set on the given customers. It fails with
// ErrTypeMismatch when two customers give one name two kinds.
func SchemaOf(customers ...*Customer) (Schema, error) {
	s := Schema{}
	add := func(name string, k Kind) error {
		if old, ok := s[name]; ok && old != k {
			return fmt.Errorf("segment: attribute %q is a %v and a %v: %w", name, old, k, ErrTypeMismatch)
		}
		s[name] = k
		return nil
	}
	for _, c := range customers {
		for n := range c.Numbers {
			if err := add(n, KindNumber); err != nil {
				return nil, err
			}
		}
		for n := range c.Strings {
			if err := add(n, KindString); err != nil {
				return nil, err
			}
		}
		for n := range c.Sets {
			if err := add(n, KindSet); err != nil {
				return nil, err
			}
		}
		for n := range c.Times {
			if err := add(n, KindTime); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}
