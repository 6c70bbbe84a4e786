package recommend

import (
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// RowError reports a bad row of an interactions file: the 1-based line, the field, the value
// and the cause (one of textio's sentinels such as a missing value or a number that is not
// finite). Match it with errors.As.
type RowError = textio.RowError

// ReadTSV reads interactions from the tab-separated format
//
//	user<TAB>item[<TAB>weight[<TAB>unix_seconds]]
//
// with no header, one interaction per line. MovieLens' u.data is exactly this. Quotes have no
// meaning (a '"' is part of the value), so no line can run into the next. A missing weight
// counts 1 and a missing time is the zero Time (no decay). Blank lines are skipped.
//
// It yields (interaction, nil) for a good row and (Interaction{}, *RowError) for a bad one,
// then goes on reading, so the caller picks the policy: stop at the first error or count and
// skip. Bad rows are: fewer than 2 or more than 4 columns, an empty user or item, a weight
// that is not a finite number (NaN and infinities are refused) or is above 1e15 in magnitude
// (wrapping ErrInteraction), a time that is not an integer or is more than 2^40 seconds from
// 1970, and a line longer than 1 MiB.
// A read error is yielded as is and ends the sequence.
func ReadTSV(r io.Reader) iter.Seq2[Interaction, error] {
	return func(yield func(Interaction, error) bool) {
		var cols [5]string
		for line, err := range textio.Lines(r) {
			if err != nil {
				if !yield(Interaction{}, err) {
					return
				}
				continue
			}
			if strings.TrimSpace(line.Text) == "" {
				continue
			}
			in, rerr := parseTSVLine(line, cols[:0])
			if rerr != nil {
				if !yield(Interaction{}, rerr) {
					return
				}
				continue
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// errWeightRange is the cause of a RowError for a weight above the magnitude bound.
var errWeightRange = fmt.Errorf("%w: weight magnitude above %g", ErrInteraction, float64(textio.MaxMagnitude))

func parseTSVLine(line textio.Line, cols []string) (Interaction, error) {
	text := line.Text
	for len(cols) < cap(cols) {
		i := strings.IndexByte(text, '\t')
		if i < 0 {
			cols = append(cols, text)
			break
		}
		cols = append(cols, text[:i])
		text = text[i+1:]
	}
	if len(cols) < 2 || len(cols) > 4 {
		return Interaction{}, textio.NewRowError(line.N, "", "", textio.ErrColumns)
	}
	in := Interaction{User: strings.TrimSpace(cols[0]), Item: strings.TrimSpace(cols[1]), Weight: 1}
	if in.User == "" {
		return Interaction{}, textio.NewRowError(line.N, "user", cols[0], textio.ErrMissing)
	}
	if in.Item == "" {
		return Interaction{}, textio.NewRowError(line.N, "item", cols[1], textio.ErrMissing)
	}
	if len(cols) >= 3 {
		w, err := textio.Float(line.N, "weight", cols[2])
		if err != nil {
			return Interaction{}, err
		}
		if !textio.InRange(w) {
			return Interaction{}, textio.NewRowError(line.N, "weight", cols[2], errWeightRange)
		}
		in.Weight = w
	}
	if len(cols) == 4 {
		t, err := textio.Int(line.N, "unix_seconds", cols[3])
		if err != nil {
			return Interaction{}, err
		}
		if t < -maxUnixSeconds || t > maxUnixSeconds {
			return Interaction{}, textio.NewRowError(line.N, "unix_seconds", cols[3], textio.ErrTime)
		}
		in.Time = time.Unix(t, 0).UTC()
	}
	return in, nil
}
