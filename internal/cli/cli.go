// Package cli is what tailor's example programs share: JSON output, a progress line on a
// terminal, opening an input file or standard input, and one way to report the bad rows of an
// input (line, field, value, count) and to refuse an input that had no good row at all.
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// WriteJSON writes v as indented JSON with a final newline, without HTML escaping.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Progress returns a progress callback that redraws one line "what done/total" (or "what done"
// when total is 0, or a percentage when asked) on w at most ten times a second, and ends the
// line when done reaches total. It returns nil when w is not a terminal, so that scripts and
// logs get no progress noise; tailor's Progress fields take nil as "no progress".
func Progress(w io.Writer, what string) func(done, total int) {
	if !IsTerminal(w) {
		return nil
	}
	var last time.Time
	return func(done, total int) {
		now := time.Now()
		if done != total && now.Sub(last) < 100*time.Millisecond {
			return
		}
		last = now
		switch {
		case total > 0:
			fmt.Fprintf(w, "\r%s %d/%d (%d%%)", what, done, total, 100*done/total)
			if done >= total {
				fmt.Fprintln(w)
			}
		default:
			fmt.Fprintf(w, "\r%s %d", what, done)
		}
	}
}

// Open opens the named input file, or returns stdin for "-". The returned close function is
// always safe to call.
func Open(name string, stdin io.Reader) (io.Reader, func() error, error) {
	if name == "-" {
		return stdin, func() error { return nil }, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, func() error { return nil }, err
	}
	return f, f.Close, nil
}

// ErrNoRows is returned by CheckRead for an input that held no good row.
var ErrNoRows = errors.New("no valid rows")

// CheckRead reports how reading an input went, in the one form every example program uses:
// a fatal error (wrong header, I/O) is returned; bad rows are printed to w as
//
//	NAME: skipped 2 bad rows: line 2: field "Quantity" = "x": not an integer; line 9: ...
//
// (at most textio.MaxExamples of them); and an input without a single good row is an error
// wrapping ErrNoRows, so that an empty or mistaken file never passes for an empty shop.
func CheckRead(w io.Writer, name string, rep *textio.ReadReport) error {
	if rep.Err != nil {
		return fmt.Errorf("%s: %w", name, rep.Err)
	}
	if rep.Bad > 0 {
		fmt.Fprintf(w, "%s: skipped %d bad row%s:", name, rep.Bad, plural(rep.Bad))
		for i, e := range rep.Examples {
			sep := ";"
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %v", sep, e)
		}
		if rep.Bad > len(rep.Examples) {
			fmt.Fprintf(w, "; and %d more", rep.Bad-len(rep.Examples))
		}
		fmt.Fprintln(w)
	}
	if rep.Rows == 0 {
		if rep.Bad > 0 {
			return fmt.Errorf("%s: %w (all %d rows were bad; see above)", name, ErrNoRows, rep.Bad)
		}
		return fmt.Errorf("%s: %w (the input is empty)", name, ErrNoRows)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
