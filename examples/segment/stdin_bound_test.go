package main

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

// `segment -orders -` with a 32 MiB quoted field on stdin: the line is one bad row, the good
// rows after it are read, and what is allocated stays a small multiple of MaxLineBytes (before:
// a 512 MB field took 2.58 GB and the rows after it were lost).
func TestOrdersStdinLongField(t *testing.T) {
	var tail strings.Builder
	tail.WriteString("\n")
	for _, r := range []string{"536371,B,y,1,2011-01-01 10:00:00,3.00,81,UK", "536372,B,y,1,2011-01-02 10:00:00,3.00,82,UK", "536373,B,y,1,2011-01-03 10:00:00,3.00,83,UK"} {
		tail.WriteString(r + "\n")
	}
	stdin := io.MultiReader(
		strings.NewReader("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,A,\""),
		io.LimitReader(strings.NewReader(strings.Repeat("x", 32<<20)), 32<<20),
		strings.NewReader(tail.String()))
	var out, errb bytes.Buffer
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := run([]string{"-orders", "-", "-json"}, stdin, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	runtime.ReadMemStats(&after)
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Orders != 3 || rep.BadRows != 1 || !strings.Contains(errb.String(), "line 2: line too long") {
		t.Fatalf("orders %d bad rows %d, stderr %q", rep.Orders, rep.BadRows, errb.String())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*textio.MaxLineBytes {
		t.Errorf("allocated %d bytes for a 32 MiB field, want at most %d", alloc, 8*textio.MaxLineBytes)
	}
}
