package segment

import (
	"errors"
	"fmt"
	"io"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// ReadPointsCSV reads a numeric CSV: a header row naming the columns, then one point per row
// with a finite number in every column. It returns the points and the column names. A bad row
// is a *profile.RowError (line, column name, value) wrapping textio's cause; ErrEmpty for a file
// without a header or without rows. The whole file is read; it stops at the first bad row.
//
// Bounds: every value is at most textio.MaxMagnitude in magnitude (else textio.ErrRange), so
// squared distances stay finite. The file is read with textio.CSV: a line longer than
// textio.MaxLineBytes is a bad row (textio.ErrLineTooLong), and so is a quoted field not closed
// within that bound and the header's width, reported for the line the quote opens on
// (textio.ErrQuote), so memory stays bounded whatever the input and the error points at the
// stray quote rather than at the end of the file.
func ReadPointsCSV(r io.Reader) (Points, []string, error) {
	var names []string
	var p Points
	for rec, err := range textio.CSV(r) {
		if err != nil {
			var re *textio.RowError
			if names == nil && errors.As(err, &re) {
				err = textio.NewRowError(re.Line, re.Field, re.Value, fmt.Errorf("%w: %w", textio.ErrHeader, re.Err))
			}
			return Points{}, nil, fmt.Errorf("segment: features CSV: %w", err)
		}
		if names == nil {
			names = append([]string(nil), rec.Fields...)
			numeric := true
			for _, h := range names {
				if _, err := textio.Float(1, "", h); err != nil {
					numeric = false
				}
			}
			if numeric {
				return Points{}, nil, fmt.Errorf("segment: features CSV: %w",
					textio.NewRowError(rec.Line, "", names[0], fmt.Errorf("%w: the first row is all numbers; a header row naming the columns is required", textio.ErrHeader)))
			}
			p.Dim = len(names)
			continue
		}
		if len(rec.Fields) != len(names) {
			return Points{}, nil, fmt.Errorf("segment: features CSV: %w",
				textio.NewRowError(rec.Line, "", "", fmt.Errorf("%w: %d, header has %d", textio.ErrColumns, len(rec.Fields), len(names))))
		}
		for j, s := range rec.Fields {
			v, err := textio.FloatIn(rec.Line, names[j], s, textio.MaxMagnitude)
			if err != nil {
				return Points{}, nil, fmt.Errorf("segment: features CSV: %w", err)
			}
			p.Data = append(p.Data, v)
		}
	}
	if names == nil {
		return Points{}, nil, fmt.Errorf("segment: features CSV: no header: %w", ErrEmpty)
	}
	if len(p.Data) == 0 {
		return Points{}, nil, fmt.Errorf("segment: features CSV: no rows: %w", ErrEmpty)
	}
	return p, names, nil
}

// Make sure the row errors are the ones profile re-exports, so callers match one type.
var _ *profile.RowError = (*textio.RowError)(nil)
