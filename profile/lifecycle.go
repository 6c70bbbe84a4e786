package profile

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// The lifecycle defaults: Lifecycle's (and so Config's) zero Window and ChurnFactor.
const (
	DefaultWindow      = 90 * 24 * time.Hour
	DefaultChurnFactor = 3.0
)

// Lifecycle is the one rule that turns a customer's recency and tenure into a Stage: a profile
// build applies it with Config's Window, Windows and ChurnFactor, and segment's Activity applies
// it to its order history, so both give a customer the same stage. The zero value is the
// default: a 90-day window for every category and a churn factor of 3.
//
// With r the days since the last purchase, t the days since the first and w the customer's
// window (WindowDays):
//
//	Prospect  r < 0 (no purchase: a profile reports RecencyDays = -1)
//	New       r <= w and t <= w
//	Active    r <= w and t > w
//	Lapsed    w < r <= ChurnFactor * w
//	Churned   r > ChurnFactor * w (NaN recency too)
type Lifecycle struct {
	// Window is the default activity window; 0 means DefaultWindow (90 days), negative is an
	// error.
	Window time.Duration
	// Windows sets the window per category: a customer's window is that of their main
	// category (see MainCategory). A missing or zero entry means Window; negative is an error.
	Windows map[string]time.Duration
	// ChurnFactor: lapsed while r <= ChurnFactor * w, churned beyond. 0 means
	// DefaultChurnFactor (3); otherwise a finite number >= 1 (1 leaves no Lapsed stage).
	ChurnFactor float64
}

// Validate reports, wrapping ErrConfig and naming the field, a negative Window or Windows
// entry, or a ChurnFactor other than 0 that is not a finite number >= 1. These are the bounds
// Config.Validate applies to the same fields.
func (l Lifecycle) Validate() error {
	if l.Window < 0 {
		return fmt.Errorf("%w: Lifecycle.Window = %v: want 0 (90 days) or a positive duration", ErrConfig, l.Window)
	}
	for _, cat := range slices.Sorted(maps.Keys(l.Windows)) {
		if w := l.Windows[cat]; w < 0 {
			return fmt.Errorf("%w: Lifecycle.Windows[%q] = %v: want 0 (Window) or a positive duration", ErrConfig, cat, w)
		}
	}
	if l.ChurnFactor != 0 && !(l.ChurnFactor >= 1 && !math.IsInf(l.ChurnFactor, 1)) {
		return fmt.Errorf("%w: Lifecycle.ChurnFactor = %v: want 0 (3) or a finite number >= 1", ErrConfig, l.ChurnFactor)
	}
	return nil
}

// WindowDays returns the activity window, in days of 86400 s, of a customer whose main
// category is m: Windows[name] when m has a name with a positive entry, else Window (or the
// default). A customer without a main category (no purchase) gets Window.
func (l Lifecycle) WindowDays(m MainCategory) float64 {
	w := l.Window
	if w == 0 {
		w = DefaultWindow
	}
	if name, ok := m.Name(); ok {
		if cw := l.Windows[name]; cw > 0 {
			w = cw
		}
	}
	return float64(w) / nanosPerDay
}

// Stage returns the stage of a customer whose last purchase was recencyDays ago and first
// purchase tenureDays ago, under a window of windowDays (WindowDays): see Lifecycle for the
// rules. A negative recency means no purchase (Prospect).
func (l Lifecycle) Stage(recencyDays, tenureDays, windowDays float64) Stage {
	churn := l.ChurnFactor
	if churn == 0 {
		churn = DefaultChurnFactor
	}
	switch {
	case recencyDays < 0:
		return Prospect
	case recencyDays <= windowDays && tenureDays <= windowDays:
		return New
	case recencyDays <= windowDays:
		return Active
	case recencyDays <= churn*windowDays:
		return Lapsed
	}
	return Churned
}

// MainCategory picks a customer's main category, the one whose activity window applies: offer
// it each category with the customer's gross spend in it (lines without a category are the
// category ""), in any order. More spend wins; spends equal to within a relative 1e-9 are a tie
// broken by the smaller name. The tolerance makes the choice independent of the order in which
// a customer's lines were summed, so merged shards give the whole build's answer (a tie such
// as 0.1 + 0.2 against 0.3 would otherwise go to whichever sum rounded up). The zero value has
// no category.
type MainCategory struct {
	name  string
	spend float64
	seen  bool
}

// Offer considers a category with the given gross spend.
func (m *MainCategory) Offer(name string, spend float64) {
	if !m.seen {
		m.name, m.spend, m.seen = name, spend, true
		return
	}
	tol := 1e-9 * math.Max(math.Abs(spend), math.Abs(m.spend))
	switch {
	case spend > m.spend+tol:
	case spend < m.spend-tol:
		return
	case name >= m.name:
		return
	}
	m.name, m.spend = name, spend
}

// Name returns the main category so far, and false when none was offered.
func (m MainCategory) Name() (string, bool) { return m.name, m.seen }

// PlausibleOrder reports whether o passes Order.Validate, without Validate's allocations (it
// formats field names for every line): stores call it on every order and Validate only for
// the precise error of an order that fails it. It does not check a store's own time range
// (a Builder holds the years 1678 to 2262).
func PlausibleOrder(o *Order) bool {
	if o.ID == "" || o.Time.IsZero() || len(o.Lines) == 0 {
		return false
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.Quantity == 0 || l.Quantity > maxQuantity || l.Quantity < -maxQuantity ||
			!(l.UnitPrice >= 0 && l.UnitPrice <= textio.MaxMagnitude) || !(l.ListPrice >= 0 && l.ListPrice <= textio.MaxMagnitude) {
			return false
		}
	}
	return true
}
