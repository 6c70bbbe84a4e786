package abtest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// roundTrip encodes v, decodes it into a new value of its type and returns the JSON and the
// decoded value.
func roundTrip[T any](t *testing.T, v T) ([]byte, T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(%+v): %v", v, err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	return b, back
}

// same compares two results treating NaN as equal to NaN and errors by their message.
func same(a, b reflect.Value) bool {
	if a.Type() == reflect.TypeFor[error]() {
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Interface().(error).Error() == b.Interface().(error).Error()
	}
	switch a.Kind() {
	case reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y || math.IsNaN(x) && math.IsNaN(y)
	case reflect.Struct:
		for i := range a.NumField() {
			if !same(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// keysSnake reports the first JSON object key that is not snake_case (lower case, digits,
// '_').
func keysSnake(t *testing.T, b []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if strings.IndexFunc(k, func(r rune) bool { return !(unicode.IsLower(r) || unicode.IsDigit(r) || r == '_') }) >= 0 {
					t.Errorf("key %q is not snake_case in %s", k, b)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

// TestOneSidedResultsEncode: a one-sided test's interval has an infinite end, which
// encoding/json refuses (json: unsupported value: +Inf). It encodes as null and decodes back
// to the infinity, with every other field equal.
func TestOneSidedResultsEncode(t *testing.T) {
	a, b := Rate{Successes: 120, Trials: 1000}, Rate{Successes: 150, Trials: 1000}
	w, err := WelchTest(a, b, Config{Alternative: Greater})
	if err != nil || !math.IsInf(w.Upper, 1) {
		t.Fatalf("WelchTest greater = %+v, %v; want an open upper end", w, err)
	}
	js, back := roundTrip(t, w)
	keysSnake(t, js)
	if !strings.Contains(string(js), `"upper":null`) || !strings.Contains(string(js), `"p_value":`) || !same(reflect.ValueOf(w), reflect.ValueOf(back)) {
		t.Errorf("Effect %+v -> %s -> %+v", w, js, back)
	}
	z, err := ZTest(a, b, Config{Alternative: Less})
	if err != nil || !math.IsInf(z.Lower, -1) {
		t.Fatalf("ZTest less = %+v, %v", z, err)
	}
	js, zb := roundTrip(t, z)
	if !strings.Contains(string(js), `"lower":null`) || !same(reflect.ValueOf(z), reflect.ValueOf(zb)) {
		t.Errorf("ZResult %+v -> %s -> %+v", z, js, zb)
	}
	s, err := ConfidenceSequence(a, b, SequentialConfig{Alternative: Greater})
	if err != nil {
		t.Fatal(err)
	}
	js, sb := roundTrip(t, s)
	keysSnake(t, js)
	if !strings.Contains(string(js), `"upper":null`) || !strings.Contains(string(js), `"half_width":`) || !same(reflect.ValueOf(s), reflect.ValueOf(sb)) {
		t.Errorf("SequentialResult %+v -> %s -> %+v", s, js, sb)
	}
}

// TestReadoutJSON: a one-sided readout of two experiments, one of them with a metric whose
// comparison fails (a constant metric: zero variance), encodes with snake_case names, the
// failure as its message (before: {}), and decodes back equal, the error still matching its
// sentinel.
func TestReadoutJSON(t *testing.T) {
	rows := []Row{
		{Experiment: "e1", Variant: "control", Metric: "revenue", Units: 1000, Sum: 5000, SumSquares: 40000},
		{Experiment: "e1", Variant: "treatment", Metric: "revenue", Units: 1010, Sum: 5400, SumSquares: 43000},
		{Experiment: "e1", Variant: "control", Metric: "flat", Units: 1000, Sum: 1000, SumSquares: 1000},
		{Experiment: "e1", Variant: "treatment", Metric: "flat", Units: 1010, Sum: 1010, SumSquares: 1010},
		{Experiment: "e2", Variant: "a", Metric: "revenue", Units: 500, Sum: 2500, SumSquares: 20000},
		{Experiment: "e2", Variant: "b", Metric: "revenue", Units: 480, Sum: 2500, SumSquares: 21000},
	}
	ro, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{Alternative: Greater})
	if err != nil {
		t.Fatal(err)
	}
	var failed *Comparison
	for i := range ro.Experiments[0].Metrics {
		if m := &ro.Experiments[0].Metrics[i]; m.Metric == "flat" {
			failed = &m.Comparisons[0]
		}
	}
	if failed == nil || !errors.Is(failed.Err, ErrZeroVariance) {
		t.Fatalf("flat metric comparison: %+v", failed)
	}
	js, back := roundTrip(t, ro)
	keysSnake(t, js)
	for _, want := range []string{`"experiments":`, `"srm":{`, `"adjusted_p_value":`, `"chance_to_win":`, `"upper":null`, `"error":"abtest: zero or negative variance`, `"variants":["control","treatment"]`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("readout JSON lacks %s:\n%s", want, js)
		}
	}
	if !same(reflect.ValueOf(ro), reflect.ValueOf(back)) {
		t.Errorf("readout round trip:\n%+v\n%+v", ro, back)
	}
	for _, m := range back.Experiments[0].Metrics {
		if m.Metric == "flat" && !errors.Is(m.Comparisons[0].Err, ErrZeroVariance) {
			t.Errorf("decoded error %v does not match ErrZeroVariance", m.Comparisons[0].Err)
		}
		if m.Metric == "revenue" && m.Comparisons[0].Err != nil {
			t.Errorf("decoded a nil error as %v", m.Comparisons[0].Err)
		}
	}
}

// TestResultsJSON: the other result types round-trip with snake_case names.
func TestResultsJSON(t *testing.T) {
	a, b := Rate{Successes: 120, Trials: 1000}, Rate{Successes: 150, Trials: 1000}
	check := func(name string, v, back any, js []byte) {
		t.Helper()
		keysSnake(t, js)
		if !same(reflect.ValueOf(v), reflect.ValueOf(back)) {
			t.Errorf("%s: %+v -> %s -> %+v", name, v, js, back)
		}
	}
	srm, err := SRM([]int64{1000, 1100}, []float64{1, 1}, SRMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	js, srmB := roundTrip(t, srm)
	check("SRMResult", srm, srmB, js)
	if !strings.Contains(string(js), `"chi_square":`) || !strings.Contains(string(js), `"min_expected":`) {
		t.Errorf("SRM JSON %s", js)
	}
	bay, err := BayesianTest(a, b, BayesConfig{})
	if err != nil {
		t.Fatal(err)
	}
	js, bayB := roundTrip(t, bay)
	check("BayesResult", bay, bayB, js)
	bounds, err := GroupSequentialBounds([]float64{0.25, 0.5, 1}, SpendingConfig{})
	if err != nil {
		t.Fatal(err)
	}
	js, boundsB := roundTrip(t, bounds)
	check("[]Bound", bounds, boundsB, js)
	chi, err := ChiSquareTest([]Rate{a, b, {Successes: 130, Trials: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	js, chiB := roundTrip(t, chi)
	check("ChiSquareResult", chi, chiB, js)
	pairs, err := PairwiseZTests([]Rate{a, b, {Successes: 130, Trials: 1000}}, Holm)
	if err != nil {
		t.Fatal(err)
	}
	js, pairsB := roundTrip(t, pairs)
	check("[]PairResult", pairs, pairsB, js)
	cu := CUPEDMoments{N: 10, Post: 10, PostSquares: 20, Pre: 5, PreSquares: 5, CrossProduct: 6}
	cr, err := CUPEDTest(cu, CUPEDMoments{N: 12, Post: 14, PostSquares: 26, Pre: 6, PreSquares: 6, CrossProduct: 8}, Config{Alternative: Greater})
	if err != nil {
		t.Fatal(err)
	}
	js, crB := roundTrip(t, cr)
	check("CUPEDResult", cr, crB, js)
	m, err := NewMSPRT(MSPRTConfig{})
	if err != nil {
		t.Fatal(err)
	}
	look, err := m.Observe(Moments{N: 100, Sum: 500, SumSquares: 3000}, Moments{N: 100, Sum: 560, SumSquares: 3400})
	if err != nil {
		t.Fatal(err)
	}
	js, lookB := roundTrip(t, look)
	check("MSPRTLook", look, lookB, js)
}

// TestEnumText: every enum value encodes to its text and back; an unknown value or text is
// ErrInvalidInput.
func TestEnumText(t *testing.T) {
	type enum interface {
		MarshalText() ([]byte, error)
	}
	cases := []struct {
		v    enum
		text string
		back func([]byte) (any, error)
	}{
		{Greater, "greater", func(b []byte) (any, error) { var x Alternative; err := x.UnmarshalText(b); return x, err }},
		{TwoSided, "two-sided", func(b []byte) (any, error) { var x Alternative; err := x.UnmarshalText(b); return x, err }},
		{BenjaminiHochberg, "bh", func(b []byte) (any, error) { var x Correction; err := x.UnmarshalText(b); return x, err }},
		{NoCorrection, "none", func(b []byte) (any, error) { var x Correction; err := x.UnmarshalText(b); return x, err }},
		{NoWinner, "no_winner", func(b []byte) (any, error) { var x Decision; err := x.UnmarshalText(b); return x, err }},
		{MiettinenNurminen, "miettinen_nurminen", func(b []byte) (any, error) { var x DiffMethod; err := x.UnmarshalText(b); return x, err }},
		{KoopmanScore, "koopman_score", func(b []byte) (any, error) { var x RatioMethod; err := x.UnmarshalText(b); return x, err }},
		{PowerFamily, "power_family", func(b []byte) (any, error) { var x SpendingFunction; err := x.UnmarshalText(b); return x, err }},
	}
	for _, c := range cases {
		b, err := c.v.MarshalText()
		if err != nil || string(b) != c.text {
			t.Errorf("%v: MarshalText = %q, %v; want %q", c.v, b, err, c.text)
		}
		if back, err := c.back(b); err != nil || back != any(c.v) {
			t.Errorf("%q: UnmarshalText = %v, %v; want %v", b, back, err, c.v)
		}
		if _, err := c.back([]byte("nope")); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%T: unknown text: %v", c.v, err)
		}
	}
	if _, err := Alternative(7).MarshalText(); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Alternative(7): %v", err)
	}
	x := Less
	if err := x.UnmarshalText([]byte("sideways")); err == nil || x != Less {
		t.Errorf("a failed decode changed the value to %v (%v)", x, err)
	}
	js, err := json.Marshal(struct {
		A Alternative `json:"a"`
	}{Greater})
	if err != nil || string(js) != `{"a":"greater"}` {
		t.Errorf("JSON %s, %v", js, err)
	}
}
