package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// TestErrorsPrefixedOnce: every error an exported function returns starts with "metrics: "
// and carries no second prefix (before: "metrics: invalid event: profile: field ..."), and
// still matches both its sentinel and its cause.
func TestErrorsPrefixedOnce(t *testing.T) {
	when := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a := newAcc(t, Config{})
	f, err := NewFunnel(FunnelConfig{Steps: []profile.EventType{profile.View}})
	if err != nil {
		t.Fatal(err)
	}
	o := NewOrders(OrdersConfig{})
	type check struct {
		name   string
		err    error
		causes []error
	}
	var checks []check
	for _, c := range []struct {
		name   string
		e      profile.Event
		causes []error
	}{
		{"NaN price", profile.Event{CustomerID: "c", Time: when, Type: profile.View, Price: math.NaN()}, []error{ErrInvalidEvent, profile.ErrNotFinite}},
		{"no person", profile.Event{Time: when, Type: profile.View}, []error{ErrInvalidEvent, profile.ErrMissing}},
		{"year 1500", profile.Event{CustomerID: "c", Time: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), Type: profile.View}, []error{ErrTimeRange}},
		{"price and list price too large", profile.Event{CustomerID: "c", Time: when, Type: profile.Purchase, Quantity: 1, Price: 2e15, ListPrice: 3e15}, []error{ErrTooLarge}},
	} {
		checks = append(checks, check{"Accumulator.Add " + c.name, a.Add(&c.e), c.causes})
		if c.name != "price and list price too large" {
			checks = append(checks, check{"Funnel.Add " + c.name, f.Add(&c.e), c.causes})
		}
	}
	checks = append(checks,
		check{"Orders.Add no lines", o.Add(&profile.Order{ID: "o1", CustomerID: "c", Time: when}), []error{ErrInvalidOrder}},
		check{"Orders.Add huge line", o.Add(&profile.Order{ID: "o2", CustomerID: "c", Time: when,
			Lines: []profile.Line{{ItemID: "i", Quantity: 1, UnitPrice: 2e15}}}), []error{ErrTooLarge}},
	)
	_, err = NewAccumulator(Config{Session: SessionConfig{Gap: -1}})
	checks = append(checks, check{"NewAccumulator", err, []error{ErrConfig}})
	_, err = NewFunnel(FunnelConfig{})
	checks = append(checks, check{"NewFunnel", err, []error{ErrConfig}})
	_, err = Compare("a", KPIs{}, "b", KPIs{}, IntervalConfig{}, "Nope")
	checks = append(checks, check{"Compare", err, []error{ErrConfig}})
	var m Method
	checks = append(checks, check{"Method.UnmarshalText", json.Unmarshal([]byte(`"wald"`), &m), []error{ErrConfig}})
	for _, c := range checks {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := c.err.Error()
		if c.name == "Method.UnmarshalText" {
			msg = strings.TrimPrefix(msg, "json: ") // encoding/json's own wrapping
		}
		if !strings.HasPrefix(msg, "metrics: ") || strings.Count(msg, "metrics: ") != 1 || strings.Contains(msg, "profile: ") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q, want one metrics prefix and no other", c.name, msg)
		}
		for _, cause := range c.causes {
			if !errors.Is(c.err, cause) {
				t.Errorf("%s: %v does not match %v", c.name, c.err, cause)
			}
		}
	}
	var fe *profile.FieldError
	if err := a.Add(&profile.Event{CustomerID: "c", Time: when, Type: profile.View, Price: -1}); !errors.As(err, &fe) || fe.Field != "Price" {
		t.Errorf("the profile.FieldError is not reachable: %v", err)
	}
}
