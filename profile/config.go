package profile

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// Identifier types that the builder and the Stitcher know by name. Any other type string is
// valid too; give it a priority in StitchConfig.Priority to rank it.
const (
	IDUser      = "user_id"      // the shop's customer ID (Order.CustomerID, Event.CustomerID)
	IDAnonymous = "anonymous_id" // a cookie or anonymous device ID (Event.AnonymousID)
	IDEmailHash = "email_hash"   // a hashed e-mail address
	IDPhoneHash = "phone_hash"   // a hashed phone number
	IDDevice    = "device_id"    // a device or advertising ID
)

// Config configures a profile build. The zero value is a sensible default for a general shop.
type Config struct {
	// Now is the build's reference time for recency, tenure and lifecycle. Records dated after
	// Now are skipped and reported (Report.Future). Zero means the latest time seen in the data.
	// Otherwise it must lie in the years 1678 to 2262 (what time.Time.UnixNano represents).
	Now time.Time

	// Window is the default activity window for the lifecycle stage. 0 means 90 days;
	// negative is an error.
	Window time.Duration
	// Windows sets the activity window per category (e.g. "grocery": 21 days, "apparel":
	// 120 days). A customer's window is that of their main category (largest gross spend). A
	// window of 0 means Window; a negative one is an error.
	Windows map[string]time.Duration
	// ChurnFactor: a customer is Lapsed while recency <= ChurnFactor * window and Churned
	// beyond. 0 means 3; otherwise it must be a finite number >= 1 (1 leaves no Lapsed stage).
	ChurnFactor float64

	// DiscountDepth is the smallest discount (1 - UnitPrice/ListPrice) that counts a line as
	// bought at a discount, in (0, 1]. 0 means 0.10; set a tiny positive number (5e-324 will
	// do) to count any discount.
	DiscountDepth float64
	// BrandPrior is the smoothing strength k of brand affinity, in currency (see
	// BrandAffinity). 0 means the shop-wide average order value; negative means no smoothing.
	// Its magnitude is at most textio.MaxMagnitude (1e15), like every amount; NaN and
	// infinities are errors.
	BrandPrior float64
	// TopBrands is how many brands a profile keeps. 0 means 5; negative keeps all.
	TopBrands int
	// CatalogCategories is the number of categories in the catalog, the denominator of
	// CategoryShare. 0 means the number of distinct categories bought by anyone in the build;
	// negative is an error.
	CatalogCategories int

	// EventPurchases makes purchase and return events count as order lines (grouped into
	// orders by Event.OrderID; an event without one is an order of its own). Leave it false
	// when the same purchases also arrive as Orders, or they would count twice. Events always
	// count for LastSeen, Channels, Devices and Events.
	EventPurchases bool

	// Stitcher, when set, resolves every identifier to its stitched customer: events feed it
	// their identifiers, and profiles of identifiers stitched together are merged under the
	// canonical ID. Nil means each CustomerID (or AnonymousID) is its own customer.
	Stitcher *Stitcher
	// Consents, when set, limits the build to customers who had consented to Purpose as of
	// Now; the others are counted in Report.NoConsent. Nil means no consent check.
	Consents *Consents
	// Purpose is the processing purpose checked against Consents. Default PurposeAnalytics.
	Purpose Purpose

	// SkipInvalid makes Build skip and count (Report.Invalid) records that fail Validate
	// instead of returning the first such error.
	SkipInvalid bool
	// Progress, if set, is called every 65536 records with the number of records read so far
	// (total is 0: a stream's length is unknown).
	Progress func(done, total int)
}

const day = 24 * time.Hour

// Validate reports the first field of c out of its documented range, wrapping ErrConfig. The zero
// value of every field is valid (it means the documented default). NewBuilder and Build call
// it.
func (c Config) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("%w: Config.%s = %v: %s", ErrConfig, field, v, want)
	}
	switch {
	case !c.Now.IsZero() && (c.Now.Before(minTime) || c.Now.After(maxTime)):
		return bad("Now", c.Now.UTC().Format(time.RFC3339), "want zero or a time in the years 1678 to 2262")
	case c.Window < 0:
		return bad("Window", c.Window, "want 0 (90 days) or a positive duration")
	case c.ChurnFactor != 0 && !(c.ChurnFactor >= 1 && !math.IsInf(c.ChurnFactor, 1)):
		return bad("ChurnFactor", c.ChurnFactor, "want 0 (3) or a finite number >= 1")
	case c.DiscountDepth != 0 && !(c.DiscountDepth > 0 && c.DiscountDepth <= 1):
		return bad("DiscountDepth", c.DiscountDepth, "want 0 (0.10) or a number in (0, 1]")
	case !textio.InRange(c.BrandPrior):
		return bad("BrandPrior", c.BrandPrior, "want a finite number of magnitude at most 1e15")
	case c.CatalogCategories < 0:
		return bad("CatalogCategories", c.CatalogCategories, "want 0 (categories bought) or a positive count")
	}
	cats := make([]string, 0, len(c.Windows))
	for cat := range c.Windows {
		cats = append(cats, cat)
	}
	slices.Sort(cats) // the first bad category, the same on every call
	for _, cat := range cats {
		if w := c.Windows[cat]; w < 0 {
			return fmt.Errorf("%w: Config.Windows[%q] = %v: want 0 (Window) or a positive duration", ErrConfig, cat, w)
		}
	}
	return nil
}

// withDefaults fills in the zero fields of a config that passed Validate.
func (c Config) withDefaults() Config {
	if c.Window == 0 {
		c.Window = 90 * day
	}
	if c.ChurnFactor == 0 {
		c.ChurnFactor = 3
	}
	if c.DiscountDepth == 0 {
		c.DiscountDepth = 0.10
	}
	if c.TopBrands == 0 {
		c.TopBrands = 5
	}
	if c.Purpose == "" {
		c.Purpose = PurposeAnalytics
	}
	return c
}
