package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

// FuzzReadUnits: no input panics the reader, every error is a *RowError naming a line or ends
// the sequence as a header error, and a good row has one value per outcome and an arm.
func FuzzReadUnits(f *testing.F) {
	f.Add([]byte(smallCSV))
	f.Add([]byte("arm,seg,y\nt,\"a\nb\",1\nc,a,0\n"))
	f.Add([]byte("\ufeffarm,seg,y\r\nt,all,1\r\n\"c\",a,NaN\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for u, err := range readUnits(bytes.NewReader(b), "arm", "seg", []string{"y", "z"}) {
			if err != nil {
				var re *textio.RowError
				if !errors.As(err, &re) && !errors.Is(err, textio.ErrHeader) {
					t.Fatalf("error %v is neither a row nor a header error", err)
				}
				continue
			}
			if len(u.Values) != 2 || strings.TrimSpace(u.Arm) == "" || u.line < 2 {
				t.Fatalf("good row %+v", u)
			}
		}
	})
}
