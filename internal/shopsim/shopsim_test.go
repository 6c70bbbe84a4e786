package shopsim

import (
	"hash/fnv"
	"math"
	"testing"

	"github.com/tailorkit/tailor/profile"
)

// digest hashes the fields of every event so that two streams can be compared cheaply.
func digest(s *Shop) (uint64, int) {
	h := fnv.New64a()
	n := 0
	for e := range s.Events() {
		n++
		h.Write([]byte(e.CustomerID + e.AnonymousID + string(e.Type) + e.ItemID + e.SessionID + e.OrderID + e.Channel))
		b := e.Time.AppendFormat(nil, "20060102150405")
		h.Write(b)
		h.Write([]byte{byte(e.Quantity), byte(math.Float64bits(e.Price))})
	}
	return h.Sum64(), n
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Customers: 800, Items: 300, Seed: 7}
	a, na := digest(New(cfg))
	b, nb := digest(New(cfg))
	if a != b || na != nb {
		t.Fatalf("same seed gave different streams: %x/%d vs %x/%d", a, na, b, nb)
	}
	cfg.Seed = 8
	if c, _ := digest(New(cfg)); c == a {
		t.Fatal("different seeds gave the same stream")
	}
}

func TestSizesAndValidity(t *testing.T) {
	s := New(Config{Customers: 1200, Items: 400, Days: 200})
	if got := len(s.Customers()); got != 1200 {
		t.Fatalf("customers = %d, want 1200", got)
	}
	if got := len(s.Catalog()); got != 400 {
		t.Fatalf("items = %d, want 400", got)
	}
	ids := map[string]bool{}
	for _, c := range s.Customers() {
		if ids[c.ID] || c.Age < 18 || c.Age > 80 || len(c.Interests) == 0 || c.Region == "" || c.Channel == "" {
			t.Fatalf("bad customer %+v", c)
		}
		ids[c.ID] = true
	}
	cats := map[string]bool{}
	for _, it := range s.Catalog() {
		if it.Price <= 0 || it.Category == "" || it.Brand == "" {
			t.Fatalf("bad item %+v", it)
		}
		cats[it.Category] = true
	}
	if len(cats) != len(categories) {
		t.Fatalf("catalog covers %d categories, want %d", len(cats), len(categories))
	}
	start, end := s.Config().Start, s.End()
	last := map[string]int64{}
	var prev string
	seenCustomer := map[string]bool{}
	for e := range s.Events() {
		if err := e.Validate(); err != nil {
			t.Fatalf("invalid event %+v: %v", e, err)
		}
		if e.Time.Before(start) || !e.Time.Before(end) {
			t.Fatalf("event outside [%v, %v): %v", start, end, e.Time)
		}
		// Events come customer by customer, in time order within a customer. The session ID
		// starts with the customer's index; returns carry the order ID, which does too.
		key := e.SessionID
		if key == "" {
			key = e.OrderID
		}
		cust := key[1:7]
		if cust != prev {
			if seenCustomer[cust] {
				t.Fatalf("customer %s appears in two separate runs", cust)
			}
			seenCustomer[cust], prev = true, cust
		}
		if ts := e.Time.Unix(); ts < last[cust] {
			t.Fatalf("customer %s events out of time order", cust)
		} else {
			last[cust] = ts
		}
	}
	for o := range s.Orders() {
		if err := o.Validate(); err != nil {
			t.Fatalf("invalid order %+v: %v", o, err)
		}
	}
}

// TestOrdersMatchEvents checks that Orders is a regrouping of the purchase and return events.
func TestOrdersMatchEvents(t *testing.T) {
	s := New(Config{Customers: 1000, Items: 300})
	var evBought, evReturned float64
	for e := range s.Events() {
		switch e.Type {
		case profile.Purchase:
			evBought += float64(e.Quantity) * e.Price
		case profile.Return:
			evReturned += float64(e.Quantity) * e.Price
		}
	}
	var bought, returned float64
	returns := 0
	for o := range s.Orders() {
		if o.IsReturn() {
			returns++
			if o.ReturnOf == "" {
				t.Fatalf("return order %s without ReturnOf", o.ID)
			}
			returned -= o.Total()
		} else {
			bought += o.Total()
		}
	}
	if returns == 0 {
		t.Fatal("no returns simulated")
	}
	if math.Abs(bought-evBought) > 1e-6*evBought || math.Abs(returned-evReturned) > 1e-6*evBought {
		t.Fatalf("orders (%.2f bought, %.2f returned) disagree with events (%.2f, %.2f)", bought, returned, evBought, evReturned)
	}
}

// checkoutConversion returns, per arm, the sessions with a checkout and those with a purchase.
func checkoutConversion(s *Shop) (checkouts, purchases [2]float64) {
	type key struct{ sid string }
	bought := map[string]bool{}
	arm := map[string]int{}
	for e := range s.Events() {
		if e.CustomerID == "" {
			continue
		}
		a := 0
		if s.Variant(e.CustomerID) == "treatment" {
			a = 1
		}
		switch e.Type {
		case profile.Checkout:
			arm[e.SessionID] = a
		case profile.Purchase:
			bought[e.SessionID] = true
		}
	}
	for sid, a := range arm {
		checkouts[a]++
		if bought[sid] {
			purchases[a]++
		}
	}
	return
}

// TestPlantedLift recovers the experiment's lift on checkout-to-purchase conversion: the ratio
// of the arms' rates must lie within 4 standard errors (delta method on the log ratio) of 1+Lift,
// and an A/A shop must give a ratio within 4 standard errors of 1.
func TestPlantedLift(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 40,000 customers; runs in the full test run")
	}
	for _, tc := range []struct {
		cfg  Config
		want float64
	}{
		{Config{Customers: 20000, Items: 800, Lift: 0.15}, 1.15},
		{Config{Customers: 20000, Items: 800, NoLift: true}, 1},
	} {
		s := New(tc.cfg)
		n, x := checkoutConversion(s)
		p0, p1 := x[0]/n[0], x[1]/n[1]
		se := math.Sqrt((1-p0)/(n[0]*p0) + (1-p1)/(n[1]*p1))
		z := (math.Log(p1/p0) - math.Log(tc.want)) / se
		t.Logf("arms n=%v rates %.4f %.4f ratio %.4f want %.2f z=%.2f", n, p0, p1, p1/p0, tc.want, z)
		if math.Abs(z) > 4 {
			t.Errorf("ratio %.4f is %.1f standard errors from %.2f", p1/p0, z, tc.want)
		}
		if n[0] < 2000 || n[1] < 2000 {
			t.Errorf("too few checkouts per arm: %v", n)
		}
	}
}

// TestVariantSplit checks that the experiment's arms look like a fair coin: the treatment share
// lies within 4 standard errors of one half, and arms do not alternate with consecutive IDs.
func TestVariantSplit(t *testing.T) {
	s := New(Config{Customers: 20000, Items: 50})
	treated, runs := 0, 0
	prev := ""
	for _, c := range s.Customers() {
		v := s.Variant(c.ID)
		if v == "treatment" {
			treated++
		}
		if v != prev {
			runs++
		}
		prev = v
	}
	n := float64(len(s.Customers()))
	// The documented hash, computed independently with Python's hashlib:
	//   sum(hashlib.sha256(('reco-widget:c%06d' % i).encode()).digest()[0] >= 128 for i in range(20000))
	if treated != 10059 {
		t.Fatalf("%d customers in treatment, want 10059 (Python hashlib)", treated)
	}
	if z := (float64(treated) - n/2) / math.Sqrt(n/4); math.Abs(z) > 4 {
		t.Fatalf("%d of %.0f in treatment: z = %.1f", treated, n, z)
	}
	// A fair coin gives about n/2 runs with standard deviation about sqrt(n)/2.
	if z := (float64(runs) - n/2) / (math.Sqrt(n) / 2); math.Abs(z) > 4 {
		t.Fatalf("%d runs of arms in %.0f customers: z = %.1f (alternation or clumping)", runs, n, z)
	}
}

func TestChannelsDiffer(t *testing.T) {
	s := New(Config{Customers: 3000, Items: 500})
	sessions := map[string]string{}
	events := map[string]int{}
	for e := range s.Events() {
		if e.SessionID != "" {
			sessions[e.SessionID] = e.Channel
			events[e.SessionID]++
		}
	}
	var n, bounced [16]float64
	idx := map[string]int{}
	for i, c := range channels {
		idx[c.name] = i
	}
	for sid, ch := range sessions {
		n[idx[ch]]++
		if events[sid] == 1 {
			bounced[idx[ch]]++
		}
	}
	social, app := idx["social"], idx["app"]
	if bounced[social]/n[social] < bounced[app]/n[app]+0.2 {
		t.Fatalf("social bounce %.2f should exceed app bounce %.2f by far", bounced[social]/n[social], bounced[app]/n[app])
	}
}
