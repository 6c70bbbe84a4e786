package textio

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func collect(t *testing.T, r io.Reader) ([]Line, []error) {
	t.Helper()
	var lines []Line
	var errs []error
	for l, err := range Lines(r) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lines = append(lines, l)
	}
	return lines, errs
}

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"LF", "a\nb\n", []string{"a", "b"}},
		{"CRLF", "a\r\nb\r\n", []string{"a", "b"}},
		{"no final newline", "a\nb", []string{"a", "b"}},
		{"blank lines kept", "a\n\nb\n", []string{"a", "", "b"}},
		{"empty input", "", nil},
		{"longer than the buffer", strings.Repeat("x", 200000) + "\ny\n", []string{strings.Repeat("x", 200000), "y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, errs := collect(t, strings.NewReader(tc.in))
			if len(errs) != 0 {
				t.Fatal(errs)
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d lines, want %d", len(lines), len(tc.want))
			}
			for i, l := range lines {
				if l.Text != tc.want[i] || l.N != i+1 {
					t.Fatalf("line %d = %d %.20q, want %.20q", i, l.N, l.Text, tc.want[i])
				}
			}
		})
	}
}

func TestLinesTooLong(t *testing.T) {
	in := "a\n" + strings.Repeat("x", MaxLineBytes+1) + "\nb\n" + strings.Repeat("y", 3*MaxLineBytes)
	lines, errs := collect(t, strings.NewReader(in))
	if len(lines) != 2 || lines[0].Text != "a" || lines[1].Text != "b" || lines[1].N != 3 {
		t.Fatalf("good lines lost: got %d lines", len(lines))
	}
	if len(errs) != 2 {
		t.Fatalf("errors %v, want two too-long lines", errs)
	}
	var re *RowError
	if !errors.As(errs[0], &re) || re.Line != 2 || !errors.Is(errs[0], ErrLineTooLong) {
		t.Fatalf("first error %v", errs[0])
	}
	// A line of exactly MaxLineBytes is fine.
	lines, errs = collect(t, strings.NewReader(strings.Repeat("z", MaxLineBytes)+"\n"))
	if len(errs) != 0 || len(lines) != 1 || len(lines[0].Text) != MaxLineBytes {
		t.Fatalf("max-length line: %d lines, errors %v", len(lines), errs)
	}
}

func TestLinesReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	lines, errs := collect(t, io.MultiReader(strings.NewReader("a\nb\n"), iotest.ErrReader(boom)))
	if len(lines) != 2 || len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Fatalf("lines %v errors %v", lines, errs)
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		in    string
		f     float64
		fErr  error
		i     int64
		iErr  error
		field string
	}{
		{"3.5", 3.5, nil, 0, ErrInteger, "w"},
		{" 42 ", 42, nil, 42, nil, "w"},
		{"17850.0", 17850, nil, 17850, nil, "w"},
		{"", 0, ErrMissing, 0, ErrMissing, "w"},
		{"NaN", 0, ErrNumber, 0, ErrInteger, "w"},
		{"-Inf", 0, ErrNumber, 0, ErrInteger, "w"},
		{"1e400", 0, ErrNumber, 0, ErrInteger, "w"},
		{"abc", 0, ErrNumber, 0, ErrInteger, "w"},
		{"9007199254740993", 9007199254740992, nil, 9007199254740993, nil, "w"},
	} {
		f, err := Float(7, tc.field, tc.in)
		if !errors.Is(err, tc.fErr) || (err == nil && f != tc.f) {
			t.Errorf("Float(%q) = %v, %v; want %v, %v", tc.in, f, err, tc.f, tc.fErr)
		}
		i, err := Int(7, tc.field, tc.in)
		if !errors.Is(err, tc.iErr) || (err == nil && i != tc.i) {
			t.Errorf("Int(%q) = %v, %v; want %v, %v", tc.in, i, err, tc.i, tc.iErr)
		}
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) || re.Line != 7 || re.Field != "w" || re.Value != tc.in {
				t.Errorf("Int(%q) error %#v does not name line, field and value", tc.in, err)
			}
		}
	}
}

func TestRowErrorMessage(t *testing.T) {
	e := NewRowError(12, "Quantity", strings.Repeat("9", 100), ErrInteger)
	if len(e.Value) != 80 || !strings.HasSuffix(e.Value, "...") {
		t.Fatalf("value not cut: %q", e.Value)
	}
	if got := NewRowError(3, "Quantity", "abc", ErrInteger).Error(); got != `line 3: field "Quantity" = "abc": not an integer` {
		t.Fatalf("message %q", got)
	}
	if got := NewRowError(3, "", "", ErrLineTooLong).Error(); got != "line 3: line too long" {
		t.Fatalf("message %q", got)
	}
}

func FuzzLines(f *testing.F) {
	f.Add("a\r\nb\n\nc")
	f.Add("\n\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		var b strings.Builder
		n := 0
		for l, err := range Lines(strings.NewReader(in)) {
			if err != nil {
				t.Fatalf("error on in-memory input shorter than the limit: %v", err)
			}
			n++
			if l.N != n {
				t.Fatalf("line numbers skip: %d after %d", l.N, n-1)
			}
			if n > 1 {
				b.WriteByte('\n')
			}
			b.WriteString(l.Text)
		}
		// Joining the lines gives back the input without its CRs before LF and final newline.
		want := strings.ReplaceAll(in, "\r\n", "\n")
		want = strings.TrimSuffix(want, "\n")
		if got := b.String(); got != want && !(strings.HasSuffix(in, "\r") && got+"\r" == want) {
			if strings.TrimSuffix(strings.ReplaceAll(in, "\r\n", "\n"), "\r") != got {
				t.Fatalf("lines %q do not rebuild %q", got, in)
			}
		}
	})
}

func TestBoundedNumbers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fErr error
		iErr error
	}{
		{"1e15", nil, nil},
		{"-1e15", nil, nil},
		{"1000000000000001", ErrRange, ErrRange},
		{"1e308", ErrRange, ErrInteger},
		{"5e-324", nil, ErrInteger},
		{"9007199254740992", ErrRange, ErrRange},    // 2^53
		{"4611686018427387904", ErrRange, ErrRange}, // 2^62
		{"NaN", ErrNumber, ErrInteger},
		{"Inf", ErrNumber, ErrInteger},
	} {
		_, err := FloatIn(4, "price", tc.in, MaxMagnitude)
		if !errors.Is(err, tc.fErr) {
			t.Errorf("FloatIn(%q) error %v, want %v", tc.in, err, tc.fErr)
		}
		var re *RowError
		if err != nil && (!errors.As(err, &re) || re.Field != "price" || re.Line != 4) {
			t.Errorf("FloatIn(%q) error %v does not name line and field", tc.in, err)
		}
		if _, err := IntIn(4, "units", tc.in, 1e15); !errors.Is(err, tc.iErr) {
			t.Errorf("IntIn(%q) error %v, want %v", tc.in, err, tc.iErr)
		}
	}
}
