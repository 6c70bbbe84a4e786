package metrics

import (
	"errors"
	"maps"
	"testing"
)

// TestReportRates: the hand-worked scenario's per-channel session conversion
// (TestReportHandWorked: email 0 of 1 sessions, search 3 of 3; social's two sessions buy
// nothing, 0 of 2) comes out by key in one call; a non-rate or unknown KPI is ErrConfig.
func TestReportRates(t *testing.T) {
	r := accumulate(t, Config{}, handEvents()).Report(ByChannel())
	got, err := r.Rates("SessionConversion")
	want := map[string]Rate{"email": NewRate(0, 1), "search": NewRate(3, 3), "social": NewRate(0, 2)}
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("Rates = %v, %v; want %v", got, err, want)
	}
	for _, kpi := range []string{"AOV", "Sessions", "Nope"} {
		if _, err := r.Rates(kpi); !errors.Is(err, ErrConfig) {
			t.Errorf("Rates(%q): %v, want ErrConfig", kpi, err)
		}
	}
}
