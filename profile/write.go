package profile

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/tailorkit/tailor/internal/textio"
)

// retailTimeLayout is the ISO layout WriteOnlineRetail writes and ReadOnlineRetail reads back.
const retailTimeLayout = "2006-01-02 15:04:05"

// WriteOnlineRetail writes orders as a UCI Online Retail CSV file with the OnlineRetailHeader()
// header, one row per line, ISO times in UTC and prices in the shortest form that reads back
// exactly. Description holds the line's brand and category, since the format has no columns for
// them; channel, device, list prices and ReturnOf are not part of the format and are not written.
//
// The file is both a machine format and one people open in a spreadsheet, so text cells
// (InvoiceNo, StockCode, Description, CustomerID, Country) are trimmed of surrounding spaces and
// escaped with textio.EscapeCell: a cell that would start with '=', '+', '-', '@', a tab, a
// carriage return or a single quote gets one more single quote in front, which a spreadsheet
// shows as text instead of evaluating a formula. ReadOnlineRetail removes that quote again, so
// reading the file back gives the same orders, their lines and the other written fields, for
// orders whose IDs differ from their neighbours' (consecutive rows of one invoice are one
// order); another reader removes one leading single quote from those cells. Numbers are written
// as numbers. A text field holding a line break is an error wrapping ErrUnwritable.
func WriteOnlineRetail(w io.Writer, orders iter.Seq[Order]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(onlineRetailHeader); err != nil {
		return fmt.Errorf("profile: write Online Retail: %w", err)
	}
	row := make([]string, len(onlineRetailHeader))
	for o := range orders {
		for _, l := range o.Lines {
			desc := l.Brand
			if l.Category != "" {
				if desc != "" {
					desc += " "
				}
				desc += l.Category
			}
			row[0], row[1], row[2] = writeCell(o.ID), writeCell(l.ItemID), writeCell(desc)
			row[3] = strconv.Itoa(l.Quantity)
			row[4] = o.Time.UTC().Format(retailTimeLayout)
			row[5] = strconv.FormatFloat(l.UnitPrice, 'g', -1, 64)
			row[6], row[7] = writeCell(o.CustomerID), writeCell(o.Region)
			for i, f := range row {
				if strings.ContainsAny(f, "\r\n") {
					return fmt.Errorf("profile: write Online Retail: order %q: field %s: %w: line break", o.ID, onlineRetailHeader[i], ErrUnwritable)
				}
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("profile: write Online Retail: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("profile: write Online Retail: %w", err)
	}
	return nil
}

// writeCell is a text cell as WriteOnlineRetail writes it: trimmed, then spreadsheet-escaped.
func writeCell(s string) string { return textio.EscapeCell(strings.TrimSpace(s)) }
