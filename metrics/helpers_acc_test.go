package metrics

import "testing"

// newAcc is NewAccumulator for a config the test knows to be valid.
func newAcc(t testing.TB, cfg Config) *Accumulator {
	t.Helper()
	a, err := NewAccumulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
