package profile

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// OnlineRetailHeader returns the header row ReadOnlineRetail expects and WriteOnlineRetail
// writes: the columns of the UCI Online Retail data set, in this order (matched without
// regard to case or surrounding spaces). Each call returns a fresh copy.
func OnlineRetailHeader() []string { return slices.Clone(onlineRetailHeader) }

var onlineRetailHeader = []string{"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"}

// DateOrder says how to read a slash date such as 01/02/2011.
type DateOrder int

// Date orders for OnlineRetailConfig.
const (
	// DateAuto decides from the file: the first slash date whose first part exceeds 12 means
	// day first, whose second part exceeds 12 means month first. Until one appears the reader
	// holds rows back (at most MaxAmbiguousRows); a file that never decides gives
	// ErrAmbiguousDate and, if the caller goes on, is read month first.
	DateAuto DateOrder = iota
	// DayFirst reads DD/MM/YYYY, as UK exports of the UCI file write it.
	DayFirst
	// MonthFirst reads M/D/YYYY, as the UCI workbook and R exports write it.
	MonthFirst
)

// MaxAmbiguousRows bounds how many rows DateAuto holds back while it waits for a date that shows
// the order of day and month.
const MaxAmbiguousRows = 1 << 18

// ErrAmbiguousDate is wrapped by the error DateAuto gives when no date in the first
// MaxAmbiguousRows rows (or in the whole file) shows whether day or month comes first.
var ErrAmbiguousDate = errors.New("slash dates never show whether day or month comes first: set OnlineRetailConfig.DateOrder")

// OnlineRetailConfig configures ReadOnlineRetail. The zero value detects the date order.
type OnlineRetailConfig struct {
	// DateOrder is DateAuto (0, the default), DayFirst or MonthFirst; any other value is an
	// error.
	DateOrder DateOrder
}

// Validate reports, wrapping ErrConfig, a DateOrder that is none of the three. Read calls it.
func (c OnlineRetailConfig) Validate() error {
	switch c.DateOrder {
	case DateAuto, DayFirst, MonthFirst:
		return nil
	}
	return fmt.Errorf("%w: OnlineRetailConfig.DateOrder = %d: want DateAuto (0), DayFirst or MonthFirst", ErrConfig, c.DateOrder)
}

// ReadOnlineRetail reads orders from a CSV file in the UCI Online Retail format (header
// OnlineRetailHeader). Consecutive rows with the same InvoiceNo form one Order; StockCode becomes
// Line.ItemID, Country becomes Order.Region, and times are read as UTC. An invoice number
// starting with "C" is a cancellation: its lines have negative quantities, so the order is a
// return (the file does not say which order it returns, so ReturnOf stays empty). A CustomerID
// written as a float ("17850.0") is normalised to "17850"; an empty one is a guest order.
// InvoiceDate may be ISO ("2010-12-01 08:26:00", with or without seconds) or a slash date, whose
// order of day and month is detected (see DateAuto); use OnlineRetailConfig.Read to set it.
//
// Every field is trimmed of surrounding spaces; then one leading single quote is removed from
// InvoiceNo, StockCode, CustomerID and Country (textio.UnescapeCell), which undoes the
// spreadsheet escape WriteOnlineRetail writes, so the two round-trip exactly.
//
// What is rejected, each as a *RowError naming the line and the field:
//   - A row of an invoice whose CustomerID or Country differs from the invoice's first row, or
//     whose InvoiceDate is more than MaxInvoiceSpread away from it (ErrInvoiceMismatch): the
//     file says one invoice is one customer's order, so such a row is not silently given to the
//     first row's customer. The order keeps its other lines and its first row's time.
//   - A Quantity that is zero, not an integer, or beyond 2^31-1 in magnitude (textio.ErrRange);
//     a UnitPrice that is negative, not a finite number, or beyond textio.MaxMagnitude
//     (textio.ErrRange). A tiny positive price (5e-324) is a price.
//   - A line longer than textio.MaxLineBytes (textio.ErrLineTooLong), and a quoted field that is
//     not closed within that bound and the header's 8 columns (textio.ErrQuote): reading
//     resumes at the next line, so a stray quote costs its own row and no other (see
//     textio.CSV). Memory stays bounded by a few MaxLineBytes whatever the input.
//
// The sequence yields (order, nil) for each order and (Order{}, *RowError) for each bad row, then
// goes on: return from the loop to stop at the first bad row, or count and continue to skip bad
// rows (the order keeps its good lines). A header that does not match (or a first line that
// cannot be read as one) is an error wrapping ErrHeader, not a *RowError, and ends the sequence;
// so does an I/O error. Both start with "profile: read Online Retail: ". An empty input, or a
// header alone, yields nothing.
func ReadOnlineRetail(r io.Reader) iter.Seq2[Order, error] {
	return OnlineRetailConfig{}.Read(r)
}

// MaxInvoiceSpread is how far the InvoiceDate of a row may be from the first row of its
// invoice. The UCI file has invoices whose rows were keyed across a minute boundary (536591 at
// 16:57 and 16:58), so rows of one invoice need not carry one time; a row an hour away belongs to
// another order.
const MaxInvoiceSpread = time.Hour

// ErrInvoiceMismatch is wrapped by the RowError for a row whose customer, country or time does
// not match the first row of its invoice.
var ErrInvoiceMismatch = errors.New("differs from the first row of its invoice")

// heldRow is a row held back while the date order is undecided.
type heldRow struct {
	line int
	rec  []string
}

// Read is ReadOnlineRetail with this configuration. A configuration that fails Validate is
// the sequence's only error (wrapping ErrConfig, not a *RowError); nothing is read.
func (c OnlineRetailConfig) Read(r io.Reader) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		if err := c.Validate(); err != nil {
			yield(Order{}, err)
			return
		}
		order := c.DateOrder
		var cur Order
		curLine := 0
		var pending []heldRow
		flush := func() bool {
			if len(cur.Lines) == 0 {
				return true
			}
			o := cur
			cur = Order{}
			return yield(o, nil)
		}
		process := func(line int, rec []string) bool {
			o, l, err := parseRetailRow(line, rec, order)
			if err != nil {
				return yield(Order{}, err)
			}
			if o.ID == cur.ID && len(cur.Lines) > 0 {
				if err := sameInvoice(cur, curLine, o, line, rec); err != nil {
					return yield(Order{}, err)
				}
			} else if !flush() {
				return false
			}
			if len(cur.Lines) == 0 {
				cur, curLine = o, line
			}
			cur.Lines = append(cur.Lines, l)
			return true
		}
		release := func() bool {
			for _, h := range pending {
				if !process(h.line, h.rec) {
					return false
				}
			}
			pending = nil
			return true
		}
		// undecided reports the ambiguity and falls back to month first if the caller goes on.
		undecided := func() bool {
			h := pending[0]
			if !yield(Order{}, textio.NewRowError(h.line, "InvoiceDate", h.rec[4], ErrAmbiguousDate)) {
				return false
			}
			order = MonthFirst
			return release()
		}
		header := true
		for rec, err := range textio.CSV(r) {
			if err != nil {
				var re *textio.RowError
				if !errors.As(err, &re) {
					yield(Order{}, fmt.Errorf("profile: read Online Retail: %w", err))
					return
				}
				if header {
					// Not a bad row: the file is not one this reader can read at all.
					yield(Order{}, fmt.Errorf("profile: read Online Retail: %w: line %d: %w", ErrHeader, re.Line, re.Err))
					return
				}
				if !yield(Order{}, err) {
					return
				}
				continue
			}
			if header {
				header = false
				if err := checkHeader(rec.Line, rec.Fields, onlineRetailHeader); err != nil {
					yield(Order{}, fmt.Errorf("profile: read Online Retail: %w", err))
					return
				}
				continue
			}
			if len(rec.Fields) == 1 && strings.TrimSpace(rec.Fields[0]) == "" {
				continue
			}
			if order == DateAuto && len(rec.Fields) == len(onlineRetailHeader) {
				if d := slashOrder(rec.Fields[4]); d != DateAuto {
					order = d
					if !release() {
						return
					}
				} else if len(pending) > 0 || ambiguousSlash(rec.Fields[4]) {
					pending = append(pending, heldRow{rec.Line, slices.Clone(rec.Fields)})
					if len(pending) >= MaxAmbiguousRows && !undecided() {
						return
					}
					continue
				}
			}
			if !process(rec.Line, rec.Fields) {
				return
			}
		}
		if len(pending) > 0 && !undecided() {
			return
		}
		flush()
	}
}

// sameInvoice checks a further row (o, at line) of the invoice cur that began at curLine.
func sameInvoice(cur Order, curLine int, o Order, line int, rec []string) error {
	mismatch := func(field, value, what string) error {
		return textio.NewRowError(line, field, value, fmt.Errorf("%w: invoice %s began on line %d with %s", ErrInvoiceMismatch, o.ID, curLine, what))
	}
	switch {
	case o.CustomerID != cur.CustomerID:
		if cur.CustomerID == "" {
			return mismatch("CustomerID", rec[6], "no customer (a guest order)")
		}
		return mismatch("CustomerID", rec[6], "customer "+strconv.Quote(cur.CustomerID))
	case o.Region != cur.Region:
		return mismatch("Country", rec[7], "country "+strconv.Quote(cur.Region))
	case o.Time.Sub(cur.Time) > MaxInvoiceSpread || cur.Time.Sub(o.Time) > MaxInvoiceSpread:
		return mismatch("InvoiceDate", rec[4], "time "+cur.Time.Format(retailTimeLayout)+", more than "+MaxInvoiceSpread.String()+" away")
	}
	return nil
}

// slashOrder returns DayFirst or MonthFirst when the slash date s shows its order (one part above
// 12), else DateAuto.
func slashOrder(s string) DateOrder {
	parts := strings.SplitN(strings.TrimSpace(s), "/", 3)
	if len(parts) != 3 {
		return DateAuto
	}
	a, errA := strconv.Atoi(parts[0])
	b, errB := strconv.Atoi(parts[1])
	switch {
	case errA != nil || errB != nil:
		return DateAuto
	case a > 12 && a <= 31 && b >= 1 && b <= 12:
		return DayFirst
	case b > 12 && b <= 31 && a >= 1 && a <= 12:
		return MonthFirst
	}
	return DateAuto
}

// ambiguousSlash reports whether s is a slash date that reads as a valid day and month either
// way round (both parts in 1..12).
func ambiguousSlash(s string) bool {
	parts := strings.SplitN(strings.TrimSpace(s), "/", 3)
	if len(parts) != 3 {
		return false
	}
	a, errA := strconv.Atoi(parts[0])
	b, errB := strconv.Atoi(parts[1])
	return errA == nil && errB == nil && a >= 1 && a <= 12 && b >= 1 && b <= 12
}

var (
	isoLayouts        = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05"}
	dayFirstLayouts   = append([]string{"2/1/2006 15:04", "2/1/2006 15:04:05"}, isoLayouts...)
	monthFirstLayouts = append([]string{"1/2/2006 15:04", "1/2/2006 15:04:05"}, isoLayouts...)
)

// checkHeader reports a header row that is not want's as an error wrapping ErrHeader (not a
// *RowError: a wrong header is no bad row, it ends the reading). It names the first column
// that differs and what it holds, cut to 80 bytes; a file without a header shows its first
// InvoiceNo there, an ID.
func checkHeader(line int, rec, want []string) error {
	if len(rec) != len(want) {
		return fmt.Errorf("%w: line %d: %d columns, want %d (%s)", ErrHeader, line, len(rec), len(want), strings.Join(want, ","))
	}
	for i, w := range want {
		got := strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff"))
		if !strings.EqualFold(got, w) {
			if len(got) > 80 {
				got = got[:80]
			}
			return fmt.Errorf("%w: line %d: column %d is %q, want %q", ErrHeader, line, i+1, got, w)
		}
	}
	return nil
}

func parseRetailRow(line int, rec []string, order DateOrder) (Order, Line, error) {
	if len(rec) != len(onlineRetailHeader) {
		return Order{}, Line{}, textio.NewRowError(line, "", strings.Join(rec, ","), fmt.Errorf("%w: %d, want %d", textio.ErrColumns, len(rec), len(onlineRetailHeader)))
	}
	invoice := cell(rec[0])
	if invoice == "" {
		return Order{}, Line{}, textio.NewRowError(line, "InvoiceNo", rec[0], ErrMissing)
	}
	item := cell(rec[1])
	if item == "" {
		return Order{}, Line{}, textio.NewRowError(line, "StockCode", rec[1], ErrMissing)
	}
	qty, err := textio.IntIn(line, "Quantity", rec[3], 1<<31-1)
	if err != nil {
		return Order{}, Line{}, err
	}
	if qty == 0 {
		return Order{}, Line{}, textio.NewRowError(line, "Quantity", rec[3], ErrZeroQuantity)
	}
	layouts := isoLayouts
	switch order {
	case DayFirst:
		layouts = dayFirstLayouts
	case MonthFirst:
		layouts = monthFirstLayouts
	}
	t, err := parseTime(line, "InvoiceDate", rec[4], layouts)
	if err != nil {
		return Order{}, Line{}, err
	}
	price, err := textio.FloatIn(line, "UnitPrice", rec[5], textio.MaxMagnitude)
	if err != nil {
		return Order{}, Line{}, err
	}
	if price < 0 {
		return Order{}, Line{}, textio.NewRowError(line, "UnitPrice", rec[5], ErrNegative)
	}
	return Order{
		ID:         invoice,
		CustomerID: normaliseID(cell(rec[6])),
		Time:       t,
		Region:     cell(rec[7]),
	}, Line{ItemID: item, Quantity: int(qty), UnitPrice: price}, nil
}

// cell reads a text cell: trimmed, then the spreadsheet escape WriteOnlineRetail writes undone.
func cell(s string) string { return textio.UnescapeCell(strings.TrimSpace(s)) }

// normaliseID trims spaces and a float suffix of zeros: "17850.0" -> "17850".
func normaliseID(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	return s
}

func parseTime(line int, field, s string, layouts []string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, textio.NewRowError(line, field, s, ErrMissing)
	}
	for _, l := range layouts {
		// Year 1, January 1 at midnight is Go's zero Time, which every record treats as "no time".
		if t, err := time.Parse(l, v); err == nil && !t.IsZero() {
			return t, nil
		}
	}
	return time.Time{}, textio.NewRowError(line, field, s, ErrTime)
}

// ReadCDNOW reads orders in the whitespace-separated CDNOW format of Fader and Hardie. Each row
// is one order of one line with ItemID empty (the data records only totals):
//
//	customer date(yyyymmdd) quantity amount           (CDNOW_master.txt; a header row is skipped)
//	master_id sample_id date(yyyymmdd) quantity amount (CDNOW_sample.txt)
//
// The customer ID is the first column, or sample_id for the five-column sample, with leading
// zeros removed ("00004" -> "4"), which is how the published summaries number customers. The
// line's UnitPrice is amount/quantity, so Line.Amount gives back the row's amount (to within a
// rounding of the last bit); times are midnight UTC. Order IDs are "<customer>-<yyyymmdd>-<n>",
// n counting the customer's rows on that day from 1. An amount beyond textio.MaxMagnitude, a
// quantity beyond 2^31-1 and a line longer than textio.MaxLineBytes are bad rows; bad rows and
// I/O errors are yielded as by ReadOnlineRetail. A leading byte-order mark is skipped, and
// LF and CRLF line ends are both accepted.
func ReadCDNOW(r io.Reader) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		var lastKey string
		n := 0
		for ln, err := range textio.Lines(r) {
			if err != nil {
				var re *textio.RowError
				if errors.As(err, &re) {
					if !yield(Order{}, err) {
						return
					}
					continue
				}
				yield(Order{}, fmt.Errorf("profile: read CDNOW: %w", err))
				return
			}
			if ln.N == 1 {
				ln.Text = strings.TrimPrefix(ln.Text, "\ufeff")
			}
			f := strings.Fields(ln.Text)
			if len(f) == 0 {
				continue
			}
			if ln.N == 1 && len(f) == 4 && strings.EqualFold(f[0], "customer_id") {
				continue
			}
			o, err := parseCDNOWRow(ln.N, f)
			if err != nil {
				if !yield(Order{}, err) {
					return
				}
				continue
			}
			key := o.CustomerID + "-" + o.Time.Format("20060102")
			if key == lastKey {
				n++
			} else {
				lastKey, n = key, 1
			}
			o.ID = fmt.Sprintf("%s-%d", key, n)
			if !yield(o, nil) {
				return
			}
		}
	}
}

func parseCDNOWRow(line int, f []string) (Order, error) {
	var id string
	switch len(f) {
	case 4:
		id = f[0]
	case 5:
		id, f = f[1], append([]string{f[0]}, f[2:]...)
	default:
		return Order{}, textio.NewRowError(line, "", strings.Join(f, " "), fmt.Errorf("%w: %d, want 4 or 5", textio.ErrColumns, len(f)))
	}
	if strings.TrimLeft(id, "0") != "" {
		id = strings.TrimLeft(id, "0")
	}
	t, err := parseTime(line, "date", f[1], []string{"20060102"})
	if err != nil {
		return Order{}, err
	}
	qty, err := textio.IntIn(line, "quantity", f[2], 1<<31-1)
	if err != nil {
		return Order{}, err
	}
	if qty == 0 {
		return Order{}, textio.NewRowError(line, "quantity", f[2], ErrZeroQuantity)
	}
	amount, err := textio.FloatIn(line, "amount", f[3], textio.MaxMagnitude)
	if err != nil {
		return Order{}, err
	}
	if amount < 0 != (qty < 0) && amount != 0 {
		return Order{}, textio.NewRowError(line, "amount", f[3], fmt.Errorf("sign differs from quantity %d", qty))
	}
	return Order{
		CustomerID: id,
		Time:       t,
		Lines:      []Line{{Quantity: int(qty), UnitPrice: amount / float64(qty)}},
	}, nil
}
