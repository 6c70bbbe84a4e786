package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/recommend"
)

// The order file formats, named as -format names them. The same names, and the same rule for
// detecting them when -format is not given, are used by every example program that reads
// orders.
const (
	formatOnlineRetail = "online-retail"
	formatCDNOW        = "cdnow"
	formatTailor       = "tailor"
)

// detectFormat returns the format of an order file when -format is not given: a name ending in
// ".jsonl", or a first line starting with "{", is the tailor format; a first line whose first
// column is InvoiceNo is the Online Retail header; anything else is CDNOW. It peeks at the
// start of r and returns a reader that still holds everything read.
func detectFormat(name string, r io.Reader) (string, io.Reader) {
	if strings.HasSuffix(strings.ToLower(name), ".jsonl") {
		return formatTailor, r
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096) // fewer bytes at the end of a short input; an error shows when reading
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	head = bytes.TrimLeft(head, " \t\r\n")
	first, _, _ := bytes.Cut(head, []byte("\n"))
	cell, _, _ := bytes.Cut(first, []byte(","))
	switch {
	case bytes.HasPrefix(head, []byte("{")):
		return formatTailor, br
	case strings.EqualFold(strings.Trim(strings.TrimSpace(string(cell)), `"`), "InvoiceNo"):
		return formatOnlineRetail, br
	}
	return formatCDNOW, br
}

// readOrders opens an order file ("-" = stdin) and returns its reader in the given format, or
// the detected one when format is "", with the format used. Call the close function when done.
func readOrders(name, format string, stdin io.Reader) (iter.Seq2[profile.Order, error], string, func() error, error) {
	r, closeFn, err := cli.Open(name, stdin)
	if err != nil {
		return nil, "", closeFn, err
	}
	if format == "" {
		format, r = detectFormat(name, r)
	}
	switch format {
	case formatOnlineRetail:
		return profile.ReadOnlineRetail(r), format, closeFn, nil
	case formatCDNOW:
		return profile.ReadCDNOW(r), format, closeFn, nil
	case formatTailor:
		return profile.ReadOrdersJSONL(r), format, closeFn, nil
	}
	closeFn()
	return nil, "", func() error { return nil }, fmt.Errorf("-format %q: want online-retail, cdnow or tailor", format)
}

// orderInteractions turns orders into the recommender's input: one interaction per order line
// of a known customer that names an item, of kind "purchase" (or "return" for a negative
// quantity), weighed by the model's kind weights. Guest orders and lines without an item (a
// CDNOW file names none) are counted in skipped and left out.
func orderInteractions(orders iter.Seq[profile.Order], skipped *int) iter.Seq[recommend.Interaction] {
	return func(yield func(recommend.Interaction) bool) {
		for o := range orders {
			for _, l := range o.Lines {
				if o.CustomerID == "" || l.ItemID == "" {
					*skipped++
					continue
				}
				kind := string(profile.Purchase)
				if l.Quantity < 0 {
					kind = string(profile.Return)
				}
				if !yield(recommend.Interaction{User: o.CustomerID, Item: l.ItemID, Kind: kind, Time: o.Time, Category: l.Category}) {
					return
				}
			}
		}
	}
}

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
		seq, f, closeFn, err := readOrders(orders, format, stdin)
		if err != nil {
			return in, err
		}
		skipped := 0
		in.Seq, in.Format, in.Close = count(orderInteractions(profile.SkipBad(seq, &rep), &skipped)), f, closeFn
		why = func() string {
			return fmt.Sprintf("%d order lines without a customer or an item ID (a CDNOW file names no items)", skipped)
		}
	case events != "":
		name = events
		r, closeFn, err := cli.Open(events, stdin)
		if err != nil {
			return in, err
		}
		seq, irep := profile.Interactions(profile.SkipBad(profile.ReadEventsJSONL(r), &rep), profile.InteractionConfig{})
		in.Seq, in.Format, in.Close = count(seq), formatTailor, closeFn
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
