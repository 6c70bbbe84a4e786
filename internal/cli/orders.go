package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/tailorkit/tailor/profile"
)

// The order file formats, named as -format names them. The same names, and the same rule for
// detecting them when -format is not given, are used by every example program that reads
// orders.
const (
	// FormatOnlineRetail is the UCI Online Retail CSV.
	FormatOnlineRetail = "online-retail"
	// FormatCDNOW is CDNOW's whitespace-separated format.
	FormatCDNOW = "cdnow"
	// FormatTailor is the tailor format (JSON Lines of profile.Order).
	FormatTailor = "tailor"
)

// DetectFormat returns the format of an order file when -format is not given: a name ending in
// ".jsonl", or a first line starting with "{", is the tailor format; a first line whose first
// column is InvoiceNo is the Online Retail header; anything else is CDNOW. It peeks at the
// start of r and returns a reader that still holds everything read.
func DetectFormat(name string, r io.Reader) (string, io.Reader) {
	if strings.HasSuffix(strings.ToLower(name), ".jsonl") {
		return FormatTailor, r
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096) // fewer bytes at the end of a short input; an error shows when reading
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	head = bytes.TrimLeft(head, " \t\r\n")
	first, _, _ := bytes.Cut(head, []byte("\n"))
	cell, _, _ := bytes.Cut(first, []byte(","))
	switch {
	case bytes.HasPrefix(head, []byte("{")):
		return FormatTailor, br
	case strings.EqualFold(strings.Trim(strings.TrimSpace(string(cell)), `"`), "InvoiceNo"):
		return FormatOnlineRetail, br
	}
	return FormatCDNOW, br
}

// ReadOrders opens an order file ("-" = stdin) and returns its reader in the given format, or
// the detected one when format is "", with the format used. Call the close function when done.
func ReadOrders(name, format string, stdin io.Reader) (iter.Seq2[profile.Order, error], string, func() error, error) {
	r, closeFn, err := Open(name, stdin)
	if err != nil {
		return nil, "", closeFn, err
	}
	if format == "" {
		format, r = DetectFormat(name, r)
	}
	switch format {
	case FormatOnlineRetail:
		return profile.ReadOnlineRetail(r), format, closeFn, nil
	case FormatCDNOW:
		return profile.ReadCDNOW(r), format, closeFn, nil
	case FormatTailor:
		return profile.ReadOrdersJSONL(r), format, closeFn, nil
	}
	closeFn()
	return nil, "", func() error { return nil }, fmt.Errorf("-format %q: want online-retail, cdnow or tailor", format)
}
