package shopsim

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tailorkit/tailor/internal/wsample"
)

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
	ID       string  // "i01234"
	Category string  // one of Categories()
	Brand    string  // e.g. "apparel-3"
	Price    float64 // list price in the shop's currency
}

// Experiment describes the shop's planted A/B test.
type Experiment struct {
	Name     string
	Variants []string  // control first
	Weights  []float64 // planned split
	Lift     float64   // planted relative lift on checkout-to-purchase probability
}

// customerTraits are the hidden parameters behind a customer's behaviour.
type customerTraits struct {
	interests  []int     // category indices
	family     []int     // preferred brand family per interest
	visitRate  float64   // visits per day while alive
	dropout    float64   // probability of leaving after a visit
	seeker     float64   // 0..1, how much a sale draws them
	cookie     string    // anonymous ID of the first device
	emailHash  string    // hashed e-mail used at login
	multiDev   bool      // has a second device whose sessions start anonymous
	treatment  bool      // experiment arm
	signUpDays float64   // days after Start
	acq        int       // acquisition channel index
	device     int       // primary device index
	rng        [2]uint64 // seed of the customer's own random source
}

// Shop is a synthetic shop. It is immutable after New and safe for concurrent use; Events and
// Orders may be iterated any number of times, concurrently, and give the same output each time.
type Shop struct {
	cfg       Config
	customers []Customer
	traits    []customerTraits
	items     []Item
	// pick[c][f] samples item indices of category c and brand family f by popularity;
	// pickCat[c] samples from the whole category.
	pick    [][]wsample.Sampler
	pickCat []wsample.Sampler
	// sale[c] lists the first day of each sale week of category c.
	sale [][]int
}

// families is the number of brand families (taste clusters) per category.
const families = 4

// New builds the shop's customers and catalog. Events and orders are simulated lazily.
func New(cfg Config) *Shop {
	cfg = cfg.withDefaults()
	s := &Shop{cfg: cfg}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	s.buildCatalog(r)
	s.buildCustomers(r)
	return s
}

// Config returns the configuration with its defaults filled in.
func (s *Shop) Config() Config { return s.cfg }

// End is the instant just after the simulated history.
func (s *Shop) End() time.Time { return s.cfg.Start.AddDate(0, 0, s.cfg.Days) }

// Customers returns the customers in ID order. The slice is shared: do not modify it.
func (s *Shop) Customers() []Customer { return s.customers }

// Catalog returns the items in ID order. The slice is shared: do not modify it.
func (s *Shop) Catalog() []Item { return s.items }

// Experiment describes the planted experiment.
func (s *Shop) Experiment() Experiment {
	return Experiment{
		Name:     "reco-widget",
		Variants: []string{"control", "treatment"},
		Weights:  []float64{0.5, 0.5},
		Lift:     s.cfg.Lift,
	}
}

// Variant returns the experiment arm of a customer ID: "treatment" when the first byte of the
// SHA-256 digest of "reco-widget:" + id is 128 or more, else "control". (FNV-1a's bits are
// visibly biased on IDs that differ in a digit or two: its low bit alternates between
// consecutive IDs.)
func (s *Shop) Variant(customerID string) string {
	if inTreatment(customerID) {
		return "treatment"
	}
	return "control"
}

func inTreatment(id string) bool {
	d := sha256.Sum256([]byte("reco-widget:" + id))
	return d[0] >= 128
}

func (s *Shop) buildCatalog(r *rand.Rand) {
	n := s.cfg.Items
	catPick := samplerOf(categories, func(c category) float64 { return c.share })
	// Popularity follows a Zipf-like law over a random order of the catalog.
	rank := r.Perm(n)
	pop := make([]float64, n)
	byCF := make([][][]int, len(categories))
	for c := range byCF {
		byCF[c] = make([][]int, families)
	}
	s.items = make([]Item, n)
	for i := range n {
		c := catPick.Draw(r)
		if i < len(categories) { // every category has at least one item
			c = i
		}
		f := r.IntN(families)
		brand := f*2 + r.IntN(2) // two brands per family
		price := categories[c].basePrice * math.Exp(0.45*r.NormFloat64())
		price = math.Max(0.49, math.Round(price)-0.01)
		s.items[i] = Item{
			ID:       fmt.Sprintf("i%05d", i),
			Category: categories[c].name,
			Brand:    fmt.Sprintf("%s-%d", categories[c].name, brand),
			Price:    price,
		}
		pop[i] = 1 / math.Pow(float64(rank[i])+5, 0.95)
		byCF[c][f] = append(byCF[c][f], i)
	}
	s.pick = make([][]wsample.Sampler, len(categories))
	s.pickCat = make([]wsample.Sampler, len(categories))
	for c := range categories {
		s.pick[c] = make([]wsample.Sampler, families)
		var all []int
		for f := range families {
			s.pick[c][f] = wsample.Items(byCF[c][f], pop)
			all = append(all, byCF[c][f]...)
		}
		slices.Sort(all)
		s.pickCat[c] = wsample.Items(all, pop)
	}
	// Each category has a sale week roughly every two months.
	s.sale = make([][]int, len(categories))
	for c := range categories {
		for d := r.IntN(60); d < s.cfg.Days; d += 45 + r.IntN(30) {
			s.sale[c] = append(s.sale[c], d)
		}
	}
}

func (s *Shop) onSale(c int, day int) bool {
	for _, d := range s.sale[c] {
		if day >= d && day < d+7 {
			return true
		}
	}
	return false
}

func (s *Shop) buildCustomers(r *rand.Rand) {
	n := s.cfg.Customers
	catPick := samplerOf(categories, func(c category) float64 { return c.share })
	chPick := samplerOf(channels, func(c channel) float64 { return c.acquire })
	regPick := samplerOf(regions, func(g region) float64 { return g.share })
	devPick := samplerOf(devices, func(d device) float64 { return d.share })

	s.customers = make([]Customer, n)
	s.traits = make([]customerTraits, n)
	for i := range n {
		id := fmt.Sprintf("c%06d", i)
		t := &s.traits[i]
		k := 1 + r.IntN(3)
		for len(t.interests) < k {
			c := catPick.Draw(r)
			if !slices.Contains(t.interests, c) {
				t.interests = append(t.interests, c)
				t.family = append(t.family, r.IntN(families))
			}
		}
		// The fastest-cycling interest sets the pace of visits; a gamma-distributed factor makes
		// some customers far more frequent than others, as in the BG/NBD model.
		cycle := math.Inf(1)
		for _, c := range t.interests {
			cycle = math.Min(cycle, categories[c].cycleDays)
		}
		t.visitRate = gamma(r, 1.4) / 1.4 / (cycle * 0.6)
		t.dropout = beta(r, 1.1, 12)
		t.seeker = beta(r, 1.3, 3)
		t.signUpDays = r.Float64() * float64(s.cfg.Days) * 0.85
		t.acq = chPick.Draw(r)
		t.device = devPick.Draw(r)
		t.cookie = fmt.Sprintf("anon-%016x", r.Uint64())
		t.emailHash = fmt.Sprintf("em-%016x", r.Uint64())
		t.multiDev = r.Float64() < 0.3
		t.treatment = inTreatment(id)
		t.rng = [2]uint64{s.cfg.Seed, uint64(i)<<1 | 1}

		age := 18 + int(gamma(r, 4)*4.5)
		if age > 80 {
			age = 80
		}
		interests := make([]string, len(t.interests))
		for j, c := range t.interests {
			interests[j] = categories[c].name
		}
		device := devices[t.device].name
		if channels[t.acq].name == "app" {
			device = "app"
		}
		s.customers[i] = Customer{
			ID:        id,
			Age:       age,
			Region:    regions[regPick.Draw(r)].name,
			Interests: interests,
			Channel:   channels[t.acq].name,
			Device:    device,
			SignUp:    s.cfg.Start.Add(time.Duration(t.signUpDays * float64(24*time.Hour))).Truncate(time.Second),
		}
	}
}

// samplerOf draws indices of xs with probability proportional to weight(x).
func samplerOf[T any](xs []T, weight func(T) float64) wsample.Sampler {
	w := make([]float64, len(xs))
	for i, x := range xs {
		w[i] = weight(x)
	}
	return wsample.New(w)
}

// gamma draws from Gamma(shape, 1) by Marsaglia and Tsang's method.
func gamma(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gamma(r, shape+1) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// beta draws from Beta(a, b) as a ratio of gammas.
func beta(r *rand.Rand, a, b float64) float64 {
	x := gamma(r, a)
	return x / (x + gamma(r, b))
}
