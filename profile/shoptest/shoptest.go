// Package shoptest provides a seeded synthetic shop and small fixed fixtures for testing code
// that uses tailor, in the manner of net/http/httptest: a host's own unit tests build a shop,
// feed its events and orders through the same code that handles the real store's rows, and
// check the answers against truths the shop planted.
//
// A Shop is deterministic: the same Config gives the same customers, catalog, events and
// orders on every machine and every run, so a test may assert exact values. Its reference time
// (Now) is fixed by the Config, never the wall clock. The simulation is the one tailor's own
// examples, tests and benchmarks use, so what tailor finds in it is tested here.
//
// What a Shop guarantees (the planted truths):
//   - Churn: every customer either drops out for good after some visit or is still alive at
//     Now; Churned says which. Lifetime-value models and lifecycle stages should find the
//     churned customers less likely to be alive.
//   - Baskets: items belong to taste groups (a category and a brand family, TasteGroup); each
//     customer prefers one group per category of interest, so items of one group are bought by
//     the same customers far more often than items of different groups, and an item-kNN model's
//     similar items of an item mostly share its group.
//   - Experiment: customers are split 50/50 between "control" and "treatment" by a hash of their
//     ID (Variant); the treatment multiplies the probability that a checkout ends in a purchase
//     by 1 + Experiment().Lift (Config.NoLift makes it an A/A test).
//   - Identity: a customer's first session, and some sessions on a second device, start
//     anonymous and log in later, carrying hashed e-mail and device identifiers.
//
// The exact numbers (how many churn, the observed lift) depend on the seed and the size; a test
// should assert directions and bounds that the planted truths imply, or pin values for one seed.
//
// Fixtures (FixtureOrders, FixtureEvents, FixtureNow) are a hand-written shop of four
// customers whose every number is worked out by hand in their doc, for tests that want exact
// expectations without a simulation.
//
// The API of this package is stable: fields and methods are only ever added. The simulated
// values for a given Config may change between minor versions of tailor (when the simulation
// learns new behaviour); pin tailor's version if a test depends on exact simulated values.
package shoptest

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

// ErrConfig is wrapped by every error of Config.Validate.
var ErrConfig = errors.New("shoptest: invalid config")

// Size limits keep a test shop small enough to simulate in a test.
const (
	MaxCustomers = 1_000_000
	MaxItems     = 100_000
	MaxDays      = 3650
)

// Config describes a test shop. The zero value is a small shop (500 customers, 300 items, a
// year of history from 2025-01-01 UTC, seed 1) that simulates in a few milliseconds; each zero
// field takes the default given beside it.
type Config struct {
	Seed      uint64 // random seed; 0 means 1
	Customers int    // number of customers; 0 means 500, at most MaxCustomers
	Items     int    // catalog size; 0 means 300, at most MaxItems (at least 12: one per category)
	Days      int    // length of the history in days; 0 means 365, at most MaxDays
	// Lift is the experiment's planted relative lift on the probability that a checkout ends
	// in a purchase: 0 means 0.10; it must lie in (-1, 10]. Set NoLift for an A/A test.
	Lift   float64
	NoLift bool
}

// Validate reports the first out-of-range field as an error wrapping ErrConfig.
func (c Config) Validate() error {
	switch {
	case c.Customers < 0 || c.Customers > MaxCustomers:
		return fmt.Errorf("%w: Customers = %d, want 0 (default 500) or 1..%d", ErrConfig, c.Customers, MaxCustomers)
	case c.Items != 0 && (c.Items < 12 || c.Items > MaxItems):
		return fmt.Errorf("%w: Items = %d, want 0 (default 300) or 12..%d", ErrConfig, c.Items, MaxItems)
	case c.Days < 0 || c.Days > MaxDays:
		return fmt.Errorf("%w: Days = %d, want 0 (default 365) or 1..%d", ErrConfig, c.Days, MaxDays)
	case math.IsNaN(c.Lift) || c.Lift <= -1 || c.Lift > 10:
		return fmt.Errorf("%w: Lift = %v, want 0 (default 0.10) or a value in (-1, 10]", ErrConfig, c.Lift)
	}
	return nil
}

// Customer is a simulated customer with the attributes a CRM would hold.
type Customer struct {
	ID        string    // "c000123"
	Age       int       // 18..80
	Region    string    // country code
	Interests []string  // preferred category names, 1 to 3
	Channel   string    // acquisition channel of the first visit
	Device    string    // the device the customer mostly uses
	SignUp    time.Time // first visit
}

// Item is a product of the catalog.
type Item struct {
	ID       string  // "i00123"
	Category string  // one of Categories()
	Brand    string  // e.g. "apparel-3"
	Price    float64 // list price in the shop's currency
}

// Experiment describes the shop's planted A/B test.
type Experiment struct {
	Name     string    // "reco-widget"
	Variants []string  // "control", "treatment"
	Weights  []float64 // planned split, 0.5 each
	Lift     float64   // planted relative lift on checkout-to-purchase probability
}

// Shop is a seeded synthetic shop. It is immutable after New and safe for concurrent use;
// Events and Orders may be iterated any number of times, concurrently, with the same output.
type Shop struct {
	sim   *shopsim.Shop
	index map[string]int    // customer ID -> index
	group map[string]string // item ID -> taste group
}

// New builds a shop. Its events and orders are simulated lazily, each time they are iterated.
func New(cfg Config) (*Shop, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Customers == 0 {
		cfg.Customers = 500
	}
	if cfg.Items == 0 {
		cfg.Items = 300
	}
	sim := shopsim.New(shopsim.Config{
		Seed: cfg.Seed, Customers: cfg.Customers, Items: cfg.Items, Days: cfg.Days,
		Lift: cfg.Lift, NoLift: cfg.NoLift,
	})
	s := &Shop{sim: sim, index: make(map[string]int, cfg.Customers), group: make(map[string]string, cfg.Items)}
	for i, c := range sim.Customers() {
		s.index[c.ID] = i
	}
	for _, it := range sim.Catalog() {
		s.group[it.ID] = shopsim.TasteGroup(it)
	}
	return s, nil
}

// Start is the first instant of the simulated history.
func (s *Shop) Start() time.Time { return s.sim.Config().Start }

// Now is the shop's fixed reference time: the instant just after the history ends. Pass it as
// the Now of every tailor config so results do not depend on the wall clock.
func (s *Shop) Now() time.Time { return s.sim.End() }

// Events yields every simulated event, ordered by customer and, within a customer, by time.
// Purchase events carry OrderID, the price paid and the list price; return events carry the
// OrderID of the purchase and a positive Quantity of returned units.
func (s *Shop) Events() iter.Seq[profile.Event] { return s.sim.Events() }

// Orders yields the purchases of Events grouped into orders, in the same order. Each return is
// an order of its own with negative quantities and ReturnOf set to the purchase's order ID.
func (s *Shop) Orders() iter.Seq[profile.Order] { return s.sim.Orders() }

// Customers returns a fresh copy of the customers, in ID order.
func (s *Shop) Customers() []Customer {
	src := s.sim.Customers()
	out := make([]Customer, len(src))
	for i, c := range src {
		out[i] = Customer{
			ID: c.ID, Age: c.Age, Region: c.Region, Interests: append([]string(nil), c.Interests...),
			Channel: c.Channel, Device: c.Device, SignUp: c.SignUp,
		}
	}
	return out
}

// Catalog returns a fresh copy of the items, in ID order.
func (s *Shop) Catalog() []Item {
	src := s.sim.Catalog()
	out := make([]Item, len(src))
	for i, it := range src {
		out[i] = Item{ID: it.ID, Category: it.Category, Brand: it.Brand, Price: it.Price}
	}
	return out
}

// Categories returns the shop's category names.
func Categories() []string { return shopsim.Categories() }

// Experiment describes the planted experiment.
func (s *Shop) Experiment() Experiment {
	e := s.sim.Experiment()
	return Experiment{Name: e.Name, Variants: e.Variants, Weights: e.Weights, Lift: e.Lift}
}

// Variant returns the experiment arm of a customer ID, "control" or "treatment". It is a pure
// function of the ID (a SHA-256 hash), defined for any string.
func (s *Shop) Variant(customerID string) string { return s.sim.Variant(customerID) }

// Churned reports the planted truth of a customer: churned is true when the customer left for
// good after their last visit (lastVisit) before Now, false when they were still alive at Now.
// ok is false for an ID that is not one of the shop's customers. It re-simulates the customer,
// which takes microseconds.
func (s *Shop) Churned(customerID string) (churned bool, lastVisit time.Time, ok bool) {
	i, ok := s.index[customerID]
	if !ok {
		return false, time.Time{}, false
	}
	churned, lastVisit = s.sim.Fate(i)
	return churned, lastVisit, true
}

// TasteGroup returns the taste group of an item ("<category>/<family>"); ok is false for an ID
// that is not in the catalog. Items of one group are bought by the same customers.
func (s *Shop) TasteGroup(itemID string) (group string, ok bool) {
	group, ok = s.group[itemID]
	return group, ok
}
