package recommend

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// Interaction is one thing a user did with an item: a view, a purchase, a rating, a return.
//
// Its weight is Weight when Kind is empty or Weight is not zero, and otherwise the weight of Kind
// in Config.KindWeights (DefaultKindWeights() when that is nil). So a host either states weights
// (Weight: 1 for a plain implicit pair, a rating, a quantity) or names event kinds and lets the
// model weigh them; a kind the weights do not list counts 0 (an "impression" says nothing about
// taste). A weight of 0 adds nothing.
//
// It encodes to JSON with snake_case names and the time in RFC 3339 (empty fields left out)
// and decodes back.
type Interaction struct {
	User string `json:"user"` // user ID; must not be empty
	Item string `json:"item"` // item ID; must not be empty
	// Kind is an event type such as "view", "add_to_cart", "purchase" or "return", the same
	// strings as profile's event types.
	Kind string `json:"kind,omitempty"`
	// Weight is the explicit weight; negative weights (returns) reduce an affinity. It must be
	// finite with |Weight| <= 1e15 (the module's magnitude bound); so must the weight of Kind.
	Weight float64 `json:"weight,omitempty"`
	// Time is when it happened; it matters only with Config.HalfLife. The zero Time counts as
	// the reference time (no decay); a time after the reference time counts as the reference
	// time (no growth). A non-zero Time must lie within ±2^40 seconds (about 34,800 years) of
	// 1970.
	Time time.Time `json:"time,omitzero"`
	// Quantity is the number of units (of a cart, purchase or return event). It counts only
	// with Config.ByQuantity, which multiplies the weight by |Quantity| (the sign comes from
	// Weight or Kind, so a return of -2 units subtracts twice the return weight); 0 counts as 1.
	// It must be finite with |Quantity| <= 1e15, and so must the product.
	Quantity float64 `json:"quantity,omitempty"`
	// Category optionally names the item's category; the last non-empty category seen for an
	// item is kept and used by MaxPerCategory and the in-category popularity fallback.
	Category string `json:"category,omitempty"`
}

// DefaultKindWeights returns the event-kind weights used when Config.KindWeights is nil, as a
// fresh map the caller may edit (to start its own table from the defaults) without changing
// anyone else's fit. Returns and cart removals subtract; an affinity never goes below zero
// (see Config.KindWeights). Kinds are matched exactly: "Purchase" is not "purchase".
func DefaultKindWeights() map[string]float64 {
	return map[string]float64{
		"view":             1,
		"click":            1,
		"add_to_cart":      3,
		"remove_from_cart": -2,
		"checkout":         3,
		"purchase":         5,
		"rating":           1,
		"return":           -5,
	}
}

// Sentinel errors. Errors that name a record wrap one of these with %w.
var (
	// ErrInteraction marks a bad interaction: an empty ID, a weight that is NaN, infinite or
	// above 1e15 in magnitude, or a time out of range.
	ErrInteraction = errors.New("recommend: bad interaction")
	// ErrEmpty is returned by Fit when no interaction has a positive affinity.
	ErrEmpty = errors.New("recommend: no interactions with positive weight")
	// ErrConfig marks an invalid Config.
	ErrConfig = errors.New("recommend: invalid config")
	// ErrTooManyItems is returned by an EASE fit when the catalog is larger than
	// Config.EASEMaxItems.
	ErrTooManyItems = errors.New("recommend: too many items for EASE")
	// ErrFormat marks a model file that is not a valid tailor model.
	ErrFormat = errors.New("recommend: bad model file")
)

// weigher turns interactions into decayed weights; it is shared by Fit, Add and ForHistory so
// that all three weigh an event the same way.
type weigher struct {
	kinds    map[string]float64
	byQty    bool    // Config.ByQuantity
	halfLife float64 // seconds; 0 = no decay
	ref      int64   // unix seconds of the reference time
}

// weight returns the decayed weight of in, or an error naming the record index n.
//
//	w = base * min(1, 0.5^((ref - t) / halfLife))
//
// The min(1, ·) clip (as in Microsoft Recommenders' SAR) keeps events after the reference time
// from counting more than one unit.
//
// The base weight (Weight, or the weight of Kind) must be finite with |base| <= 1e15
// (textio.MaxMagnitude), and a non-zero Time must lie within ±2^40 s of 1970 (about ±34,800
// years, the bound ReadTSV applies): so a summed affinity is at most (number of records) x 1e15
// in magnitude, which no feasible input takes past math.MaxFloat64 (that would need 1e293
// records), and an age never overflows.
func (w *weigher) weight(n int, in *Interaction) (float64, error) {
	if in.User == "" {
		return 0, fmt.Errorf("%w: record %d: field User is empty", ErrInteraction, n)
	}
	if in.Item == "" {
		return 0, fmt.Errorf("%w: record %d: field Item is empty (user %q)", ErrInteraction, n, in.User)
	}
	if math.IsNaN(in.Weight) || math.IsInf(in.Weight, 0) {
		return 0, fmt.Errorf("%w: record %d: field Weight = %v is not finite", ErrInteraction, n, in.Weight)
	}
	if !textio.InRange(in.Weight) {
		return 0, fmt.Errorf("%w: record %d: field Weight = %v is above the magnitude bound %g", ErrInteraction, n, in.Weight, float64(textio.MaxMagnitude))
	}
	base := in.Weight
	if base == 0 && in.Kind != "" {
		base = w.kinds[in.Kind]
		if !textio.InRange(base) {
			return 0, fmt.Errorf("%w: record %d: field Kind = %q weighs %v, above the magnitude bound %g (Config.KindWeights)", ErrInteraction, n, in.Kind, base, float64(textio.MaxMagnitude))
		}
	}
	if w.byQty && in.Quantity != 0 {
		q := math.Abs(in.Quantity)
		if math.IsNaN(q) || !textio.InRange(q) {
			return 0, fmt.Errorf("%w: record %d: field Quantity = %v is not finite or above the magnitude bound %g", ErrInteraction, n, in.Quantity, float64(textio.MaxMagnitude))
		}
		base *= q
		if !textio.InRange(base) {
			return 0, fmt.Errorf("%w: record %d: field Quantity = %v makes the weight %v, above the magnitude bound %g", ErrInteraction, n, in.Quantity, base, float64(textio.MaxMagnitude))
		}
	}
	var t int64
	if !in.Time.IsZero() {
		t = in.Time.Unix()
		if t < -maxUnixSeconds || t > maxUnixSeconds {
			return 0, fmt.Errorf("%w: record %d: field Time = %v is out of range (within ±2^40 s of 1970)", ErrInteraction, n, in.Time.UTC().Format(time.RFC3339))
		}
	}
	if w.halfLife > 0 && !in.Time.IsZero() {
		age := float64(w.ref - t)
		if age > 0 {
			base *= math.Exp2(-age / w.halfLife)
		}
	}
	return base, nil
}

// maxUnixSeconds bounds an interaction's time (and ReadTSV's unix_seconds): 2^40 s, about
// 34,800 years either side of 1970.
const maxUnixSeconds = 1 << 40
