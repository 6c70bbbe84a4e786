package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/textio"
)

// An aggregates file that is empty, has only a header, or has a header that is not the
// format's is an error (a non-zero exit), never an empty readout; a bad row is reported with
// its line and field by the one reporting of every example program (cli.CheckRead).
func TestDataInputErrors(t *testing.T) {
	header := "experiment,variant,metric,units,sum,sum_squares\n"
	for _, c := range []struct {
		name, in string
		want     error
		msg      string
	}{
		{"empty", "", textio.ErrHeader, "empty input"},
		{"header only", header, cli.ErrNoRows, "the input is empty"},
		{"wrong header", "exp,variant\n1,2\n", textio.ErrHeader, `missing column "experiment"`},
		{"bad row", header + "e,a,m,10,5,5\ne,b,m,x,5,5\n", textio.ErrInteger, `line 3: field "units" = "x"`},
	} {
		out, _, err := runArgs(t, c.in, "-data", "-")
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) || out != "" {
			t.Errorf("%s: err = %v, output %q; want %v mentioning %q and no output", c.name, err, out, c.want, c.msg)
		}
	}
}
