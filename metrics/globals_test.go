package metrics

import (
	"slices"
	"testing"
)

// TestNoMutableGlobals: column sets and dimensions are functions; changing what one returns
// does not change what the next caller gets (before, metrics.DefaultColumns[0] = "Revenue"
// changed every later report of every importer).
func TestNoMutableGlobals(t *testing.T) {
	for name, f := range map[string]func() []string{"ChannelColumns": ChannelColumns, "DefaultColumns": DefaultColumns,
		"AllColumns": AllColumns, "ComparisonColumns": ComparisonColumns} {
		first := f()
		want := slices.Clone(first)
		first[0] = "Revenue"
		if got := f(); !slices.Equal(got, want) {
			t.Errorf("%s changed through a returned slice: %v", name, got)
		}
		for _, c := range want {
			if _, ok := columns[c]; !ok {
				t.Errorf("%s names an unknown column %q", name, c)
			}
		}
	}
	d := ByChannel()
	d.Name, d.Key = "x", nil
	if got := ByChannel(); got.Name != "channel" || got.Key == nil {
		t.Errorf("ByChannel changed: %+v", got)
	}
	s := &Session{Channel: "ads", Device: "mobile", Region: "EU"}
	for _, c := range []struct {
		d         Dimension
		name, key string
	}{{ByChannel(), "channel", "ads"}, {ByDevice(), "device", "mobile"}, {ByRegion(), "region", "EU"}, {Overall(), "all", "all"}} {
		if c.d.Name != c.name || c.d.Key(s) != c.key {
			t.Errorf("%s: name %q key %q", c.name, c.d.Name, c.d.Key(s))
		}
	}
}
