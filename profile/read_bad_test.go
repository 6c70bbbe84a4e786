package profile_test

import (
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

const retailHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"

func readRetail(t *testing.T, r io.Reader) ([]profile.Order, []error) {
	t.Helper()
	var orders []profile.Order
	var errs []error
	for o, err := range profile.ReadOnlineRetail(r) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		orders = append(orders, o)
	}
	return orders, errs
}

// The probe's file: line 2 opens a quote it never closes and 1,000 good rows follow. Before,
// LazyQuotes read them all into line 2's Description: 0 orders and one error.
func TestReadOnlineRetailStrayQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString(retailHeader)
	b.WriteString("536365,85123A,\"WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n")
	for i := range 1000 {
		b.WriteString(strconv.Itoa(536366+i) + ",71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n")
	}
	orders, errs := readRetail(t, strings.NewReader(b.String()))
	if len(orders) != 1000 || orders[0].ID != "536366" || orders[999].ID != "537365" {
		t.Fatalf("read %d orders, want 1000", len(orders))
	}
	checkRowErrors(t, errs, 2, "Description", textio.ErrQuote)
}

// A multi-MB line is one bad row and costs a bounded amount of memory; before, the reader held
// the whole field (a 512 MB field took 2.1 GB).
func TestReadOnlineRetailLongLine(t *testing.T) {
	for _, tc := range []struct{ name, open string }{{"plain", ""}, {"quoted", "\""}} {
		t.Run(tc.name, func(t *testing.T) {
			in := io.MultiReader(strings.NewReader(retailHeader+"1,A,"+tc.open),
				io.LimitReader(strings.NewReader(strings.Repeat("x", 16<<20)), 16<<20),
				strings.NewReader("\n2,B,y,1,2011-01-02 10:00:00,3.00,8,UK\n"))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			orders, errs := readRetail(t, in)
			runtime.ReadMemStats(&after)
			checkRowErrors(t, errs, 2, "", textio.ErrLineTooLong)
			if len(orders) != 1 || orders[0].ID != "2" {
				t.Fatalf("orders %+v", orders)
			}
			// The 16 MiB input string is allocated before the measurement.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5*textio.MaxLineBytes {
				t.Errorf("allocated %d bytes reading a 16 MiB line, want at most %d", alloc, 5*textio.MaxLineBytes)
			}
		})
	}
}

// Rows of one invoice with another customer, country or time are errors, not lines of the first
// row's customer (before: silently attributed to customer 7).
func TestReadOnlineRetailInvoiceMismatch(t *testing.T) {
	first := "1,A,x,2,2011-01-01 10:00:00,1.50,7,UK\n"
	for _, tc := range []struct {
		name, row, field string
	}{
		{"other customer", "1,B,y,1,2011-01-01 10:00:00,3.00,8,UK\n", "CustomerID"},
		{"guest row in a customer's invoice", "1,B,y,1,2011-01-01 10:00:00,3.00,,UK\n", "CustomerID"},
		{"other country", "1,B,y,1,2011-01-01 10:00:00,3.00,7,France\n", "Country"},
		{"another day", "1,B,y,1,2011-01-02 10:00:00,3.00,7,UK\n", "InvoiceDate"},
		{"an hour and a minute earlier", "1,B,y,1,2011-01-01 08:59:00,3.00,7,UK\n", "InvoiceDate"},
		{"all three (the probe's row)", "1,B,y,1,2011-02-03 11:00:00,3.00,12345,Spain\n", "CustomerID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := retailHeader + first + tc.row + "1,C,z,1,2011-01-01 10:00:00,2.00,7,UK\n" + "2,A,x,1,2011-01-02 10:00:00,1,8,UK\n"
			orders, errs := readRetail(t, strings.NewReader(in))
			checkRowErrors(t, errs, 3, tc.field, profile.ErrInvoiceMismatch)
			if len(orders) != 2 || len(orders[0].Lines) != 2 || orders[0].Lines[1].ItemID != "C" || orders[0].CustomerID != "7" {
				t.Fatalf("orders %+v", orders)
			}
		})
	}
	// The UCI file's invoice 536591 has rows at 16:57 and 16:58: one order, no error.
	in := retailHeader + "536591,A,x,1,2010-12-01 16:57:00,1,14606,United Kingdom\n536591,B,y,1,2010-12-01 16:58:00,1, 14606.0 ,United Kingdom \n"
	orders, errs := readRetail(t, strings.NewReader(in))
	if len(errs) != 0 || len(orders) != 1 || len(orders[0].Lines) != 2 {
		t.Fatalf("orders %+v errors %v", orders, errs)
	}
}

// TestReadOnlineRetailBadNumbers is the numeric part of the bad-input table: every extreme in
// every numeric field, with the exact outcome.
func TestReadOnlineRetailBadNumbers(t *testing.T) {
	for _, tc := range []struct {
		field, value string
		cause        error // nil: accepted
	}{
		{"Quantity", "NaN", textio.ErrInteger},
		{"Quantity", "Inf", textio.ErrInteger},
		{"Quantity", "-Inf", textio.ErrInteger},
		{"Quantity", "1e308", textio.ErrInteger},
		{"Quantity", "5e-324", textio.ErrInteger},
		{"Quantity", "9007199254740992", textio.ErrRange},
		{"Quantity", "4611686018427387904", textio.ErrRange},
		{"Quantity", "2147483648", textio.ErrRange},
		{"Quantity", "-2147483647", nil},
		{"UnitPrice", "NaN", textio.ErrNumber},
		{"UnitPrice", "Inf", textio.ErrNumber},
		{"UnitPrice", "-Inf", textio.ErrNumber},
		{"UnitPrice", "1e308", textio.ErrRange},
		{"UnitPrice", "9007199254740992", textio.ErrRange},
		{"UnitPrice", "4611686018427387904", textio.ErrRange},
		{"UnitPrice", "1000000000000001", textio.ErrRange},
		{"UnitPrice", "1e15", nil},
		{"UnitPrice", "5e-324", nil},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			qty, price := "1", "1"
			if tc.field == "Quantity" {
				qty = tc.value
			} else {
				price = tc.value
			}
			in := retailHeader + "1,A,x,1,2011-01-01 10:00:00,1,7,UK\n" +
				"9,A,x," + qty + ",2011-01-01 10:00:00," + price + ",7,UK\n" +
				"2,B,y,1,2011-01-02 10:00:00,3.00,8,UK\n"
			orders, errs := readRetail(t, strings.NewReader(in))
			if tc.cause == nil {
				if len(errs) != 0 || len(orders) != 3 {
					t.Fatalf("orders %d errors %v, want the row accepted", len(orders), errs)
				}
				if err := orders[1].Validate(); err != nil {
					t.Fatalf("accepted an invalid order: %v", err)
				}
				return
			}
			checkRowErrors(t, errs, 3, tc.field, tc.cause)
			if len(orders) != 2 {
				t.Fatalf("good rows lost: %+v", orders)
			}
		})
	}
}

// TestReadOnlineRetailFileShapes covers the shapes of a whole file: empty, header only, wrong
// headers (a header error, distinguishable from a bad row), CRLF and a byte-order mark.
func TestReadOnlineRetailFileShapes(t *testing.T) {
	good := "1,A,x,1,2011-01-01 10:00:00,1,7,UK\n"
	for _, tc := range []struct {
		name, in  string
		orders    int
		headerErr bool
	}{
		{"empty", "", 0, false},
		{"header only", retailHeader, 0, false},
		{"header only, no newline", strings.TrimSuffix(retailHeader, "\n"), 0, false},
		{"blank lines", retailHeader + "\n\n" + good + "\n", 1, false},
		{"CRLF", strings.ReplaceAll(retailHeader+good+"2,B,y,1,2011-01-02 10:00:00,3.00,8,UK\n", "\n", "\r\n"), 2, false},
		{"BOM", "\ufeff" + retailHeader + good, 1, false},
		{"BOM and a quoted header", "\ufeff\"InvoiceNo\",StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" + good, 1, false},
		{"renamed column", strings.Replace(retailHeader, "Country", "Region", 1) + good, 0, true},
		{"missing column", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n" + good, 0, true},
		{"no header (data first)", good + good, 0, true},
		{"header with an open quote", "InvoiceNo,\"StockCode,Description\n" + good, 0, true},
		{"header longer than MaxLineBytes", strings.Repeat("x", textio.MaxLineBytes+1) + "\n" + good, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orders, errs := readRetail(t, strings.NewReader(tc.in))
			if tc.headerErr {
				if len(errs) != 1 || !errors.Is(errs[0], profile.ErrHeader) || len(orders) != 0 {
					t.Fatalf("orders %d errors %v, want one header error", len(orders), errs)
				}
				// A wrong header is no bad row (a host skipping bad rows would otherwise
				// count it as one and report a clean read): not a *RowError, but it names the
				// line, and starts with the package once.
				var re *profile.RowError
				if msg := errs[0].Error(); errors.As(errs[0], &re) || !strings.Contains(msg, "line 1: ") ||
					!strings.HasPrefix(msg, "profile: read Online Retail: ") || strings.Count(msg, "profile: ") != 1 {
					t.Fatalf("header error %q: want a non-RowError naming line 1 with one prefix", errs[0])
				}
				var rep profile.ReadReport
				for range profile.SkipBad(profile.ReadOnlineRetail(strings.NewReader(tc.in)), &rep) {
				}
				if !errors.Is(rep.Err, profile.ErrHeader) || rep.Bad != 0 {
					t.Fatalf("SkipBad: %v (err %v), want the header error in Err and no bad row", &rep, rep.Err)
				}
				return
			}
			if len(errs) != 0 || len(orders) != tc.orders {
				t.Fatalf("orders %d errors %v, want %d orders", len(orders), errs, tc.orders)
			}
		})
	}
	// A bad row is not a header error.
	_, errs := readRetail(t, strings.NewReader(retailHeader+"1,A,x,one,2011-01-01 10:00:00,1,7,UK\n"))
	if len(errs) != 1 || errors.Is(errs[0], profile.ErrHeader) {
		t.Fatalf("bad row errors %v", errs)
	}
}

func TestReadCDNOWBadNumbers(t *testing.T) {
	for _, tc := range []struct {
		field, value string
		cause        error
	}{
		{"quantity", "NaN", textio.ErrInteger},
		{"quantity", "1e308", textio.ErrInteger},
		{"quantity", "5e-324", textio.ErrInteger},
		{"quantity", "9007199254740992", textio.ErrRange},
		{"quantity", "4611686018427387904", textio.ErrRange},
		{"amount", "NaN", textio.ErrNumber},
		{"amount", "-Inf", textio.ErrNumber},
		{"amount", "1e308", textio.ErrRange},
		{"amount", "9007199254740992", textio.ErrRange},
		{"amount", "4611686018427387904", textio.ErrRange},
		{"amount", "5e-324", nil},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			qty, amount := "1", "1"
			if tc.field == "quantity" {
				qty = tc.value
			} else {
				amount = tc.value
			}
			in := "00001 19970101 1 5.00\n00001 19970102 " + qty + " " + amount + "\r\n00002 19970102 2 8.00\n"
			var n int
			var errs []error
			for o, err := range profile.ReadCDNOW(strings.NewReader(in)) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if err := o.Validate(); err != nil {
					t.Fatalf("invalid order %+v: %v", o, err)
				}
				n++
			}
			if tc.cause == nil {
				if len(errs) != 0 || n != 3 {
					t.Fatalf("read %d, errors %v", n, errs)
				}
				return
			}
			checkRowErrors(t, errs, 2, tc.field, tc.cause)
			if n != 2 {
				t.Fatalf("good rows lost: read %d", n)
			}
		})
	}
	// A byte-order mark is not part of the first customer's ID (before: "\ufeff00001").
	for o, err := range profile.ReadCDNOW(strings.NewReader("\ufeff00001 19970101 1 5.00\r\n")) {
		if err != nil || o.CustomerID != "1" {
			t.Fatalf("BOM: %+v, %v", o, err)
		}
	}
	for _, in := range []string{"", "\n\n", "customer_id  date number_of_cds  dollar_value\n", "\ufeffcustomer_id  date number_of_cds  dollar_value\r\n"} {
		for o, err := range profile.ReadCDNOW(strings.NewReader(in)) {
			t.Fatalf("%q gave %+v, %v; want nothing", in, o, err)
		}
	}
}
