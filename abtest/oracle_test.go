package abtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
)

// oracleCase is one vector from ../shared/oracles/abtest/cases.json (see
// oracle_cases_test.go, generated verbatim by testdata/gen_oracle_cases.py).
type oracleCase struct {
	ID, Kind, Source            string
	Inputs, Expected, Tolerance string
}

type tolerance struct {
	Abs      float64              `json:"abs"`
	Rel      float64              `json:"rel"`
	PerField map[string]tolerance `json:"per_field"`
}

// oracleHandlers compute, for one kind, the fields of "expected" from "inputs".
// A handler reports an error it got as the oracle's error name under "error".
var oracleHandlers = map[string]func(t *testing.T, in json.RawMessage) map[string]any{}

// errorName maps the package's sentinels to the names the oracle uses for them.
func errorName(err error, want string) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrZeroBaseline) && want == "ZERO_NEGATIVE_BASELINE_VARIATION":
		return want
	case errors.Is(err, ErrZeroVariance) && (want == "ZERO_NEGATIVE_VARIANCE" || want == "ZERO_VARIANCE"):
		return want
	}
	return err.Error()
}

func TestOracleCases(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range oracleCases {
		t.Run(c.ID, func(t *testing.T) {
			if seen[c.ID] {
				t.Fatalf("duplicate case id")
			}
			seen[c.ID] = true
			h, ok := oracleHandlers[c.Kind]
			if !ok {
				t.Fatalf("no handler for kind %q (source: %s)", c.Kind, c.Source)
			}
			var want map[string]any
			var tol tolerance
			must(t, json.Unmarshal([]byte(c.Expected), &want))
			must(t, json.Unmarshal([]byte(c.Tolerance), &tol))
			got := h(t, json.RawMessage(c.Inputs))
			if e, ok := got["error"].(error); ok {
				w, _ := want["error"].(string)
				got["error"] = errorName(e, w)
			}
			for field, w := range want {
				ft := tol
				if pf, ok := tol.PerField[field]; ok {
					ft = pf
				}
				g, ok := got[field]
				if !ok {
					t.Errorf("%s: not computed (source: %s)", field, c.Source)
					continue
				}
				if msg := compareValue(g, w, ft); msg != "" {
					t.Errorf("%s: %s (source: %s)", field, msg, c.Source)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// compareValue applies the oracle's rule |got - want| <= abs + rel |want| element by element;
// strings "+Inf"/"-Inf" are infinities, other strings, booleans and null compare exactly.
func compareValue(got, want any, tol tolerance) string {
	switch w := want.(type) {
	case nil:
		if got != nil {
			if f, ok := got.(float64); !ok || !math.IsNaN(f) {
				return fmt.Sprintf("got %v, want null (undefined)", got)
			}
		}
		return ""
	case string:
		if w == "+Inf" || w == "-Inf" {
			return compareValue(got, map[string]float64{"+Inf": math.Inf(1), "-Inf": math.Inf(-1)}[w], tol)
		}
		if got != w {
			return fmt.Sprintf("got %v, want %q", got, w)
		}
	case bool:
		if got != w {
			return fmt.Sprintf("got %v, want %v", got, w)
		}
	case float64:
		g, ok := toFloat(got)
		if !ok {
			return fmt.Sprintf("got %v (%T), want number %v", got, got, w)
		}
		if math.IsInf(w, 0) || math.IsInf(g, 0) {
			if g != w {
				return fmt.Sprintf("got %v, want %v", g, w)
			}
			return ""
		}
		if !(math.Abs(g-w) <= tol.Abs+tol.Rel*math.Abs(w)) {
			return fmt.Sprintf("got %.17g, want %.17g (diff %.3g, tol abs %g rel %g)", g, w, g-w, tol.Abs, tol.Rel)
		}
	case []any:
		gs, ok := toSlice(got)
		if !ok || len(gs) != len(w) {
			return fmt.Sprintf("got %v, want list %v", got, w)
		}
		for i := range w {
			if msg := compareValue(gs[i], w[i], tol); msg != "" {
				return fmt.Sprintf("[%d]: %s", i, msg)
			}
		}
	case map[string]any:
		gm, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("got %T, want object", got)
		}
		for k, v := range w {
			if msg := compareValue(gm[k], v, tol); msg != "" {
				return fmt.Sprintf(".%s: %s", k, msg)
			}
		}
	default:
		return fmt.Sprintf("unsupported expected type %T", want)
	}
	return ""
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func toSlice(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []float64:
		return anySlice(x), true
	case []int:
		return anySlice(x), true
	case []bool:
		return anySlice(x), true
	case []string:
		return anySlice(x), true
	case [][]float64:
		return anySlice(x), true
	case [][]int:
		return anySlice(x), true
	}
	return nil, false
}

func anySlice[T any](x []T) []any {
	out := make([]any, len(x))
	for i := range x {
		out[i] = x[i]
	}
	return out
}

// Input decoding shared by the handlers.

type armIn struct {
	N          float64  `json:"n"`
	Successes  *float64 `json:"successes"`
	Sum        float64  `json:"sum"`
	SumSquares float64  `json:"sum_squares"`
}

// arm returns a Rate for {n, successes} and Moments for {n, sum, sum_squares}.
func (a armIn) arm() Arm {
	if a.Successes != nil {
		return Rate{Trials: int64(a.N), Successes: int64(*a.Successes)}
	}
	return Moments{N: int64(a.N), Sum: a.Sum, SumSquares: a.SumSquares}
}

func (a armIn) prop() Rate {
	var s int64
	if a.Successes != nil {
		s = int64(*a.Successes)
	}
	return Rate{Trials: int64(a.N), Successes: s}
}

func decode[T any](t *testing.T, in json.RawMessage) T {
	t.Helper()
	var v T
	must(t, json.Unmarshal(in, &v))
	return v
}

func alt(t *testing.T, s string) Alternative {
	a, err := ParseAlternative(s)
	must(t, err)
	return a
}

func effectFields(e Effect, err error) map[string]any {
	m := map[string]any{"estimate": e.Estimate, "se": e.SE, "dof": e.DF, "t_statistic": e.Statistic,
		"p_value": e.PValue, "ci_lower": e.Lower, "ci_upper": e.Upper}
	if err != nil {
		m["error"] = err
	}
	return m
}

// The comparison rule itself must be able to fail, or the oracle table proves nothing.
func TestOracleComparatorRejects(t *testing.T) {
	tol := tolerance{Abs: 1e-12, Rel: 1e-9}
	for _, c := range []struct{ got, want any }{
		{1.0, 1.0000001},
		{math.Inf(1), "-Inf"},
		{1.0, "+Inf"},
		{[]float64{1, 2}, []any{1.0, 2.1}},
		{[]float64{1}, []any{1.0, 2.0}},
		{true, false},
		{"no_winner", "continue"},
		{0.5, nil},
		{map[string]any{"a": 1.0}, map[string]any{"a": 2.0}},
	} {
		if compareValue(c.got, c.want, tol) == "" {
			t.Errorf("compareValue(%v, %v) accepted", c.got, c.want)
		}
	}
	for _, c := range []struct{ got, want any }{
		{1.0, 1.0 + 1e-10},
		{math.Inf(1), "+Inf"},
		{nil, nil},
		{[]float64{1, 2}, []any{1.0, 2.0}},
	} {
		if msg := compareValue(c.got, c.want, tol); msg != "" {
			t.Errorf("compareValue(%v, %v): %s", c.got, c.want, msg)
		}
	}
}
