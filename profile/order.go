package profile

import (
	"fmt"
	"time"
)

// Order is one checkout: who bought what, when and through which channel. A return is an Order
// (or some Lines of one) with negative quantities; it may carry the ID of the order it returns
// from in ReturnOf.
type Order struct {
	// ID is the shop's order or invoice number. Required.
	ID string `json:"id"`
	// CustomerID is the buyer. Empty for a guest checkout: KPIs count such orders, while
	// per-customer builders skip and count them.
	CustomerID string `json:"customer_id,omitempty"`
	// Time is when the order was placed. Required.
	Time time.Time `json:"time"`
	// Channel, Device and Region describe where the order came from, if known.
	Channel string `json:"channel,omitempty"`
	Device  string `json:"device,omitempty"`
	Region  string `json:"region,omitempty"`
	// ReturnOf is the ID of the original order when this order is a return; optional.
	ReturnOf string `json:"return_of,omitempty"`
	// Lines are the items bought. An order needs at least one line.
	Lines []Line `json:"lines"`
}

// Line is one item of an order.
type Line struct {
	// ItemID is the product. It may be empty when the source records only totals (CDNOW).
	ItemID string `json:"item_id,omitempty"`
	// Category and Brand describe the item, if known.
	Category string `json:"category,omitempty"`
	Brand    string `json:"brand,omitempty"`
	// Quantity is the number of units; negative for a returned line, never zero, at most
	// textio.MaxMagnitude (1e15) in absolute value.
	Quantity int `json:"quantity"`
	// UnitPrice is the price paid per unit, after discounts, in the shop's currency; in
	// [0, 1e15].
	UnitPrice float64 `json:"unit_price"`
	// ListPrice is the undiscounted unit price, in [0, 1e15]; 0 when not known.
	ListPrice float64 `json:"list_price,omitempty"`
}

// Amount is the line's value: Quantity * UnitPrice (negative for a return).
func (l Line) Amount() float64 { return float64(l.Quantity) * l.UnitPrice }

// Discount is the share of the list price not paid, in [0, 1]: 1 - UnitPrice/ListPrice, or 0
// when the list price is unknown or not above the price paid.
func (l Line) Discount() float64 {
	if l.ListPrice <= 0 || l.UnitPrice >= l.ListPrice {
		return 0
	}
	return 1 - l.UnitPrice/l.ListPrice
}

// Total is the sum of the lines' amounts: the order's value net of any returned lines in it.
func (o *Order) Total() float64 {
	var t float64
	for _, l := range o.Lines {
		t += l.Amount()
	}
	return t
}

// Units is the sum of the lines' quantities (returned units count negative).
func (o *Order) Units() int {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return n
}

// IsReturn reports whether every line of the order has a negative quantity.
func (o *Order) IsReturn() bool {
	if len(o.Lines) == 0 {
		return false
	}
	for _, l := range o.Lines {
		if l.Quantity >= 0 {
			return false
		}
	}
	return true
}

// Validate reports the first problem with o as a *FieldError (positional: no package prefix)
// naming the field (with the line index, as in "Lines[2].Quantity") and its value: a missing
// ID, a zero time, no lines, a zero quantity or one above textio.MaxMagnitude (1e15) in
// absolute value, or a unit or list price that is negative, NaN, infinite or above 1e15. The
// bound keeps every amount (at most 1e30) and every sum of amounts finite, so whatever
// Validate accepts can be built, exported and encoded as JSON.
func (o *Order) Validate() error {
	if o.ID == "" {
		return &FieldError{Field: "ID", Value: "", Err: ErrMissing}
	}
	if fe := checkTime(o.Time); fe != nil {
		return fe
	}
	if len(o.Lines) == 0 {
		return &FieldError{Field: "Lines", Value: "[]", Err: ErrMissing}
	}
	// Field names are formatted only on the error path: Validate runs once per order in every
	// builder, and a valid order should cost no allocation.
	for i, l := range o.Lines {
		if l.Quantity == 0 {
			return &FieldError{Field: fmt.Sprintf("Lines[%d].Quantity", i), Value: "0", Err: ErrZeroQuantity}
		}
		if fe := checkQuantity(l.Quantity); fe != nil {
			return lineField(i, fe)
		}
		if fe := checkPrice("UnitPrice", l.UnitPrice); fe != nil {
			return lineField(i, fe)
		}
		if fe := checkPrice("ListPrice", l.ListPrice); fe != nil {
			return lineField(i, fe)
		}
	}
	return nil
}

// lineField prefixes the field of a line's validation error with the line's index.
func lineField(i int, fe *FieldError) error {
	fe.Field = fmt.Sprintf("Lines[%d].%s", i, fe.Field)
	return fe
}
