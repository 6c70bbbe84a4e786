package segment

import (
	"context"
	"errors"
	"fmt"
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

// Errors start with "segment: " exactly once, also when they wrap profile's validation error or
// a context's, and still match their causes.
func TestErrorPrefixOnce(t *testing.T) {
	var a Activity
	err := a.Add(profile.Order{ID: "o1", Time: day0, Lines: []profile.Line{{Quantity: 0, UnitPrice: 1}}})
	var fe *profile.FieldError
	if err == nil || !errors.As(err, &fe) || !errors.Is(err, profile.ErrZeroQuantity) ||
		err.Error() != `segment: order "o1": field "Lines[0].Quantity" = "0": zero quantity` {
		t.Errorf("Add: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	many := func(yield func(profile.Order) bool) {
		for i := 0; i < 10000; i++ {
			if !yield(order1(fmt.Sprint(i), "c", day0, 1, 1)) {
				return
			}
		}
	}
	_, err = CollectActivity(ctx, many, CollectConfig{})
	p, _ := PointsFromRows([][]float64{{0}, {1}, {5}, {6}})
	_, kerr := FitKMeans(ctx, p, KMeansConfig{K: 2})
	for _, err := range []error{err, kerr} {
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "segment: ") || strings.Count(err.Error(), "segment: ") != 1 {
			t.Errorf("cancelled: %v", err)
		}
	}
}

// segment.Period is profile.Period: cohorts take the zero Period as Month, Month and Week, and
// refuse the periods they do not tabulate.
func TestCohortPeriodIsProfilePeriod(t *testing.T) {
	var p profile.Period = Week // the same type, no conversion
	a := activityOf(t, []profile.Order{order1("o", "c", day0, 1, 10)})
	if c := must(a.Cohorts(CohortConfig{})); c.Period != profile.Month {
		t.Errorf("zero Period: cohorts by %v, want month", c.Period)
	}
	if c := must(a.Cohorts(CohortConfig{Period: p})); c.Period != profile.Week || c.Label(0) != "2025-02-24" {
		t.Errorf("weekly cohorts: %v, %q", c.Period, c.Label(0))
	}
	for _, bad := range []Period{profile.Day, profile.Quarter, profile.Year, 9} {
		if _, err := a.Cohorts(CohortConfig{Period: bad}); !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), "Period") {
			t.Errorf("Period %v: %v", bad, err)
		}
	}
}
