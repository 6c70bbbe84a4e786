package profile

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// personal are values a shop may put in an identifier or a free-text field: an e-mail address,
// a phone number, a name and address.
var personal = []string{"alice@example.com", "+1-555-0100", "Alice Example, 1 Main St"}

// TestErrorsHoldNoPersonalValues feeds personal values through every error path of the
// package (Validate, the Builder's Add paths, Consents.Record, Export) and checks that no
// message holds one: errors name fields, positions, numbers, times and IDs only. (Before, an
// identity without a type put its raw value, an e-mail address, into the message.)
func TestErrorsHoldNoPersonalValues(t *testing.T) {
	mail, phone, text := personal[0], personal[1], personal[2]
	event := func(edit func(*Event)) Event {
		e := Event{CustomerID: "c1", AnonymousID: "a1", Time: day0(1), Type: Purchase, Quantity: 1, Price: 2,
			ItemID: text, Category: text, Brand: text, Channel: text, Device: text, Region: text, SessionID: text, OrderID: text,
			Identities: []Identity{{IDEmailHash, mail}, {IDPhoneHash, phone}, {"note", text}}}
		edit(&e)
		return e
	}
	order := func(edit func(*Order)) Order {
		o := Order{ID: "o1", CustomerID: "c1", Time: day0(1), Channel: text, Device: text, Region: text, ReturnOf: text,
			Lines: []Line{{ItemID: mail, Category: phone, Brand: text, Quantity: 1, UnitPrice: 2}}}
		edit(&o)
		return o
	}
	events := map[string]Event{
		"untyped identity (issue 12)": event(func(e *Event) { e.Identities = append(e.Identities, Identity{Value: mail}) }),
		"no person":                   event(func(e *Event) { e.CustomerID, e.AnonymousID = "", "" }),
		"zero time":                   event(func(e *Event) { e.Time = time.Time{} }),
		"time out of range":           event(func(e *Event) { e.Time = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) }),
		"no type":                     event(func(e *Event) { e.Type = "" }),
		"NaN price":                   event(func(e *Event) { e.Price = math.NaN() }),
		"negative list price":         event(func(e *Event) { e.ListPrice = -1 }),
		"price 1e308":                 event(func(e *Event) { e.Price = 1e308 }),
		"quantity 2^62":               event(func(e *Event) { e.Quantity = 1 << 62 }),
		"purchase without quantity":   event(func(e *Event) { e.Quantity = 0 }),
	}
	orders := map[string]Order{
		"no ID":             order(func(o *Order) { o.ID = "" }),
		"zero time":         order(func(o *Order) { o.Time = time.Time{} }),
		"time out of range": order(func(o *Order) { o.Time = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) }),
		"no lines":          order(func(o *Order) { o.Lines = nil }),
		"zero quantity":     order(func(o *Order) { o.Lines[0].Quantity = 0 }),
		"quantity 2^53":     order(func(o *Order) { o.Lines[0].Quantity = 1 << 53 }),
		"Inf price":         order(func(o *Order) { o.Lines[0].UnitPrice = math.Inf(1) }),
		"list price 1e308":  order(func(o *Order) { o.Lines[0].ListPrice = 1e308 }),
		"negative price":    order(func(o *Order) { o.Lines[0].UnitPrice = -5e-324 }),
	}
	var msgs []string
	record := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		msgs = append(msgs, what+": "+err.Error())
	}
	st := newStitcher(t, StitchConfig{})
	var cons Consents
	b := newBuilder(t, Config{Stitcher: st, Consents: &cons})
	for name, e := range events {
		if name != "time out of range" {
			record("Event.Validate "+name, e.Validate())
		}
		record("AddEvent "+name, b.AddEvent(e))
	}
	for name, o := range orders {
		if name != "time out of range" {
			record("Order.Validate "+name, o.Validate())
		}
		record("AddOrder "+name, b.AddOrder(o))
	}
	for name, r := range map[string]ConsentRecord{
		"no subject": {Purpose: Purpose(text), Time: day0(1)},
		"no purpose": {Subject: mail, Time: day0(1)},
		"no time":    {Subject: phone, Purpose: Purpose(text)},
	} {
		record("Consents.Record "+name, cons.Record(r))
	}
	for i, who := range personal {
		_, err := b.Export(who, day0(2))
		record(fmt.Sprint("Export of unknown customer ", i), err)
	}
	for _, m := range msgs {
		for _, p := range personal {
			if strings.Contains(m, p) {
				t.Errorf("personal value %q in %s", p, m)
			}
		}
	}
	if len(msgs) < len(events)+len(orders) {
		t.Fatalf("only %d messages", len(msgs))
	}
}
