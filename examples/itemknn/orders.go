package main

import (
	"fmt"
	"io"
	"iter"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/recommend"
)

// trainInput is the training data of one of -train, -orders or -events, streamed: Seq yields
// the interactions while the file is read, and Check, called once Seq has been ranged over,
// reports the file's bad rows on stderr (cli.CheckRead) and is an error for a wrong header, an
// I/O error, an empty file, a file without a good row, or one that gave no interaction.
type trainInput struct {
	Seq    iter.Seq[recommend.Interaction]
	Format string // "tsv", "online-retail", "cdnow" or "tailor"
	Check  func(stderr io.Writer) error
	Close  func() error
}

// openTrain opens the training file named by exactly one of train (interactions TSV), orders
// (in format, detected when "") or events (tailor events JSON Lines).
func openTrain(train, orders, format, events string, stdin io.Reader) (trainInput, error) {
	var in trainInput
	var rep textio.ReadReport
	name := train
	kept := 0
	count := func(seq iter.Seq[recommend.Interaction]) iter.Seq[recommend.Interaction] {
		return func(yield func(recommend.Interaction) bool) {
			for x := range seq {
				kept++
				if !yield(x) {
					return
				}
			}
		}
	}
	var why func() string // what was left out, for an input without an interaction
	switch {
	case orders != "":
		name = orders
		seq, f, closeFn, err := cli.ReadOrders(orders, format, stdin)
		if err != nil {
			return in, err
		}
		ints, irep := profile.OrderInteractions(profile.SkipBad(seq, &rep), profile.InteractionConfig{})
		in.Seq, in.Format, in.Close = count(ints), f, closeFn
		why = func() string {
			return fmt.Sprintf("%d order lines without a customer or an item ID (a CDNOW file names no items)", irep.NoItem+irep.NoPerson)
		}
	case events != "":
		name = events
		r, closeFn, err := cli.Open(events, stdin)
		if err != nil {
			return in, err
		}
		seq, irep := profile.Interactions(profile.SkipBad(profile.ReadEventsJSONL(r), &rep), profile.InteractionConfig{})
		in.Seq, in.Format, in.Close = count(seq), cli.FormatTailor, closeFn
		why = func() string {
			return fmt.Sprintf("%d events without an item, %d without a person", irep.NoItem, irep.NoPerson)
		}
	default:
		r, closeFn, err := cli.Open(train, stdin)
		if err != nil {
			return in, err
		}
		in.Seq, in.Format, in.Close = count(recommend.SkipBad(recommend.ReadTSV(r), &rep)), "tsv", closeFn
	}
	in.Check = func(stderr io.Writer) error {
		if err := cli.CheckRead(stderr, name, &rep); err != nil {
			return err
		}
		if kept == 0 {
			s := "no line"
			if why != nil {
				s = why()
			}
			return fmt.Errorf("%s: %w: %d rows read, no interaction (%s)", name, cli.ErrNoRows, rep.Rows, s)
		}
		return nil
	}
	return in, nil
}
