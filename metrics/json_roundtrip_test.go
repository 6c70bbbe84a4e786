package metrics

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkSnake walks decoded JSON and reports every object key that is not snake_case, except
// the keys of "unknown" maps, which are event types as recorded.
func checkSnake(t *testing.T, name, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !snakeKey.MatchString(k) {
				t.Errorf("%s: key %q at %s is not snake_case", name, k, path)
			}
			if k == "unknown" {
				if _, isMap := x.(map[string]any); isMap {
					continue
				}
			}
			checkSnake(t, name, path+"."+k, x)
		}
	case []any:
		for _, x := range v {
			checkSnake(t, name, path+"[]", x)
		}
	}
}

// roundTrip encodes v, checks the keys, decodes into a new value of the same type and
// compares.
func roundTrip[T any](t *testing.T, name string, v T, opts ...cmp.Option) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if strings.Contains(string(b), "NaN") || strings.Contains(string(b), "Inf") {
		t.Errorf("%s: non-finite number in %s", name, b)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkSnake(t, name, "", generic)
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: decoding: %v", name, err)
	}
	if d := cmp.Diff(v, back, opts...); d != "" {
		t.Errorf("%s: round trip differs (-before +after):\n%s", name, d)
	}
}

// TestJSONRoundTripsShop: every result type of the package, computed from profile/shoptest's
// shop, encodes with snake_case keys and text enums, has no NaN or Inf, and decodes back to
// the same value.
func TestJSONRoundTripsShop(t *testing.T) {
	s, err := shoptest.New(shoptest.Config{Customers: 300, Days: 120})
	if err != nil {
		t.Fatal(err)
	}
	events, orders := slices.Collect(s.Events()), slices.Collect(s.Orders())
	a := feedAll(t, Config{Interval: IntervalConfig{Method: Jeffreys, Alpha: 0.1}}, events)
	for _, dim := range []Dimension{ByChannel(), ByDevice(), Overall(), ByVariant(s.Variant)} {
		roundTrip(t, "report by "+dim.Name, *a.Report(dim))
	}
	roundTrip(t, "session stats", a.SessionStats())
	sessions := slices.Collect(a.Sessions())
	roundTrip(t, "sessions", sessions[:200], cmpopts.IgnoreUnexported(Session{}))

	r := a.Report(ByVariant(s.Variant))
	ctl, _ := r.Row("control")
	trt, _ := r.Row("treatment")
	c, err := Compare("control", ctl.KPIs, "treatment", trt.KPIs, IntervalConfig{}, AllColumns()...)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, "comparison", c)

	f, err := NewFunnel(FunnelConfig{Steps: []profile.EventType{profile.View, profile.AddToCart, profile.Checkout, profile.Purchase}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		_ = f.Add(&events[i])
	}
	roundTrip(t, "funnel", f.Result())

	o := NewOrders(OrdersConfig{})
	for i := range orders {
		_ = o.Add(&orders[i])
	}
	p := Period{From: s.Start(), To: s.Start().AddDate(0, 2, 0)}
	roundTrip(t, "customer report", o.Report(p))
	ret, churn := o.Retention(p, Period{From: p.To, To: p.To.AddDate(0, 2, 0)})
	roundTrip(t, "rates", []Rate{ret, churn, {}, NewRate(3, 2)})
	roundTrip(t, "estimates", []Estimate{ctl.AOV, undefined(4), {Value: 2, SE: -1, Units: 1, Valid: true}})
	roundTrip(t, "lift", RateLift(NewRate(10, 100), NewRate(15, 100), IntervalConfig{}))
	roundTrip(t, "forget report", a.Forget(sessions[0].Person))
}

// TestJSONNonFinite: one-sided and unbounded intervals encode as null ends and decode back.
func TestJSONNonFinite(t *testing.T) {
	b, err := json.Marshal(Lift{Percent: 5, Interval: Interval{Lower: 1, Upper: math.Inf(1)}, Valid: true, HasInterval: true})
	if err != nil || string(b) != `{"percent":5,"interval":{"lower":1,"upper":null},"valid":true,"has_interval":true}` {
		t.Fatalf("%s %v", b, err)
	}
	var back Lift
	if err := json.Unmarshal(b, &back); err != nil || !math.IsInf(back.Interval.Upper, 1) || back.Interval.Lower != 1 {
		t.Fatalf("%+v %v", back, err)
	}
}
