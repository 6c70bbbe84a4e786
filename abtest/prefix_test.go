package abtest

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/stat"
)

// TestErrorPrefixOnce: every error starts with "abtest: " and says it once, also where a
// layer adds context around a sentinel or a row error (before: "abtest: experiment ...:
// line 2: ...: abtest: invalid input: negative count", "abtest: row 0 (...): abtest: invalid
// input: empty name").
func TestErrorPrefixOnce(t *testing.T) {
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	csv := "experiment,variant,metric,units,sum,sum_squares\n" +
		"e,control,m,-5,1,1\n" +
		"e,control,m,5,x,1\n" +
		"e,control,,5,1,1\n"
	for _, err := range ReadAggregates(strings.NewReader(csv)) {
		if err != nil {
			add(err)
		}
	}
	if len(errs) != 3 {
		t.Fatalf("want 3 row errors, got %v", errs)
	}
	var re *RowError
	if !errors.As(errs[0], &re) || re.Line != 2 || re.Field != "units" || !errors.Is(errs[0], ErrInvalidInput) {
		t.Errorf("negative units: %v does not carry its row error and sentinel", errs[0])
	}
	_, err := Analyze(context.Background(), slices.Values([]Row{{Experiment: "e", Variant: "", Metric: "m"}}), ReadoutConfig{})
	add(err)
	_, err = SampleSizeProportions(0.1, 0.12, PlanConfig{Power: 2})
	add(err)
	_, err = ZTest(Rate{Successes: 5, Trials: 3}, Rate{Successes: 1, Trials: 3}, Config{})
	add(err)
	_, err = WelchTest(stat.FromSums(10, math.NaN(), 1, 1, 1, 1), stat.FromSums(10, 1, 1, 1, 1, 1), Config{})
	add(err)
	_, err = WilsonInterval(Rate{Successes: -1, Trials: 3}, 0)
	add(err)
	a, _ := NewAssigner(Experiment{Salt: "s"})
	_, err = a.Assign("")
	add(err)
	_, err = NewAssigner(Experiment{Salt: "s", Variants: []string{"a", "a"}})
	add(err)
	var alt Alternative
	add(alt.UnmarshalText([]byte("up")))
	for _, err := range errs {
		if err == nil {
			t.Error("an expected error is nil")
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "abtest: ") || strings.Count(msg, "abtest: ") != 1 {
			t.Errorf("%q: want the prefix exactly once", msg)
		}
	}
	if !errors.Is(errs[3], ErrInvalidInput) || !errors.Is(errs[5], ErrInvalidInput) || !errors.Is(errs[6], ErrInvalidInput) {
		t.Errorf("sentinels lost: %v / %v / %v", errs[3], errs[5], errs[6])
	}
}

// TestReaderSentinelsReexported: the causes of the reader's errors match from abtest, as the
// same values as profile's.
func TestReaderSentinelsReexported(t *testing.T) {
	var got []error
	for _, err := range ReadAggregates(strings.NewReader("experiment,variant\ne,a\n")) {
		got = append(got, err)
	}
	if len(got) != 1 || !errors.Is(got[0], ErrHeader) {
		t.Errorf("wrong header: %v, want ErrHeader", got)
	}
	got = nil
	csv := "experiment,variant,metric,units,sum,sum_squares\ne,a,m,1.5,1,1\ne,a,m,2,x,1\ne,a,m,2,1e300,1\n"
	for _, err := range ReadAggregates(strings.NewReader(csv)) {
		got = append(got, err)
	}
	if len(got) != 3 || !errors.Is(got[0], ErrInteger) || !errors.Is(got[1], ErrNumber) || !errors.Is(got[2], ErrRange) {
		t.Errorf("bad cells: %v, want ErrInteger, ErrNumber, ErrRange", got)
	}
}
