package profile

import "testing"

// newBuilder is NewBuilder for a config the test knows to be valid.
func newBuilder(tb testing.TB, cfg Config) *Builder {
	tb.Helper()
	b, err := NewBuilder(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// newStitcher is NewStitcher for a config the test knows to be valid.
func newStitcher(tb testing.TB, cfg StitchConfig) *Stitcher {
	tb.Helper()
	s, err := NewStitcher(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
