package segment

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// Every Config of the package has Validate: the zero value passes (it is the documented
// default), an out-of-range field fails with ErrBadConfig naming it, prefixed "segment: "
// once, and the entry point taking the config returns that same error.
func TestEveryConfigValidates(t *testing.T) {
	year0 := time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)
	zero := []error{ActivityConfig{}.Validate(), CollectConfig{}.Validate(), CohortConfig{}.Validate(),
		KMeansConfig{}.Validate(), LifecycleConfig{}.Validate(), AdvocateConfig{}.Validate(), RFMConfig{}.Validate(),
		RFMValuesConfig{}.Validate(), ScalerConfig{}.Validate(), SilhouetteConfig{}.Validate()}
	for i, err := range zero {
		if err != nil {
			t.Errorf("zero config %d: %v", i, err)
		}
	}
	p, _ := PointsFromRows([][]float64{{0}, {1}, {5}, {6}})
	vals := []CustomerRFM{{ID: "a", Recency: 1, Frequency: 1, Monetary: 1}}
	for _, c := range []struct {
		field string
		err   error        // Validate's
		entry func() error // calls the entry point
	}{
		{"ActivityConfig.Now", ActivityConfig{Now: year0}.Validate(), func() error { _, err := NewActivity(ActivityConfig{Now: year0}); return err }},
		{"CollectConfig.Now", CollectConfig{Now: year0}.Validate(), func() error {
			_, err := CollectActivity(context.Background(), func(func(profile.Order) bool) {}, CollectConfig{Now: year0})
			return err
		}},
		{"RFMConfig.Bins", RFMConfig{Bins: -1}.Validate(), func() error { _, err := FitRFM(vals, RFMConfig{Bins: -1}); return err }},
		{"RFMConfig.Method", RFMConfig{Method: 7}.Validate(), func() error { _, err := FitRFM(nil, RFMConfig{Method: 7}); return err }},
		{"RFMConfig.MonetaryCuts[1]", RFMConfig{MonetaryCuts: []float64{1, math.NaN()}}.Validate(), nil},
		{"ScalerConfig.Method", ScalerConfig{Method: 9}.Validate(), func() error { _, err := FitScaler(p, ScalerConfig{Method: 9}); return err }},
		{"SilhouetteConfig.SampleSize", SilhouetteConfig{SampleSize: -1}.Validate(), func() error {
			_, err := Silhouette(p, []int{0, 0, 1, 1}, SilhouetteConfig{SampleSize: -1})
			return err
		}},
		{"SilhouetteConfig.SampleSize", SilhouetteConfig{SampleSize: -1}.Validate(), func() error {
			_, _, err := ChooseK(context.Background(), p, []int{2}, KMeansConfig{}, SilhouetteConfig{SampleSize: -1})
			return err
		}},
	} {
		if !errors.Is(c.err, ErrBadConfig) || !strings.Contains(c.err.Error(), c.field) ||
			!strings.HasPrefix(c.err.Error(), "segment: ") || strings.Count(c.err.Error(), "segment: ") != 1 {
			t.Errorf("%s: Validate = %v", c.field, c.err)
		}
		if c.entry != nil {
			if err := c.entry(); err == nil || err.Error() != c.err.Error() {
				t.Errorf("%s: the entry point gave %v, want Validate's %v", c.field, err, c.err)
			}
		}
	}
}
