package profile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
)

// ErrUnwritable is wrapped by a writer's error for a value its format cannot hold.
var ErrUnwritable = errors.New("value cannot be written in this format")

// WriteCDNOW writes orders in the four-column CDNOW format that ReadCDNOW reads, one row per
// order with its total units and amount:
//
//	customer date(yyyymmdd) quantity amount
//
// The format keeps only who, which day and how much: item, category, brand, prices, channel
// and order IDs are lost, and the date is the order's UTC day. Guest orders (no CustomerID)
// and orders whose units sum to zero are left out; a return is a row with negative quantity and
// amount. A customer ID that contains white space cannot be written and is an error naming the
// order (never the ID itself), as is any write error. ReadCDNOW strips leading zeros from IDs,
// so "007" reads back as "7". No header row is written.
func WriteCDNOW(w io.Writer, orders iter.Seq[Order]) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	n := 0
	for o := range orders {
		n++
		if o.CustomerID == "" {
			continue
		}
		if strings.ContainsFunc(o.CustomerID, isSpace) {
			return fmt.Errorf("profile: write CDNOW: order %d: %w: customer ID contains white space", n, ErrUnwritable)
		}
		units, amount := 0, 0.0
		for _, l := range o.Lines {
			units += l.Quantity
			amount += l.Amount()
		}
		if units == 0 {
			continue
		}
		buf = append(buf[:0], o.CustomerID...)
		buf = append(buf, ' ')
		buf = o.Time.UTC().AppendFormat(buf, "20060102")
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, int64(units), 10)
		buf = append(buf, ' ')
		buf = strconv.AppendFloat(buf, amount, 'f', -1, 64)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("profile: write CDNOW: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("profile: write CDNOW: %w", err)
	}
	return nil
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}
