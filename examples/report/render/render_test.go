package render

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Clusters: 1}, {Clusters: -1}, {Clusters: 9}, {TopK: -1}, {TopK: 51}} {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v, want ErrConfig", c, err)
		}
		if _, err := Build(context.Background(), Data{}, c); !errors.Is(err, ErrConfig) {
			t.Errorf("Build with %+v: %v, want ErrConfig", c, err)
		}
	}
	for _, c := range []Config{{}, {Clusters: 2, TopK: 1}, {Clusters: 8, TopK: 50, Seed: 7}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

// TestEmptyData writes a page with no charts that says why each is missing.
func TestEmptyData(t *testing.T) {
	in, err := Build(context.Background(), Data{Source: "nothing"}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, in, Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "<figure") {
		t.Error("a chart drawn from no data")
	}
	for _, s := range []string{SectionCohorts, SectionRFM, SectionClusters, SectionKPIs, SectionCLV, SectionAB, SectionRecs} {
		if !strings.Contains(page, "<li>"+s+": ") {
			t.Errorf("section %s is not listed as left out", s)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, Data{}, Config{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Build on a cancelled context: %v", err)
	}
}
