package profile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/profile"
)

func TestDetectOrderFormat(t *testing.T) {
	for _, c := range []struct{ name, head, want string }{
		{"orders.jsonl", "anything", profile.FormatTailor},
		{"x.txt", "  \n{\"id\":\"o1\"}", profile.FormatTailor},
		{"x.csv", "\ufeffInvoiceNo,StockCode,Description\n", profile.FormatOnlineRetail},
		{"x.csv", "\"InvoiceNo\",StockCode\n", profile.FormatOnlineRetail},
		{"CDNOW_master.txt", " 00001 19970101  1   11.77\n", profile.FormatCDNOW},
		{"-", "", profile.FormatCDNOW},
	} {
		got, r := profile.DetectOrderFormat(c.name, strings.NewReader(c.head))
		if got != c.want {
			t.Errorf("%q %q: %s, want %s", c.name, c.head, got, c.want)
		}
		rest := new(strings.Builder)
		buf := make([]byte, 64)
		for {
			n, err := r.Read(buf)
			rest.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if rest.String() != c.head {
			t.Errorf("%q: the reader lost what was peeked: %q", c.name, rest.String())
		}
	}
	if _, _, err := profile.ReadOrders(strings.NewReader(""), "x", "excel"); !errors.Is(err, profile.ErrFormat) {
		t.Errorf("unknown format: %v", err)
	}
}
