package textio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// ErrQuote is the cause of a RowError for a quoted field that is not closed where it may be
// closed, or that has text after its closing quote.
var ErrQuote = errors.New("bad quoting")

// Record is one CSV record: the line it starts on (1-based) and its fields.
type Record struct {
	Line   int
	Fields []string
}

// CSV yields the records of an RFC 4180 file (comma-separated, double quotes around a field
// that holds commas, quotes or line breaks, a quote inside written twice), with bounds that keep
// one bad row from costing more than itself:
//
//   - The first record is the header. Its field count is the width of the file, and its names
//     (trimmed, a leading byte-order mark removed) name the fields in error messages. It must
//     fit on one line.
//   - A quoted field may span lines (the line break is kept as "\n") only while its record
//     stays within MaxLineBytes and within the header's width, and a record that spans lines
//     must end with exactly that width. Otherwise the record is yielded as a RowError for the
//     line it starts on, naming the field whose quote is open, wrapping ErrQuote, and reading
//     resumes at the next physical line: the good rows a stray quote would have swallowed are
//     read as rows. So at most about 2 x MaxLineBytes are held at any time, and a failed record
//     costs at most MaxLineBytes of reading again.
//   - A quoted field must be followed by a comma or the end of the line; other text after the
//     closing quote is a RowError wrapping ErrQuote. A quote inside an unquoted field is kept as
//     a character (as spreadsheets write 12" RULER).
//   - A line longer than MaxLineBytes is a RowError wrapping ErrLineTooLong; empty lines are
//     skipped; LF and CRLF line ends are both accepted.
//
// A record on one line is yielded whatever its field count: checking it against the header is
// the caller's (a RowError wrapping ErrColumns, naming the row). Record.Fields is reused by the
// next record: copy it to keep it. Fields are not trimmed. A read error is yielded and ends the
// sequence; like Lines, the sequence goes on after a RowError.
func CSV(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		c := &csvReader{lr: newLineReader(r)}
		for {
			rec, err, ok := c.read()
			if !ok {
				if c.lr.err != nil {
					yield(Record{}, c.lr.err)
				}
				return
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

type csvReader struct {
	lr     *lineReader
	replay []rawLine // lines of a failed multi-line record, to be read again (their text owned)
	names  []string  // the header's field names
	width  int       // the header's field count; 0 until the header is read
	buf    []byte    // the current record's unquoted field contents, back to back
	ends   []int     // end offset in buf of each finished field
	fields []string
}

// line returns the next physical line: first the lines to read again, then the input's.
func (c *csvReader) line() (rawLine, bool) {
	if len(c.replay) > 0 {
		l := c.replay[0]
		c.replay = c.replay[1:]
		return l, true
	}
	l, ok := c.lr.next()
	if ok && l.n == 1 {
		l.text = bytes.TrimPrefix(l.text, []byte("\ufeff"))
	}
	return l, ok
}

func (c *csvReader) read() (Record, error, bool) {
	for {
		l, ok := c.line()
		if !ok {
			return Record{}, nil, false
		}
		if l.tooLong {
			return Record{Line: l.n}, NewRowError(l.n, "", "", ErrLineTooLong), true
		}
		if len(l.text) > 0 {
			return c.record(l)
		}
	}
}

// fieldName names field i (0-based) for an error message.
func (c *csvReader) fieldName(i int) string {
	if i < len(c.names) && c.names[i] != "" {
		return c.names[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

// record parses the record that starts on line first.
func (c *csvReader) record(first rawLine) (Record, error, bool) {
	c.buf, c.ends = c.buf[:0], c.ends[:0]
	open, err := c.parse(first.text, false)
	if err != nil {
		return Record{Line: first.n}, NewRowError(first.n, c.fieldName(len(c.ends)), string(first.text), err), true
	}
	if open {
		// Name the open field by what it holds on its first line.
		fieldStart := 0
		if len(c.ends) > 0 {
			fieldStart = c.ends[len(c.ends)-1]
		}
		firstPart, openField := string(c.buf[fieldStart:]), len(c.ends)
		var span []rawLine
		size := len(first.text)
		fail := func(cause error) (Record, error, bool) {
			c.replay = append(span, c.replay...)
			return Record{Line: first.n}, NewRowError(first.n, c.fieldName(openField), firstPart, cause), true
		}
		resume := fmt.Sprintf("reading resumes at line %d", first.n+1)
		if c.width == 0 {
			return fail(fmt.Errorf("%w: a quoted field of the header is not closed on its line", ErrQuote))
		}
		for open {
			l, ok := c.line()
			if !ok {
				return fail(fmt.Errorf("%w: quoted field not closed by the end of the input; %s", ErrQuote, resume))
			}
			if !l.tooLong {
				l.text = bytes.Clone(l.text)
			}
			span = append(span, l)
			if l.tooLong || size+1+len(l.text) > MaxLineBytes {
				return fail(fmt.Errorf("%w: quoted field not closed within %d bytes (%w); %s", ErrQuote, MaxLineBytes, ErrLineTooLong, resume))
			}
			size += 1 + len(l.text)
			c.buf = append(c.buf, '\n')
			if open, err = c.parse(l.text, true); err != nil {
				return fail(fmt.Errorf("%w on line %d; %s", err, l.n, resume))
			}
			if n := len(c.ends); (open && n+1 > c.width) || (!open && n != c.width) {
				return fail(fmt.Errorf("%w: quoted field spans lines into a record of %d fields, header has %d (%w); %s",
					ErrQuote, n+boolInt(open), c.width, ErrColumns, resume))
			}
		}
	}
	s := string(c.buf)
	c.fields = c.fields[:0]
	start := 0
	for _, e := range c.ends {
		c.fields = append(c.fields, s[start:e])
		start = e
	}
	if c.width == 0 {
		c.width = len(c.fields)
		c.names = make([]string, len(c.fields))
		for i, f := range c.fields {
			c.names[i] = strings.TrimSpace(f)
		}
	}
	return Record{Line: first.n, Fields: c.fields}, nil, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parse continues the current record with line s; inQuoted says s starts inside a quoted
// field. It reports whether s ends inside a quoted field.
func (c *csvReader) parse(s []byte, inQuoted bool) (open bool, err error) {
	i := 0
	for {
		if inQuoted || (i < len(s) && s[i] == '"') {
			if !inQuoted {
				i++
			}
			inQuoted = false
			for {
				j := bytes.IndexByte(s[i:], '"')
				if j < 0 {
					c.buf = append(c.buf, s[i:]...)
					return true, nil
				}
				c.buf = append(c.buf, s[i:i+j]...)
				i += j + 1
				if i < len(s) && s[i] == '"' {
					c.buf = append(c.buf, '"')
					i++
					continue
				}
				break
			}
			if i == len(s) {
				c.ends = append(c.ends, len(c.buf))
				return false, nil
			}
			if s[i] != ',' {
				return false, fmt.Errorf("%w: text after the closing quote", ErrQuote)
			}
			i++
			c.ends = append(c.ends, len(c.buf))
			continue
		}
		j := bytes.IndexByte(s[i:], ',')
		if j < 0 {
			c.buf = append(c.buf, s[i:]...)
			c.ends = append(c.ends, len(c.buf))
			return false, nil
		}
		c.buf = append(c.buf, s[i:i+j]...)
		c.ends = append(c.ends, len(c.buf))
		i += j + 1
	}
}
