// Package textio holds what tailor's file readers share: numbered lines read with a bounded
// buffer (Lines), CSV records read with the same bound and resynchronised at the next line
// after a stray quote (CSV), field parsers that refuse NaN and infinities, the one magnitude
// bound for amounts (MaxMagnitude), the spreadsheet-safe cell escape (EscapeCell), and
// RowError, the error every reader returns for a bad row. Public packages re-export RowError as a type alias so that callers can
// match it with errors.As without importing an internal package.
//
// Readers built on it yield (record, nil) for a good row and (zero, *RowError) for a bad one and
// then go on reading, so the caller chooses the policy: return from the loop to stop at the first
// bad row, or count the errors and continue to skip them. An I/O error ends the sequence.
package textio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
)

// MaxLineBytes bounds one input line. A longer line is a RowError wrapping ErrLineTooLong, so a
// hostile file cannot make a reader allocate without limit.
const MaxLineBytes = 1 << 20

// Sentinel causes wrapped by RowError.
var (
	ErrMissing     = errors.New("missing value")
	ErrNumber      = errors.New("not a finite number")
	ErrInteger     = errors.New("not an integer")
	ErrTime        = errors.New("not a valid time")
	ErrColumns     = errors.New("wrong number of columns")
	ErrHeader      = errors.New("unexpected header")
	ErrLineTooLong = errors.New("line too long")
)

// RowError reports a bad row: the 1-based line number, the column, the offending value and the
// cause. Value is cut to 80 bytes so an error message stays readable.
type RowError struct {
	Line  int
	Field string
	Value string
	Err   error
}

// Error formats the error as `line 12: field "Quantity" = "abc": not an integer`.
func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: field %q = %q: %v", e.Line, e.Field, e.Value, e.Err)
}

// Unwrap returns the cause so errors.Is can match the sentinels.
func (e *RowError) Unwrap() error { return e.Err }

// NewRowError builds a RowError, cutting a long value.
func NewRowError(line int, field, value string, err error) *RowError {
	if len(value) > 80 {
		value = value[:77] + "..."
	}
	return &RowError{Line: line, Field: field, Value: value, Err: err}
}

// Line is one input line without its line terminator (LF or CRLF), numbered from 1.
type Line struct {
	N    int
	Text string
}

// Lines yields the lines of r. A line longer than MaxLineBytes is yielded as a RowError and
// skipped; a read error is yielded as is and ends the sequence.
func Lines(r io.Reader) iter.Seq2[Line, error] {
	return func(yield func(Line, error) bool) {
		lr := newLineReader(r)
		for {
			l, ok := lr.next()
			if !ok {
				if lr.err != nil {
					yield(Line{}, lr.err)
				}
				return
			}
			if l.tooLong {
				if !yield(Line{N: l.n}, NewRowError(l.n, "", "", ErrLineTooLong)) {
					return
				}
			} else if !yield(Line{N: l.n, Text: string(l.text)}, nil) {
				return
			}
		}
	}
}

// rawLine is one physical line as lineReader returns it: text is valid until the next call.
type rawLine struct {
	n       int
	text    []byte
	tooLong bool
}

// lineReader splits r into lines of at most MaxLineBytes without keeping more than one line
// (plus the read buffer) in memory: the rest of a longer line is read and dropped.
type lineReader struct {
	br   *bufio.Reader
	n    int
	long []byte
	done bool
	err  error // a read error other than io.EOF, once next has returned false
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line without its terminator (LF or CRLF), or false at the end of the
// input or after a read error (in lr.err).
func (lr *lineReader) next() (rawLine, bool) {
	if lr.done {
		return rawLine{}, false
	}
	lr.long = lr.long[:0]
	tooLong := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if !tooLong && len(lr.long)+len(chunk) <= MaxLineBytes {
				lr.long = append(lr.long, chunk...)
			} else {
				tooLong, lr.long = true, lr.long[:0]
			}
			continue
		}
		if err != nil {
			lr.done = true
			if err != io.EOF {
				lr.err = err
			}
			if len(chunk) == 0 && len(lr.long) == 0 && !tooLong {
				return rawLine{}, false
			}
		}
		lr.n++
		text := chunk
		if len(lr.long) > 0 {
			lr.long = append(lr.long, chunk...)
			text = lr.long
		}
		text = bytes.TrimSuffix(text, []byte("\n"))
		text = bytes.TrimSuffix(text, []byte("\r"))
		if tooLong || len(text) > MaxLineBytes {
			return rawLine{n: lr.n, tooLong: true}, true
		}
		return rawLine{n: lr.n, text: text}, true
	}
}

// Float parses a finite float64, trimming spaces. NaN and infinities are refused: a weight or a
// price that is not a number would poison every sum it joins.
func Float(line int, field, s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, NewRowError(line, field, s, ErrMissing)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, NewRowError(line, field, s, ErrNumber)
	}
	return v, nil
}

// Int parses a base-10 int64, trimming spaces. A value written as a float with a zero fraction
// (e.g. "17850.0", as some CSV exports write integer IDs and counts) is accepted.
func Int(line int, field, s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, NewRowError(line, field, s, ErrMissing)
	}
	if v, err := strconv.ParseInt(t, 10, 64); err == nil {
		return v, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		return int64(f), nil
	}
	return 0, NewRowError(line, field, s, ErrInteger)
}

// ErrRange is the cause of a RowError for a finite number beyond the bound a reader accepts
// for its field (MaxMagnitude for amounts, prices, weights and quantities).
var ErrRange = errors.New("beyond the accepted range")

// FloatIn is Float with a bound: a value with |v| > bound is a RowError wrapping ErrRange.
func FloatIn(line int, field, s string, bound float64) (float64, error) {
	v, err := Float(line, field, s)
	if err == nil && math.Abs(v) > bound {
		return 0, NewRowError(line, field, s, fmt.Errorf("%w: |value| > %g", ErrRange, bound))
	}
	return v, err
}

// IntIn is Int with a bound: a value with |v| > bound is a RowError wrapping ErrRange.
func IntIn(line int, field, s string, bound int64) (int64, error) {
	v, err := Int(line, field, s)
	if err == nil && (v > bound || v < -bound) {
		return 0, NewRowError(line, field, s, fmt.Errorf("%w: |value| > %d", ErrRange, bound))
	}
	return v, err
}
