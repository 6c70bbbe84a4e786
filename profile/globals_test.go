package profile_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// TestOnlineRetailHeaderIsACopy: a caller that edits the header it was given changes neither
// what WriteOnlineRetail writes nor what ReadOnlineRetail accepts, nor the next caller's copy.
// (Before, OnlineRetailHeader was an exported slice that one importer could rewrite for all.)
func TestOnlineRetailHeaderIsACopy(t *testing.T) {
	want := []string{"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"}
	h := profile.OnlineRetailHeader()
	if !slices.Equal(h, want) {
		t.Fatalf("OnlineRetailHeader() = %v", h)
	}
	h[0], h[1] = "Hacked", "Too"
	if got := profile.OnlineRetailHeader(); !slices.Equal(got, want) {
		t.Fatalf("a caller's edit reached the next copy: %v", got)
	}
	var buf bytes.Buffer
	order := profile.Order{ID: "536365", CustomerID: "17850", Time: time.Date(2010, 12, 1, 8, 26, 0, 0, time.UTC),
		Lines: []profile.Line{{ItemID: "85123A", Quantity: 6, UnitPrice: 2.55}}}
	if err := profile.WriteOnlineRetail(&buf, slices.Values([]profile.Order{order})); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(buf.String(), "\n"); first != strings.Join(want, ",") {
		t.Fatalf("header written: %q", first)
	}
	n := 0
	for o, err := range profile.ReadOnlineRetail(&buf) {
		if err != nil {
			t.Fatal(err)
		}
		if o.ID != "536365" {
			t.Errorf("read %+v", o)
		}
		n++
	}
	if n != 1 {
		t.Errorf("read %d orders, want 1", n)
	}
}

// TestStitcherKeepsItsOwnLimits: editing the Limits map after NewStitcher does not change the
// stitcher (it keeps a copy): with user_id limited to 1, a second login on a cookie is refused.
func TestStitcherKeepsItsOwnLimits(t *testing.T) {
	limits := map[string]int{profile.IDUser: 1}
	st, err := profile.NewStitcher(profile.StitchConfig{Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	limits[profile.IDUser] = 0 // would make user IDs unlimited
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	cookie := profile.Identity{Type: profile.IDAnonymous, Value: "c1"}
	st.Observe(at, cookie, profile.Identity{Type: profile.IDUser, Value: "ann"})
	st.Observe(at.Add(time.Hour), cookie, profile.Identity{Type: profile.IDUser, Value: "bob"})
	if got := st.Canonical(profile.Identity{Type: profile.IDUser, Value: "bob"}); got != "bob" {
		t.Errorf("bob stitched into %s: the caller's edit of Limits reached the stitcher", got)
	}
}

// TestOnlineRetailConfigValidate: a DateOrder that is none of the three is an error, not a
// silent ISO-only reading (before, DateOrder(7) read the file and refused every slash date).
func TestOnlineRetailConfigValidate(t *testing.T) {
	in := "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A,x,1,01/02/2011 10:00,1,7,UK\n"
	for _, d := range []profile.DateOrder{profile.DateAuto, profile.DayFirst, profile.MonthFirst} {
		if err := (profile.OnlineRetailConfig{DateOrder: d}).Validate(); err != nil {
			t.Errorf("DateOrder %d: %v", d, err)
		}
	}
	for _, d := range []profile.DateOrder{-1, 3, 7} {
		cfg := profile.OnlineRetailConfig{DateOrder: d}
		if err := cfg.Validate(); !errors.Is(err, profile.ErrConfig) || !strings.Contains(err.Error(), "DateOrder") {
			t.Errorf("DateOrder %d: Validate = %v, want ErrConfig naming DateOrder", d, err)
		}
		var errs []error
		n := 0
		for _, err := range cfg.Read(strings.NewReader(in)) {
			if err != nil {
				errs = append(errs, err)
			} else {
				n++
			}
		}
		var re *profile.RowError
		if n != 0 || len(errs) != 1 || !errors.Is(errs[0], profile.ErrConfig) || errors.As(errs[0], &re) {
			t.Errorf("DateOrder %d: Read gave %d orders and %v, want only the config error", d, n, errs)
		}
	}
}
