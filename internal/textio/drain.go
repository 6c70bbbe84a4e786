package textio

import (
	"errors"
	"fmt"
	"iter"
)

// MaxExamples is how many bad rows a ReadReport keeps as examples.
const MaxExamples = 10

// ReadReport is what draining a reader found: how many good rows were passed on, how many bad
// rows were skipped with the first few of them, and the error that ended the reading (a wrong
// header, an I/O error, or with StopAtBad the first bad row). It is filled while the sequence
// is ranged over; read it after.
type ReadReport struct {
	Rows     int         `json:"rows"`               // good rows passed on
	Bad      int         `json:"bad"`                // bad rows skipped
	Examples []*RowError `json:"examples,omitempty"` // the first MaxExamples bad rows, in order
	Err      error       `json:"-"`                  // what ended the reading early; nil at a clean end
}

// String summarises the report: "1000 rows, 2 bad (line 2: ...; line 9: ...)".
func (r *ReadReport) String() string {
	s := fmt.Sprintf("%d rows, %d bad", r.Rows, r.Bad)
	for i, e := range r.Examples {
		if i == 0 {
			s += " ("
		} else {
			s += "; "
		}
		s += e.Error()
		if i == len(r.Examples)-1 {
			if r.Bad > len(r.Examples) {
				s += "; ..."
			}
			s += ")"
		}
	}
	return s
}

func (r *ReadReport) bad(err error) bool {
	var re *RowError
	if !errors.As(err, &re) {
		r.Err = err
		return false
	}
	r.Bad++
	if len(r.Examples) < MaxExamples {
		r.Examples = append(r.Examples, re)
	}
	return true
}

// SkipBad passes on the good rows of a reader's sequence, skips and counts the bad ones
// (*RowError) in rep, and stops at any other error, which it keeps in rep.Err. rep may not be
// nil.
func SkipBad[T any](rows iter.Seq2[T, error], rep *ReadReport) iter.Seq[T] {
	return func(yield func(T) bool) {
		for v, err := range rows {
			if err != nil {
				if rep.bad(err) {
					continue
				}
				return
			}
			rep.Rows++
			if !yield(v) {
				return
			}
		}
	}
}

// StopAtBad passes on the good rows of a reader's sequence until the first error of any kind,
// which it keeps in rep.Err (a bad row is also counted in rep.Bad). rep may not be nil.
func StopAtBad[T any](rows iter.Seq2[T, error], rep *ReadReport) iter.Seq[T] {
	return func(yield func(T) bool) {
		for v, err := range rows {
			if err != nil {
				rep.bad(err)
				rep.Err = err
				return
			}
			rep.Rows++
			if !yield(v) {
				return
			}
		}
	}
}
