package profile

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// TestConfigValidate is the bad-input table of every Config field: the zero value and the
// documented special values are valid; NaN, infinities, 1e308 and negatives where the doc
// allows none are errors wrapping ErrConfig and naming the field (before, most were silently
// replaced by the default or ignored).
func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		field string // "" when valid
	}{
		{"zero value", Config{}, ""},
		{"Now at the edges", Config{Now: maxTime}, ""},
		{"Now before 1678", Config{Now: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)}, "Now"},
		{"Now after 2262", Config{Now: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}, "Now"},
		{"Window negative", Config{Window: -time.Hour}, "Window"},
		{"Window huge", Config{Window: math.MaxInt64}, ""},
		{"Windows negative", Config{Windows: map[string]time.Duration{"a": day, "b": -1}}, `Windows["b"]`},
		{"Windows zero means Window", Config{Windows: map[string]time.Duration{"a": 0}}, ""},
		{"ChurnFactor NaN", Config{ChurnFactor: math.NaN()}, "ChurnFactor"},
		{"ChurnFactor +Inf", Config{ChurnFactor: math.Inf(1)}, "ChurnFactor"},
		{"ChurnFactor -Inf", Config{ChurnFactor: math.Inf(-1)}, "ChurnFactor"},
		{"ChurnFactor negative", Config{ChurnFactor: -3}, "ChurnFactor"},
		{"ChurnFactor 5e-324", Config{ChurnFactor: 5e-324}, "ChurnFactor"},
		{"ChurnFactor below 1", Config{ChurnFactor: 0.5}, "ChurnFactor"},
		{"ChurnFactor 1", Config{ChurnFactor: 1}, ""},
		{"ChurnFactor 1e308", Config{ChurnFactor: 1e308}, ""},
		{"DiscountDepth NaN", Config{DiscountDepth: math.NaN()}, "DiscountDepth"},
		{"DiscountDepth Inf", Config{DiscountDepth: math.Inf(1)}, "DiscountDepth"},
		{"DiscountDepth negative", Config{DiscountDepth: -0.1}, "DiscountDepth"},
		{"DiscountDepth above 1", Config{DiscountDepth: 1.5}, "DiscountDepth"},
		{"DiscountDepth 1e308", Config{DiscountDepth: 1e308}, "DiscountDepth"},
		{"DiscountDepth 5e-324", Config{DiscountDepth: 5e-324}, ""},
		{"DiscountDepth 1", Config{DiscountDepth: 1}, ""},
		{"BrandPrior NaN", Config{BrandPrior: math.NaN()}, "BrandPrior"},
		{"BrandPrior Inf", Config{BrandPrior: math.Inf(1)}, "BrandPrior"},
		{"BrandPrior -Inf", Config{BrandPrior: math.Inf(-1)}, "BrandPrior"},
		{"BrandPrior 1e308", Config{BrandPrior: 1e308}, "BrandPrior"},
		{"BrandPrior 2^53", Config{BrandPrior: two53}, "BrandPrior"},
		{"BrandPrior negative means no smoothing", Config{BrandPrior: -1}, ""},
		{"BrandPrior 5e-324", Config{BrandPrior: 5e-324}, ""},
		{"TopBrands negative keeps all", Config{TopBrands: -1}, ""},
		{"TopBrands 2^62", Config{TopBrands: 1 << 62}, ""},
		{"CatalogCategories negative", Config{CatalogCategories: -1}, "CatalogCategories"},
		{"CatalogCategories 2^62", Config{CatalogCategories: 1 << 62}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			_, nerr := NewBuilder(c.cfg)
			_, berr := Build(context.Background(), nil, nil, c.cfg)
			if c.field == "" {
				if err != nil || nerr != nil || berr != nil {
					t.Fatalf("Validate %v, NewBuilder %v, Build %v; want valid", err, nerr, berr)
				}
				return
			}
			for _, e := range []error{err, nerr, berr} {
				if !errors.Is(e, ErrConfig) || !strings.Contains(e.Error(), c.field) {
					t.Fatalf("error %v, want ErrConfig naming %s", e, c.field)
				}
			}
		})
	}
}

func TestStitchConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg   StitchConfig
		field string
	}{
		{StitchConfig{}, ""},
		{StitchConfig{Priority: []string{IDUser, IDDevice}, Limits: map[string]int{IDUser: 0, IDDevice: 3}}, ""},
		{StitchConfig{Priority: []string{IDUser, IDDevice, IDUser}}, "Priority[2]"},
		{StitchConfig{Priority: []string{""}}, "Priority[0]"},
		{StitchConfig{Limits: map[string]int{IDDevice: -1}}, `Limits["device_id"]`},
		{StitchConfig{Limits: map[string]int{IDDevice: math.MinInt}}, `Limits["device_id"]`},
	} {
		err := c.cfg.Validate()
		s, newErr := NewStitcher(c.cfg)
		if c.field == "" {
			if err != nil || newErr != nil || s == nil {
				t.Errorf("%+v: Validate %v, NewStitcher %v", c.cfg, err, newErr)
			}
			continue
		}
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%+v: %v, want ErrConfig naming %s", c.cfg, err, c.field)
		}
		// NewStitcher refuses it too (before, it took the config and treated a negative limit
		// as none; only a Builder refused the stitcher later).
		if s != nil || !errors.Is(newErr, ErrConfig) || !strings.HasPrefix(newErr.Error(), "profile: ") || !strings.Contains(newErr.Error(), c.field) {
			t.Errorf("NewStitcher(%+v) = %v, %v, want ErrConfig naming %s", c.cfg, s, newErr, c.field)
		}
	}
}

// TestConfigDefaultsStillApply: the zero fields keep their documented defaults.
func TestConfigDefaultsStillApply(t *testing.T) {
	b := newBuilder(t, Config{})
	if c := b.cfg; c.Window != 90*day || c.ChurnFactor != 3 || c.DiscountDepth != 0.10 || c.TopBrands != 5 || c.Purpose != PurposeAnalytics {
		t.Errorf("defaults %+v", c)
	}
}
