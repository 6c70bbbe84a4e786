package profile

import (
	"math"
	"testing"
	"time"
)

// Hand-worked stages at the boundaries of the rule: window w = 30 days, ChurnFactor 2, so new
// or active up to r = 30, lapsed up to r = 60, churned beyond; new while t <= 30 too.
func TestLifecycleStageBoundaries(t *testing.T) {
	lc := Lifecycle{Window: 30 * 24 * time.Hour, ChurnFactor: 2}
	w := lc.WindowDays(MainCategory{})
	if w != 30 {
		t.Fatalf("WindowDays = %v, want 30", w)
	}
	for _, c := range []struct {
		r, t float64
		want Stage
	}{
		{-1, -1, Prospect},
		{-1e-9, 5, Prospect},
		{0, 0, New},
		{30, 30, New},              // recency and tenure exactly at the window
		{30, 30.000001, Active},    // tenure just past it
		{29, 400, Active},          // an old customer who bought recently
		{30.000001, 400, Lapsed},   // recency just past the window
		{60, 400, Lapsed},          // exactly ChurnFactor * window
		{60.000001, 400, Churned},  // just past it
		{math.NaN(), 400, Churned}, // NaN compares false everywhere
		{1e300, math.Inf(1), Churned},
	} {
		if got := lc.Stage(c.r, c.t, w); got != c.want {
			t.Errorf("Stage(r=%v, t=%v, w=30) = %s, want %s", c.r, c.t, got, c.want)
		}
	}
	// ChurnFactor 1 leaves no lapsed stage.
	one := Lifecycle{ChurnFactor: 1}
	if got := one.Stage(90.5, 400, 90); got != Churned {
		t.Errorf("ChurnFactor 1: Stage(90.5) = %s, want churned", got)
	}
}

// The zero Lifecycle is the documented default: a 90-day window and a churn factor of 3.
func TestLifecycleDefaults(t *testing.T) {
	var lc Lifecycle
	w := lc.WindowDays(MainCategory{})
	if w != 90 {
		t.Fatalf("default WindowDays = %v, want 90", w)
	}
	for _, c := range []struct {
		r    float64
		want Stage
	}{{90, Active}, {90.5, Lapsed}, {270, Lapsed}, {270.5, Churned}} {
		if got := lc.Stage(c.r, 1000, w); got != c.want {
			t.Errorf("default Stage(r=%v) = %s, want %s", c.r, got, c.want)
		}
	}
}

func TestLifecycleWindowOfMainCategory(t *testing.T) {
	lc := Lifecycle{Window: 10 * 24 * time.Hour, Windows: map[string]time.Duration{
		"grocery": 21 * 24 * time.Hour, "apparel": 0, "": 5 * 24 * time.Hour}}
	main := func(offers ...any) MainCategory {
		var m MainCategory
		for i := 0; i < len(offers); i += 2 {
			m.Offer(offers[i].(string), offers[i+1].(float64))
		}
		return m
	}
	for _, c := range []struct {
		m    MainCategory
		want float64
	}{
		{MainCategory{}, 10},                       // no purchase: Window
		{main("grocery", 5.0, "apparel", 4.0), 21}, // grocery has the most spend
		{main("grocery", 5.0, "apparel", 6.0), 10}, // apparel's zero entry means Window
		{main("toys", 1.0), 10},                    // no entry
		{main("", 3.0, "toys", 1.0), 5},            // uncategorised lines are ""
		{main("toys", 0.5, "", 0.5), 5},            // a tie: "" < "toys"
	} {
		if got := lc.WindowDays(c.m); got != c.want {
			name, _ := c.m.Name()
			t.Errorf("WindowDays(main %q) = %v, want %v", name, got, c.want)
		}
	}
}

// Spends equal to within a relative 1e-9 are a tie broken by name, whatever the order of the
// offers: 0.1 + 0.2 is 0.30000000000000004, not 0.3.
func TestMainCategoryTie(t *testing.T) {
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		cats := [2]struct {
			name  string
			spend float64
		}{{"b", 0.1 + 0.2}, {"a", 0.3}}
		var m MainCategory
		for _, i := range order {
			m.Offer(cats[i].name, cats[i].spend)
		}
		if name, ok := m.Name(); !ok || name != "a" {
			t.Errorf("offers in order %v: main = %q, %v; want \"a\" (a tie, smaller name)", order, name, ok)
		}
	}
	var m MainCategory
	m.Offer("a", 1)
	m.Offer("b", 1.01) // beyond the tolerance: more spend wins
	if name, _ := m.Name(); name != "b" {
		t.Errorf("main = %q, want b", name)
	}
	if _, ok := (MainCategory{}).Name(); ok {
		t.Error("zero MainCategory has a name")
	}
}

func TestLifecycleValidate(t *testing.T) {
	for _, c := range []struct {
		lc Lifecycle
		ok bool
	}{
		{Lifecycle{}, true},
		{Lifecycle{Window: time.Hour, ChurnFactor: 1}, true},
		{Lifecycle{Windows: map[string]time.Duration{"a": 0}}, true},
		{Lifecycle{Window: -1}, false},
		{Lifecycle{Windows: map[string]time.Duration{"a": -time.Hour}}, false},
		{Lifecycle{ChurnFactor: 0.5}, false},
		{Lifecycle{ChurnFactor: -3}, false},
		{Lifecycle{ChurnFactor: math.NaN()}, false},
		{Lifecycle{ChurnFactor: math.Inf(1)}, false},
	} {
		err := c.lc.Validate()
		if (err == nil) != c.ok {
			t.Errorf("%+v: Validate = %v, want ok %v", c.lc, err, c.ok)
		}
		// The same bounds as Config.Validate on the same fields.
		cerr := Config{Window: c.lc.Window, Windows: c.lc.Windows, ChurnFactor: c.lc.ChurnFactor}.Validate()
		if (cerr == nil) != c.ok {
			t.Errorf("%+v: Config.Validate = %v, want ok %v", c.lc, cerr, c.ok)
		}
	}
}

// PlausibleOrder, the allocation-free pre-check, agrees with Order.Validate, which it stands
// in for.
func TestPlausibleOrderAgreesWithValidate(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	line := func(q int, price, list float64) []Line {
		return []Line{{Quantity: q, UnitPrice: price, ListPrice: list}}
	}
	for _, o := range []Order{
		{ID: "ok", Time: at, Lines: line(1, 1, 0)},
		{ID: "return", Time: at, Lines: line(-2, 1, 2)},
		{ID: "", Time: at, Lines: line(1, 1, 0)},
		{ID: "no time", Lines: line(1, 1, 0)},
		{ID: "no lines", Time: at},
		{ID: "zero", Time: at, Lines: line(0, 1, 0)},
		{ID: "negative price", Time: at, Lines: line(1, -1, 0)},
		{ID: "NaN price", Time: at, Lines: line(1, math.NaN(), 0)},
		{ID: "Inf price", Time: at, Lines: line(1, math.Inf(1), 0)},
		{ID: "price at bound", Time: at, Lines: line(1, 1e15, 0)},
		{ID: "price past bound", Time: at, Lines: line(1, 1.0000001e15, 0)},
		{ID: "quantity at bound", Time: at, Lines: line(1e15, 1, 0)},
		{ID: "quantity past bound", Time: at, Lines: line(1e15+1, 1, 0)},
		{ID: "negative quantity past bound", Time: at, Lines: line(-1e15-1, 1, 0)},
		{ID: "negative list", Time: at, Lines: line(1, 1, -1)},
		{ID: "NaN list", Time: at, Lines: line(1, 1, math.NaN())},
		{ID: "Inf list", Time: at, Lines: line(1, 1, math.Inf(1))},
		{ID: "free", Time: at, Lines: line(3, 0, 0)},
		{ID: "year 1000", Time: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), Lines: line(1, 1, 0)},
	} {
		if got, want := PlausibleOrder(&o), o.Validate() == nil; got != want {
			t.Errorf("order %q: PlausibleOrder = %v, Validate ok = %v", o.ID, got, want)
		}
	}
}
