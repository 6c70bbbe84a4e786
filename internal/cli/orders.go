package cli

import (
	"fmt"
	"io"
	"iter"

	"github.com/tailorkit/tailor/profile"
)

// The order file formats, named as -format names them (profile's names).
const (
	FormatOnlineRetail = profile.FormatOnlineRetail
	FormatCDNOW        = profile.FormatCDNOW
	FormatTailor       = profile.FormatTailor
)

// ReadOrders opens an order file ("-" = stdin) and returns its reader in the given format, or
// the detected one when format is "", with the format used. Call the close function when done.
func ReadOrders(name, format string, stdin io.Reader) (iter.Seq2[profile.Order, error], string, func() error, error) {
	r, closeFn, err := Open(name, stdin)
	if err != nil {
		return nil, "", closeFn, err
	}
	seq, format, err := profile.ReadOrders(r, name, format)
	if err != nil {
		closeFn()
		return nil, "", func() error { return nil }, fmt.Errorf("-format: %w", err)
	}
	return seq, format, closeFn, nil
}
