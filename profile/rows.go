package profile

import (
	"iter"

	"github.com/tailorkit/tailor/internal/textio"
)

// ReadReport is what draining a reader with SkipBad or StopAtBad found: Rows good rows passed
// on, Bad bad rows skipped (the first few kept in Examples, each a *RowError with line, field
// and value), and Err, the error that ended the reading early (a wrong header, an I/O error,
// or with StopAtBad the first bad row). It is the same type in every tailor package that reads
// files. It is filled while the sequence is ranged over; read it after.
type ReadReport = textio.ReadReport

// SkipBad turns a reader's sequence into the iter.Seq that tailor's consumers take: it passes
// on the good rows, skips and counts the bad ones in rep, and stops at any other error, which
// it keeps in rep.Err. rep may not be nil.
//
//	var rep profile.ReadReport
//	orders := profile.SkipBad(profile.ReadOnlineRetail(f), &rep)
//	profiles, err := profile.Build(ctx, orders, nil, profile.Config{Now: now})
//	if rep.Err != nil { ... } // a wrong header or an I/O error ended the file early
//	log.Printf("orders: %v", &rep) // "5000 rows, 2 bad (line 17: field \"Quantity\" = \"x\": not an integer; ...)"
func SkipBad[T any](rows iter.Seq2[T, error], rep *ReadReport) iter.Seq[T] {
	return textio.SkipBad(rows, rep)
}

// StopAtBad is SkipBad for input that must be clean: it passes on the good rows until the first
// error of any kind, which it keeps in rep.Err. rep may not be nil.
func StopAtBad[T any](rows iter.Seq2[T, error], rep *ReadReport) iter.Seq[T] {
	return textio.StopAtBad(rows, rep)
}
