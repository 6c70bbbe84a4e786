package metrics

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// RowError is the error ReadEvents yields for a bad row: line, column, value and cause.
// Match it with errors.As; its cause matches textio's sentinels re-exported below, ErrQuote,
// or a profile validation sentinel (profile.ErrMissing, ...) with errors.Is.
type RowError = profile.RowError

// Causes of a RowError from ReadEvents.
var (
	ErrHeader  = textio.ErrHeader  // a header naming an unknown, duplicate or missing column
	ErrColumns = textio.ErrColumns // a row with a different number of fields than the header
	ErrNumber  = textio.ErrNumber  // a price that is not a finite number
	ErrInteger = textio.ErrInteger // a quantity that is not an integer
	ErrTime    = textio.ErrTime    // a time that is neither RFC 3339 nor integer unix seconds
	ErrRange   = textio.ErrRange   // a price beyond MaxAmount, a quantity beyond 2^31-1
	// ErrQuote: a field with an unterminated quote or a stray quote.
	ErrQuote = errors.New("metrics: bad quoting")
)

// EventColumns are the column names of the events CSV format, in the order WriteEvents writes
// them. Each names a profile.Event field.
var EventColumns = []string{"time", "customer_id", "anonymous_id", "session_id", "type", "item_id",
	"category", "brand", "price", "list_price", "quantity", "channel", "device", "region", "order_id"}

const (
	colTime = iota
	colCustomer
	colAnonymous
	colSession
	colType
	colItem
	colCategory
	colBrand
	colPrice
	colListPrice
	colQuantity
	colChannel
	colDevice
	colRegion
	colOrder
)

// ReadEvents reads events in tailor's events CSV format:
//
//   - The first line is a header naming columns from EventColumns, in any order; "time",
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
//     MaxAmount, quantity an integer of magnitude at most 2^31-1 (beyond either: ErrRange); empty
//     means 0. Other fields are strings; empty means not recorded. One leading single quote is
//     removed from a string field (textio.UnescapeCell): it undoes the spreadsheet escape
//     WriteEvents writes, so the two round-trip exactly.
//   - A line longer than textio.MaxLineBytes is a bad row (textio.ErrLineTooLong); since fields
//     cannot span lines, a stray quote costs its own line only.
//   - Each row must pass profile.Event.Validate (a person, a type, finite non-negative prices,
//     a quantity on purchases and returns).
//
// A bad row is yielded as (zero Event, *RowError naming the line, the column and the value),
// and reading goes on, so the caller chooses to stop or to count and skip. A bad header is
// yielded as a RowError for line 1 and ends the sequence, as does an I/O error.
func ReadEvents(r io.Reader) iter.Seq2[profile.Event, error] {
	return func(yield func(profile.Event, error) bool) {
		var cols []int // column index -> field
		var fields []string
		for ln, err := range textio.Lines(r) {
			if err != nil {
				if !yield(profile.Event{}, err) {
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
				cols, err = parseHeader(ln.N, ln.Text)
				if err != nil {
					yield(profile.Event{}, err)
					return
				}
				continue
			}
			if ln.Text == "" {
				continue
			}
			fields, err = splitCSV(ln.N, ln.Text, fields[:0])
			if err == nil && len(fields) != len(cols) {
				err = textio.NewRowError(ln.N, "", fmt.Sprintf("%d fields, header has %d", len(fields), len(cols)), ErrColumns)
			}
			var e profile.Event
			if err == nil {
				e, err = parseEvent(ln.N, cols, fields)
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

func parseHeader(line int, text string) ([]int, error) {
	names, err := splitCSV(line, strings.TrimPrefix(text, "\ufeff"), nil)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	cols := make([]int, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		j := indexOf(EventColumns, n)
		if j < 0 {
			return nil, textio.NewRowError(line, n, n, fmt.Errorf("%w: unknown column (want names from %s)", ErrHeader, strings.Join(EventColumns, ",")))
		}
		if seen[j] {
			return nil, textio.NewRowError(line, n, n, fmt.Errorf("%w: column named twice", ErrHeader))
		}
		seen[j] = true
		cols[i] = j
	}
	for _, req := range []int{colTime, colType} {
		if !seen[req] {
			return nil, textio.NewRowError(line, EventColumns[req], "", fmt.Errorf("%w: required column missing", ErrHeader))
		}
	}
	if !seen[colCustomer] && !seen[colAnonymous] {
		return nil, textio.NewRowError(line, "customer_id", "", fmt.Errorf("%w: customer_id or anonymous_id required", ErrHeader))
	}
	return cols, nil
}

func indexOf(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}

// splitCSV splits one line into fields, RFC 4180 style without embedded newlines.
func splitCSV(line int, s string, out []string) ([]string, error) {
	for {
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return out, textio.NewRowError(line, "", s, ErrQuote)
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
				return out, textio.NewRowError(line, "", s, ErrQuote)
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
			return out, textio.NewRowError(line, "", f, ErrQuote)
		}
		out = append(out, f)
		if j < 0 {
			return out, nil
		}
		s = s[j+1:]
	}
}

func parseEvent(line int, cols []int, fields []string) (profile.Event, error) {
	var e profile.Event
	for i, f := range fields {
		name := EventColumns[cols[i]]
		f = strings.TrimSpace(f)
		text := textio.UnescapeCell(f)
		switch cols[i] {
		case colTime:
			t, err := parseTime(f)
			if err != nil {
				return profile.Event{}, textio.NewRowError(line, name, f, ErrTime)
			}
			e.Time = t
		case colPrice, colListPrice:
			if strings.TrimSpace(f) == "" {
				continue
			}
			v, err := textio.FloatIn(line, name, f, MaxAmount)
			if err != nil {
				return profile.Event{}, err
			}
			if cols[i] == colPrice {
				e.Price = v
			} else {
				e.ListPrice = v
			}
		case colQuantity:
			if strings.TrimSpace(f) == "" {
				continue
			}
			v, err := textio.IntIn(line, name, f, 1<<31-1)
			if err != nil {
				return profile.Event{}, err
			}
			e.Quantity = int(v)
		case colCustomer:
			e.CustomerID = text
		case colAnonymous:
			e.AnonymousID = text
		case colSession:
			e.SessionID = text
		case colType:
			e.Type = profile.EventType(text)
		case colItem:
			e.ItemID = text
		case colCategory:
			e.Category = text
		case colBrand:
			e.Brand = text
		case colChannel:
			e.Channel = text
		case colDevice:
			e.Device = text
		case colRegion:
			e.Region = text
		case colOrder:
			e.OrderID = text
		}
	}
	if err := e.Validate(); err != nil {
		var fe *profile.FieldError
		if errors.As(err, &fe) {
			return profile.Event{}, textio.NewRowError(line, columnOfField(fe.Field), fe.Value, fe.Err)
		}
		return profile.Event{}, textio.NewRowError(line, "", "", err)
	}
	return e, nil
}

// columnOfField maps a profile.Event field name to its CSV column.
func columnOfField(f string) string {
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

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < -1<<40 || n > 1<<40 {
		return time.Time{}, ErrTime
	}
	return time.Unix(n, 0).UTC(), nil
}

// WriteEvents writes events in the format ReadEvents reads, with every column of EventColumns,
// times in RFC 3339 UTC with nanoseconds. Identities are not written (the format has no column
// for them). A field holding a line break cannot be written and is an error.
//
// The file is a machine format that people also open in spreadsheets, so every string field is
// trimmed of surrounding spaces (as ReadEvents reads it) and escaped with textio.EscapeCell: a
// value that would start with '=', '+', '-', '@', a tab, a carriage return or a single quote
// gets one more single quote in front, so a spreadsheet shows it as text instead of evaluating
// it. ReadEvents removes that quote, so write-then-read gives the same events; another reader
// removes one leading single quote from string fields. Numbers are written as numbers.
func WriteEvents(w io.Writer, events iter.Seq[profile.Event]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(EventColumns); err != nil {
		return err
	}
	rec := make([]string, len(EventColumns))
	for e := range events {
		rec[colTime] = e.Time.UTC().Format(time.RFC3339Nano)
		rec[colCustomer], rec[colAnonymous], rec[colSession] = textCell(e.CustomerID), textCell(e.AnonymousID), textCell(e.SessionID)
		rec[colType], rec[colItem], rec[colCategory], rec[colBrand] = textCell(string(e.Type)), textCell(e.ItemID), textCell(e.Category), textCell(e.Brand)
		rec[colPrice], rec[colListPrice] = fmtFloat(e.Price), fmtFloat(e.ListPrice)
		rec[colQuantity] = ""
		if e.Quantity != 0 {
			rec[colQuantity] = strconv.Itoa(e.Quantity)
		}
		rec[colChannel], rec[colDevice], rec[colRegion], rec[colOrder] = textCell(e.Channel), textCell(e.Device), textCell(e.Region), textCell(e.OrderID)
		for i, f := range rec {
			if strings.ContainsAny(f, "\r\n") {
				return fmt.Errorf("metrics: event at %s: field %q: line break", rec[colTime], EventColumns[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// textCell is a string field as WriteEvents writes it: trimmed, then spreadsheet-escaped.
func textCell(s string) string { return textio.EscapeCell(strings.TrimSpace(s)) }

func fmtFloat(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
