package profile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// The order file formats tailor reads, by the names its programs' -format flags use.
const (
	FormatTailor       = "tailor"        // the tailor format: JSON Lines of Order (ReadOrdersJSONL)
	FormatOnlineRetail = "online-retail" // the UCI Online Retail CSV (ReadOnlineRetail)
	FormatCDNOW        = "cdnow"         // CDNOW's whitespace-separated rows (ReadCDNOW)
)

// ErrFormat is wrapped by ReadOrders for a format name it does not know.
var ErrFormat = errors.New("profile: unknown order file format")

// DetectOrderFormat names the format of an order file from its name and first line: a name
// ending in ".jsonl", or a first line starting with "{", is the tailor format; a first line whose
// first column is InvoiceNo is the Online Retail header; anything else is CDNOW. It peeks at the
// start of r and returns a reader that still holds everything read from it.
func DetectOrderFormat(name string, r io.Reader) (string, io.Reader) {
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

// ReadOrders reads an order file in the named format, or in the format DetectOrderFormat finds
// when format is "" (name is then used for the detection only). It returns the reader's
// sequence and the format used; an unknown format is an error wrapping ErrFormat.
func ReadOrders(r io.Reader, name, format string) (iter.Seq2[Order, error], string, error) {
	if format == "" {
		format, r = DetectOrderFormat(name, r)
	}
	switch format {
	case FormatOnlineRetail:
		return ReadOnlineRetail(r), format, nil
	case FormatCDNOW:
		return ReadCDNOW(r), format, nil
	case FormatTailor:
		return ReadOrdersJSONL(r), format, nil
	}
	return nil, "", fmt.Errorf("%w %q: want %s, %s or %s", ErrFormat, format, FormatTailor, FormatOnlineRetail, FormatCDNOW)
}
