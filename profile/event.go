package profile

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// EventType names what a customer did. The constants cover what shops track; any other string
// is a valid event type too: unknown types are kept and passed on, never rejected, so a shop can
// add "wishlist" or "share" without waiting for a release.
type EventType string

// The event types tailor knows. recommend and metrics use the same plain strings, so a host
// turns an Event into a recommend interaction with string(e.Type).
const (
	Impression     EventType = "impression"       // an item or ad was shown
	View           EventType = "view"             // a product page was viewed
	PageView       EventType = "page_view"        // any other page was viewed
	Click          EventType = "click"            // an impression was clicked
	Search         EventType = "search"           // a search was run
	AddToCart      EventType = "add_to_cart"      // an item was put in the cart
	RemoveFromCart EventType = "remove_from_cart" // an item was taken out of the cart
	Checkout       EventType = "checkout"         // checkout was started
	Purchase       EventType = "purchase"         // an item was bought
	Return         EventType = "return"           // a bought item was sent back
)

var knownTypes = map[EventType]bool{
	Impression: true, View: true, PageView: true, Click: true, Search: true, AddToCart: true,
	RemoveFromCart: true, Checkout: true, Purchase: true, Return: true,
}

// Known reports whether t is one of the constants above. Unknown types are still valid.
func (t EventType) Known() bool { return knownTypes[t] }

// Identity is one identifier of a person, as identity stitching sees it: a type such as
// "user_id", "anonymous_id", "email_hash", "phone_hash" or "device_id" and its value.
type Identity struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Event is one thing a customer did, as a shop's tracking records it. Only the who, when and
// what are required; every other field may be left zero when the source does not record it.
type Event struct {
	// CustomerID is the shop's ID of a known (logged-in) customer. Either CustomerID or
	// AnonymousID must be set.
	CustomerID string `json:"customer_id,omitempty"`
	// AnonymousID is a cookie or device ID for a visitor who is not logged in.
	AnonymousID string `json:"anonymous_id,omitempty"`
	// Identities holds further identifiers seen with the event (hashed email, phone, device),
	// for identity stitching. CustomerID and AnonymousID need not be repeated here.
	Identities []Identity `json:"identities,omitempty"`
	// Time is when the event happened. Required.
	Time time.Time `json:"time"`
	// Type is what happened. Required; unknown types are kept.
	Type EventType `json:"type"`
	// ItemID is the product concerned, if any.
	ItemID string `json:"item_id,omitempty"`
	// Category and Brand describe the item, if known.
	Category string `json:"category,omitempty"`
	Brand    string `json:"brand,omitempty"`
	// Price is the unit price shown or paid, in the shop's currency; 0 when not known. At most
	// textio.MaxMagnitude (1e15), as are ListPrice and the absolute Quantity.
	Price float64 `json:"price,omitempty"`
	// ListPrice is the undiscounted unit price in the shop's currency; 0 when not known. A Price
	// below ListPrice means the item was sold or shown at a discount.
	ListPrice float64 `json:"list_price,omitempty"`
	// Quantity is the number of units for cart, purchase and return events; 0 means "not
	// recorded" for other types. Purchases and returns need a non-zero quantity.
	Quantity int `json:"quantity,omitempty"`
	// Channel is the acquisition or traffic channel (search, social, email, direct, ...).
	Channel string `json:"channel,omitempty"`
	// Device is the device class (desktop, mobile, tablet, app, ...).
	Device string `json:"device,omitempty"`
	// Region is where the customer is (a country or region code).
	Region string `json:"region,omitempty"`
	// SessionID groups events of one visit when the tracker records it; metrics can also
	// sessionize by time.
	SessionID string `json:"session_id,omitempty"`
	// OrderID links purchase and return events to an order.
	OrderID string `json:"order_id,omitempty"`
}

// Person returns the ID that identifies who acted: CustomerID if set, else AnonymousID.
func (e *Event) Person() string {
	if e.CustomerID != "" {
		return e.CustomerID
	}
	return e.AnonymousID
}

// Discounted reports whether the event's price is below its known list price.
func (e *Event) Discounted() bool { return e.ListPrice > 0 && e.Price < e.ListPrice }

// Validate reports the first problem with e as a *FieldError (positional: no package prefix)
// naming the field and its value: no customer or anonymous ID, a zero time, an empty type, a
// price or list price that is negative, NaN, infinite or above textio.MaxMagnitude (1e15), a
// quantity above 1e15 in absolute value, a purchase or return without a quantity, or an
// identity without a type. The error never holds
// an identifier's value (an e-mail address, a phone number): only field names, numbers and
// times.
func (e *Event) Validate() error {
	if e.CustomerID == "" && e.AnonymousID == "" {
		return &FieldError{Field: "CustomerID", Value: "", Err: ErrMissing}
	}
	if fe := checkTime(e.Time); fe != nil {
		return fe
	}
	if e.Type == "" {
		return &FieldError{Field: "Type", Value: "", Err: ErrMissing}
	}
	if fe := checkPrice("Price", e.Price); fe != nil {
		return fe
	}
	if fe := checkPrice("ListPrice", e.ListPrice); fe != nil {
		return fe
	}
	if fe := checkQuantity(e.Quantity); fe != nil {
		return fe
	}
	if (e.Type == Purchase || e.Type == Return) && e.Quantity == 0 {
		return &FieldError{Field: "Quantity", Value: "0", Err: ErrZeroQuantity}
	}
	for i, id := range e.Identities {
		if id.Type == "" {
			// The value may be a raw e-mail address: it is not copied into the error.
			return &FieldError{Field: fmt.Sprintf("Identities[%d].Type", i), Value: "", Err: ErrMissing}
		}
	}
	return nil
}

// The times a Builder accepts: those time.Time.UnixNano represents (the years 1678 to 2262),
// which is how the builder and the stitcher store them.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

func checkTime(t time.Time) *FieldError {
	if t.IsZero() {
		return &FieldError{Field: "Time", Value: t.String(), Err: ErrMissing}
	}
	return nil
}

// checkNanos reports a time outside what the builder stores (Unix nanoseconds). It is not part
// of Validate: a time in the year 1000 is a valid time, only not one a Builder can hold.
func checkNanos(t time.Time) *FieldError {
	if t.Before(minTime) || t.After(maxTime) {
		return &FieldError{Field: "Time", Value: t.UTC().Format(time.RFC3339), Err: ErrOutOfRange}
	}
	return nil
}

func checkPrice(field string, v float64) *FieldError {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return &FieldError{Field: field, Value: fmt.Sprint(v), Err: ErrNotFinite}
	case v < 0:
		return &FieldError{Field: field, Value: fmt.Sprint(v), Err: ErrNegative}
	case !textio.InRange(v):
		return &FieldError{Field: field, Value: fmt.Sprint(v), Err: ErrOutOfRange}
	}
	return nil
}

// maxQuantity is textio.MaxMagnitude as a quantity.
const maxQuantity = int(textio.MaxMagnitude)

func checkQuantity(q int) *FieldError {
	if q > maxQuantity || q < -maxQuantity {
		return &FieldError{Field: "Quantity", Value: strconv.Itoa(q), Err: ErrOutOfRange}
	}
	return nil
}
