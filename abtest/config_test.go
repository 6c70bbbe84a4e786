package abtest

import (
	"errors"
	"testing"
)

// Defect 17 of issue 13: ParseAlternative promised statsmodels' spellings but refused
// "larger" and "smaller". Every spelling the doc lists parses, and the ambiguous one-letter
// forms do not.
func TestParseAlternativeSpellings(t *testing.T) {
	for s, want := range map[string]Alternative{
		"two-sided": TwoSided, "2-sided": TwoSided, "2s": TwoSided, "two.sided": TwoSided, "": TwoSided,
		"greater": Greater, "larger": Greater,
		"less": Less, "smaller": Less,
	} {
		got, err := ParseAlternative(s)
		if err != nil || got != want {
			t.Errorf("ParseAlternative(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"l", "s", "Larger", "two_sided", "bigger"} {
		if _, err := ParseAlternative(s); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParseAlternative(%q): %v, want ErrInvalidInput", s, err)
		}
	}
	// What String prints parses back.
	for _, a := range []Alternative{TwoSided, Greater, Less} {
		if got, err := ParseAlternative(a.String()); err != nil || got != a {
			t.Errorf("round trip of %v: %v, %v", a, got, err)
		}
	}
}
