package profile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// The tailor format is JSON Lines: one record per line, each a JSON object with the snake_case
// field names of Order (with its Lines) or Event, as their json tags give them. It is the one
// format that keeps every field, so write then read returns the same values:
//
//	{"id":"A1","customer_id":"ann","time":"2025-04-21T00:00:00Z","channel":"search","lines":[{"item_id":"tea","category":"groceries","brand":"leafco","quantity":1,"unit_price":4,"list_price":4}]}
//	{"customer_id":"ann","time":"2025-06-20T19:00:00Z","type":"view","item_id":"tea","price":4,"session_id":"s1"}
//
// Orders and events go to separate files (orders.jsonl, events.jsonl by convention). Times are
// RFC 3339 with nanoseconds and are written in UTC; numbers are written in the shortest form
// that reads back to the same float64. Empty optional fields are left out. A line holds one
// record of at most textio's line bound (1 MiB); blank lines are skipped. The readers are
// strict: a field the format does not define, a value of the wrong JSON type, trailing data
// after the object, or a record that fails Validate is a *RowError naming the line and field,
// and reading goes on with the next line. Text is written as JSON strings, never as spreadsheet
// cells, so no formula escaping is needed or done.

// WriteOrdersJSONL writes orders in the tailor format, one per line. It stops at the first
// write error. Orders are written as given; Validate them first to write only valid ones.
func WriteOrdersJSONL(w io.Writer, orders iter.Seq[Order]) error {
	return writeJSONL(w, orders, func(o Order) any {
		o.Time = o.Time.UTC()
		return o
	})
}

// WriteEventsJSONL writes events in the tailor format, one per line. It stops at the first
// write error.
func WriteEventsJSONL(w io.Writer, events iter.Seq[Event]) error {
	return writeJSONL(w, events, func(e Event) any {
		e.Time = e.Time.UTC()
		return e
	})
}

func writeJSONL[T any](w io.Writer, records iter.Seq[T], prep func(T) any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for r := range records {
		if err := enc.Encode(prep(r)); err != nil {
			return fmt.Errorf("profile: write tailor format: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("profile: write tailor format: %w", err)
	}
	return nil
}

// ReadOrdersJSONL reads orders in the tailor format. It yields (order, nil) for each good line
// and (zero, *RowError) for a bad one, then goes on; an I/O error ends the sequence. A valid
// record must pass Order.Validate; its times keep the offset they were written with.
func ReadOrdersJSONL(r io.Reader) iter.Seq2[Order, error] {
	return readJSONL(r, func(o *Order) error { return o.Validate() })
}

// ReadEventsJSONL reads events in the tailor format, with the same rules as ReadOrdersJSONL;
// a valid record must pass Event.Validate.
func ReadEventsJSONL(r io.Reader) iter.Seq2[Event, error] {
	return readJSONL(r, func(e *Event) error { return e.Validate() })
}

func readJSONL[T any](r io.Reader, validate func(*T) error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for ln, err := range textio.Lines(r) {
			if err != nil {
				var re *RowError
				if errors.As(err, &re) {
					var zero T
					if !yield(zero, err) {
						return
					}
					continue
				}
				var zero T
				yield(zero, err)
				return
			}
			text := strings.TrimSpace(ln.Text)
			if text == "" {
				continue
			}
			var rec T
			if err := decodeStrict(text, &rec); err != nil {
				var zero T
				if !yield(zero, jsonRowError(ln.N, err)) {
					return
				}
				continue
			}
			if err := validate(&rec); err != nil {
				var zero T
				if !yield(zero, fieldRowError(ln.N, err)) {
					return
				}
				continue
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// ErrJSON is the cause of a tailor-format line that is not one JSON object of the record's
// fields.
var ErrJSON = errors.New("not a valid tailor-format record")

func decodeStrict(text string, v any) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailing
	}
	var rest bytes.Buffer
	if _, err := rest.ReadFrom(dec.Buffered()); err == nil && strings.TrimSpace(rest.String()) != "" {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("data after the JSON object")

// jsonRowError turns a decoding error into a RowError naming the field where one is known. The
// value is never echoed for a type mismatch, only the JSON type, so that a misplaced personal
// value does not reach a log.
func jsonRowError(line int, err error) error {
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	switch {
	case errors.As(err, &te):
		return textio.NewRowError(line, te.Field, te.Value, fmt.Errorf("%w: a JSON %s where the field wants %v", ErrJSON, te.Value, te.Type))
	case errors.As(err, &pe):
		return textio.NewRowError(line, "time", pe.Value, textio.ErrTime)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return textio.NewRowError(line, name, "", fmt.Errorf("%w: unknown field", ErrJSON))
	}
	return textio.NewRowError(line, "", "", fmt.Errorf("%w: %v", ErrJSON, err))
}

// fieldRowError wraps a Validate failure of a decoded record as a RowError at its line.
func fieldRowError(line int, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return textio.NewRowError(line, fe.Field, fe.Value, fe.Err)
	}
	return textio.NewRowError(line, "", "", err)
}
