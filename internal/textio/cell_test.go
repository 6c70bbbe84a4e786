package textio

import (
	"math"
	"testing"
)

// The OWASP "CSV Injection" page lists the leading characters =, +, -, @, tab and carriage
// return; each must come out starting with a single quote.
func TestEscapeCellOWASP(t *testing.T) {
	for _, s := range []string{"=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"} {
		got := EscapeCell(s)
		if got[0] != '\'' || got[1:] != s {
			t.Errorf("EscapeCell(%q) = %q, want a quote before the value", s, got)
		}
	}
	for _, s := range []string{"", "alice", "85123A", "1.5", " =x"} {
		if got := EscapeCell(s); got != s {
			t.Errorf("EscapeCell(%q) = %q, want unchanged", s, got)
		}
	}
}

func TestEscapeCellRoundTrip(t *testing.T) {
	for _, s := range []string{"", "'", "''", "'=x", "=x", "plain", "@", "-", "'a"} {
		if got := UnescapeCell(EscapeCell(s)); got != s {
			t.Errorf("UnescapeCell(EscapeCell(%q)) = %q", s, got)
		}
	}
}

func FuzzEscapeCell(f *testing.F) {
	f.Add("=cmd")
	f.Add("'x")
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeCell(s)
		if UnescapeCell(e) != s {
			t.Fatalf("round trip of %q gave %q", s, UnescapeCell(e))
		}
		if e != "" {
			switch e[0] {
			case '=', '+', '-', '@', '\t', '\r':
				t.Fatalf("EscapeCell(%q) = %q starts with a formula character", s, e)
			}
		}
	})
}

func TestInRange(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want bool
	}{{0, true}, {-MaxMagnitude, true}, {MaxMagnitude, true}, {1e308, false}, {-1e16, false},
		{math.NaN(), false}, {math.Inf(1), false}, {5e-324, true}} {
		if got := InRange(c.v); got != c.want {
			t.Errorf("InRange(%g) = %v, want %v", c.v, got, c.want)
		}
	}
}
