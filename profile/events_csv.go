package profile

import (
	"encoding/csv"
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

// The events CSV format: one header line naming columns, then one event per line. It is the
// format of metrics' and the kpi program's event files; ReadEventsJSONL is the lossless tailor
// format (it also keeps Identities).

// eventCSVColumns are the column names of the events CSV format, in the order WriteEventsCSV
// writes them. Each names an Event field.
var eventCSVColumns = [...]string{"time", "customer_id", "anonymous_id", "session_id", "type", "item_id",
	"category", "brand", "price", "list_price", "quantity", "channel", "device", "region", "order_id"}

// EventCSVColumns returns the column names of the events CSV format, in the order
// WriteEventsCSV writes them: time, customer_id, anonymous_id, session_id, type, item_id,
// category, brand, price, list_price, quantity, channel, device, region, order_id. Each names
// an Event field. The slice is a fresh copy.
func EventCSVColumns() []string { return slices.Clone(eventCSVColumns[:]) }

const (
	ecTime = iota
	ecCustomer
	ecAnonymous
	ecSession
	ecType
	ecItem
	ecCategory
	ecBrand
	ecPrice
	ecListPrice
	ecQuantity
	ecChannel
	ecDevice
	ecRegion
	ecOrder
)

// ReadEventsCSV reads events in tailor's events CSV format:
//
//   - The first line is a header naming columns from EventCSVColumns(), in any order; "time",
//     "type" and at least one of "customer_id" and "anonymous_id" are required. Unknown or
//     repeated names are an error (a typo would otherwise silently drop a field). An empty
//     file yields nothing.
//   - Each further line is one event with exactly as many comma-separated fields as the header.
//     A field may be double-quoted (a quote inside written twice) to hold commas; fields cannot
//     span lines. Empty lines are skipped.
//   - Every field is trimmed of surrounding spaces (quoted or not), so " c1" is customer "c1"
//     and " page_view" the page_view type.
//   - time is RFC 3339 ("2025-03-01T12:30:00Z", fractional seconds and offsets allowed) or
//     integer unix seconds. price and list_price are decimal numbers of magnitude at most
//     textio.MaxMagnitude (1e15), quantity an integer of magnitude at most 2^31-1 (beyond
//     either: ErrOutOfRange); empty means 0. Other fields are strings; empty means not recorded. One leading single quote is
//     removed from a string field (textio.UnescapeCell): it undoes the spreadsheet escape
//     WriteEventsCSV writes, so the two round-trip exactly.
//   - A line longer than textio.MaxLineBytes is a bad row (textio.ErrLineTooLong); since fields
//     cannot span lines, a stray quote costs its own line only.
//   - Each row must pass Event.Validate (a person, a type, finite non-negative prices,
//     a quantity on purchases and returns).
//
// A bad row is yielded as (zero Event, *RowError naming the line, the column and the value),
// and reading goes on, so the caller chooses to stop or to count and skip (SkipBad, StopAtBad).
// The RowError wraps its cause: ErrTime, ErrOutOfRange, a validation sentinel (ErrMissing,
// ErrNegative, ErrZeroQuantity, ...), or the shared readers' causes for a price that is not a
// finite number, a quantity that is not an integer, a wrong number of fields, bad quoting and
// a line too long. A bad header is yielded as a RowError for line 1 wrapping ErrHeader and
// ends the sequence, as does an I/O error.
func ReadEventsCSV(r io.Reader) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var cols []int // column index -> field
		var fields []string
		for ln, err := range textio.Lines(r) {
			if err != nil {
				if !yield(Event{}, err) {
					return
				}
				var re *RowError
				if errors.As(err, &re) {
					continue
				}
				return
			}
			if cols == nil {
				if strings.TrimSpace(ln.Text) == "" {
					continue
				}
				cols, err = eventCSVHeader(ln.N, ln.Text)
				if err != nil {
					yield(Event{}, err)
					return
				}
				continue
			}
			if ln.Text == "" {
				continue
			}
			fields, err = eventCSVSplit(ln.N, ln.Text, fields[:0])
			if err == nil && len(fields) != len(cols) {
				err = textio.NewRowError(ln.N, "", fmt.Sprintf("%d fields, header has %d", len(fields), len(cols)), textio.ErrColumns)
			}
			var e Event
			if err == nil {
				e, err = eventCSVRow(ln.N, cols, fields)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

func eventCSVHeader(line int, text string) ([]int, error) {
	names, err := eventCSVSplit(line, strings.TrimPrefix(text, "\ufeff"), nil)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	cols := make([]int, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		j := eventCSVIndex(eventCSVColumns[:], n)
		if j < 0 {
			return nil, textio.NewRowError(line, n, n, fmt.Errorf("%w: unknown column (want names from %s)", textio.ErrHeader, strings.Join(eventCSVColumns[:], ",")))
		}
		if seen[j] {
			return nil, textio.NewRowError(line, n, n, fmt.Errorf("%w: column named twice", textio.ErrHeader))
		}
		seen[j] = true
		cols[i] = j
	}
	for _, req := range []int{ecTime, ecType} {
		if !seen[req] {
			return nil, textio.NewRowError(line, eventCSVColumns[req], "", fmt.Errorf("%w: required column missing", textio.ErrHeader))
		}
	}
	if !seen[ecCustomer] && !seen[ecAnonymous] {
		return nil, textio.NewRowError(line, "customer_id", "", fmt.Errorf("%w: customer_id or anonymous_id required", textio.ErrHeader))
	}
	return cols, nil
}

func eventCSVIndex(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}

// eventCSVSplit splits one line into fields, RFC 4180 style without embedded newlines.
func eventCSVSplit(line int, s string, out []string) ([]string, error) {
	for {
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return out, textio.NewRowError(line, "", s, textio.ErrQuote)
				}
				b.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			out = append(out, b.String())
			s = s[i:]
			if s == "" {
				return out, nil
			}
			if s[0] != ',' {
				return out, textio.NewRowError(line, "", s, textio.ErrQuote)
			}
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, ',')
		f := s
		if j >= 0 {
			f = s[:j]
		}
		if strings.IndexByte(f, '"') >= 0 {
			return out, textio.NewRowError(line, "", f, textio.ErrQuote)
		}
		out = append(out, f)
		if j < 0 {
			return out, nil
		}
		s = s[j+1:]
	}
}

func eventCSVRow(line int, cols []int, fields []string) (Event, error) {
	var e Event
	for i, f := range fields {
		name := eventCSVColumns[cols[i]]
		f = strings.TrimSpace(f)
		text := textio.UnescapeCell(f)
		switch cols[i] {
		case ecTime:
			t, err := eventCSVTime(f)
			if err != nil {
				return Event{}, textio.NewRowError(line, name, f, textio.ErrTime)
			}
			e.Time = t
		case ecPrice, ecListPrice:
			if strings.TrimSpace(f) == "" {
				continue
			}
			v, err := textio.FloatIn(line, name, f, textio.MaxMagnitude)
			if err != nil {
				return Event{}, err
			}
			if cols[i] == ecPrice {
				e.Price = v
			} else {
				e.ListPrice = v
			}
		case ecQuantity:
			if strings.TrimSpace(f) == "" {
				continue
			}
			v, err := textio.IntIn(line, name, f, 1<<31-1)
			if err != nil {
				return Event{}, err
			}
			e.Quantity = int(v)
		case ecCustomer:
			e.CustomerID = text
		case ecAnonymous:
			e.AnonymousID = text
		case ecSession:
			e.SessionID = text
		case ecType:
			e.Type = EventType(text)
		case ecItem:
			e.ItemID = text
		case ecCategory:
			e.Category = text
		case ecBrand:
			e.Brand = text
		case ecChannel:
			e.Channel = text
		case ecDevice:
			e.Device = text
		case ecRegion:
			e.Region = text
		case ecOrder:
			e.OrderID = text
		}
	}
	if err := e.Validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return Event{}, textio.NewRowError(line, eventCSVColumn(fe.Field), fe.Value, fe.Err)
		}
		return Event{}, textio.NewRowError(line, "", "", err)
	}
	return e, nil
}

// eventCSVColumn maps an Event field name to its CSV column.
func eventCSVColumn(f string) string {
	switch f {
	case "CustomerID":
		return "customer_id"
	case "Time":
		return "time"
	case "Type":
		return "type"
	case "Price":
		return "price"
	case "ListPrice":
		return "list_price"
	case "Quantity":
		return "quantity"
	}
	return f
}

func eventCSVTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < -1<<40 || n > 1<<40 {
		return time.Time{}, textio.ErrTime
	}
	return time.Unix(n, 0).UTC(), nil
}

// WriteEventsCSV writes events in the format ReadEventsCSV reads, with every column of EventCSVColumns(),
// times in RFC 3339 UTC with nanoseconds. Identities are not written (the format has no column
// for them). A field holding a line break cannot be written and is an error.
//
// The file is a machine format that people also open in spreadsheets, so every string field is
// trimmed of surrounding spaces (as ReadEventsCSV reads it) and escaped with textio.EscapeCell: a
// value that would start with '=', '+', '-', '@', a tab, a carriage return or a single quote
// gets one more single quote in front, so a spreadsheet shows it as text instead of evaluating
// it. ReadEventsCSV removes that quote, so write-then-read gives the same events; another reader
// removes one leading single quote from string fields. Numbers are written as numbers.
func WriteEventsCSV(w io.Writer, events iter.Seq[Event]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(eventCSVColumns[:]); err != nil {
		return err
	}
	rec := make([]string, len(eventCSVColumns))
	for e := range events {
		rec[ecTime] = e.Time.UTC().Format(time.RFC3339Nano)
		rec[ecCustomer], rec[ecAnonymous], rec[ecSession] = eventCSVCell(e.CustomerID), eventCSVCell(e.AnonymousID), eventCSVCell(e.SessionID)
		rec[ecType], rec[ecItem], rec[ecCategory], rec[ecBrand] = eventCSVCell(string(e.Type)), eventCSVCell(e.ItemID), eventCSVCell(e.Category), eventCSVCell(e.Brand)
		rec[ecPrice], rec[ecListPrice] = eventCSVFloat(e.Price), eventCSVFloat(e.ListPrice)
		rec[ecQuantity] = ""
		if e.Quantity != 0 {
			rec[ecQuantity] = strconv.Itoa(e.Quantity)
		}
		rec[ecChannel], rec[ecDevice], rec[ecRegion], rec[ecOrder] = eventCSVCell(e.Channel), eventCSVCell(e.Device), eventCSVCell(e.Region), eventCSVCell(e.OrderID)
		for i, f := range rec {
			if strings.ContainsAny(f, "\r\n") {
				return fmt.Errorf("profile: event at %s: field %q: line break", rec[ecTime], eventCSVColumns[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// eventCSVCell is a string field as WriteEventsCSV writes it: trimmed, then spreadsheet-escaped.
func eventCSVCell(s string) string { return textio.EscapeCell(strings.TrimSpace(s)) }

func eventCSVFloat(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
