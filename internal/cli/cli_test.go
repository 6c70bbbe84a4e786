package cli

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

func TestCheckRead(t *testing.T) {
	var w bytes.Buffer
	rep := &textio.ReadReport{Rows: 5, Bad: 12}
	for i := range textio.MaxExamples {
		rep.Examples = append(rep.Examples, textio.NewRowError(i+2, "Quantity", "x", textio.ErrInteger))
	}
	if err := CheckRead(&w, "orders.csv", rep); err != nil {
		t.Fatal(err)
	}
	out := w.String()
	if !strings.HasPrefix(out, `orders.csv: skipped 12 bad rows: line 2: field "Quantity" = "x": not an integer; line 3:`) || !strings.HasSuffix(out, "; and 2 more\n") {
		t.Errorf("report %q", out)
	}
	if err := CheckRead(io.Discard, "e.csv", &textio.ReadReport{}); !errors.Is(err, ErrNoRows) {
		t.Errorf("empty input: %v, want ErrNoRows", err)
	}
	if err := CheckRead(io.Discard, "e.csv", &textio.ReadReport{Bad: 3}); !errors.Is(err, ErrNoRows) || !strings.Contains(err.Error(), "all 3 rows were bad") {
		t.Errorf("all bad: %v", err)
	}
	hdr := errors.Join(textio.ErrHeader)
	if err := CheckRead(io.Discard, "e.csv", &textio.ReadReport{Rows: 3, Err: hdr}); !errors.Is(err, textio.ErrHeader) {
		t.Errorf("fatal error not returned: %v", err)
	}
}

func TestProgressOffWhenNotATerminal(t *testing.T) {
	if Progress(&bytes.Buffer{}, "x") != nil {
		t.Fatal("progress on a buffer")
	}
}

func TestOpenStdin(t *testing.T) {
	in := strings.NewReader("a")
	r, closeFn, err := Open("-", in)
	if err != nil || r != in || closeFn() != nil {
		t.Fatal("Open(-) does not give stdin")
	}
	if _, closeFn, err := Open("/nonexistent/x", in); err == nil || closeFn() != nil {
		t.Fatal("Open of a missing file succeeded")
	}
}

func TestWriteJSON(t *testing.T) {
	var w bytes.Buffer
	if err := WriteJSON(&w, map[string]string{"a": "<b>"}); err != nil || w.String() != "{\n  \"a\": \"<b>\"\n}\n" {
		t.Fatalf("%q %v", w.String(), err)
	}
}
