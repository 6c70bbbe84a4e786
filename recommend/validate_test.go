package recommend

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestConfigValidate: the zero Config is the default and valid; every negative or non-finite
// value is an error wrapping ErrConfig, from Validate and from Fit alike, never silently
// replaced by the default.
func TestConfigValidate(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("zero Config: %v", err)
	}
	bad := map[string]Config{
		"MinSupport":   {MinSupport: -1},
		"Workers":      {Workers: -2},
		"EASEMaxItems": {EASEMaxItems: -1},
		"Neighbors":    {Neighbors: -1},
		"HalfLife":     {HalfLife: -1},
		"Shrink":       {Shrink: math.NaN()},
		"KindWeights":  {KindWeights: map[string]float64{"view": math.Inf(1)}},
	}
	for name, c := range bad {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Validate = %v, want ErrConfig", name, err)
		}
		if _, err := FitSlice(context.Background(), handData, c); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Fit = %v, want ErrConfig", name, err)
		}
	}
}
