package abtest

import (
	"encoding/json"
	"testing"

	"github.com/tailorkit/tailor/internal/stat"
)

type twoArmIn struct {
	Control        armIn  `json:"control"`
	Treatment      armIn  `json:"treatment"`
	Alternative    string `json:"alternative"`
	Alpha          float64
	DifferenceType string `json:"difference_type"`
}

func init() {
	welch := func(relative bool) func(t *testing.T, in json.RawMessage) map[string]any {
		return func(t *testing.T, in json.RawMessage) map[string]any {
			c := decode[twoArmIn](t, in)
			e, err := WelchTest(c.Control.arm(), c.Treatment.arm(), Config{Alpha: c.Alpha, Alternative: alt(t, c.Alternative), Relative: relative})
			return effectFields(e, err)
		}
	}
	oracleHandlers["welch_t_absolute"] = welch(false)
	oracleHandlers["welch_t_relative_delta"] = welch(true)
	oracleHandlers["welch_t_ratio_delta"] = func(t *testing.T, in json.RawMessage) map[string]any {
		type r struct {
			N             int64   `json:"n"`
			NumSum        float64 `json:"num_sum"`
			NumSumSquares float64 `json:"num_sum_squares"`
			DenSum        float64 `json:"den_sum"`
			DenSumSquares float64 `json:"den_sum_squares"`
			CrossSum      float64 `json:"cross_sum"`
		}
		c := decode[struct {
			Control, Treatment r
			DifferenceType     string `json:"difference_type"`
			Alpha              float64
		}](t, in)
		conv := func(x r) RatioMoments {
			return stat.FromSums(x.N, x.NumSum, x.NumSumSquares, x.DenSum, x.DenSumSquares, x.CrossSum)
		}
		a, b := conv(c.Control), conv(c.Treatment)
		e, err := WelchTest(a, b, Config{Alpha: c.Alpha, Relative: c.DifferenceType == "relative"})
		m := effectFields(e, err)
		m["control_ratio"], m["treatment_ratio"] = a.Mean(), b.Mean()
		m["control_ratio_variance"], m["treatment_ratio_variance"] = a.Variance(), b.Variance()
		return m
	}
	oracleHandlers["cuped_welch"] = func(t *testing.T, in json.RawMessage) map[string]any {
		type r struct {
			N              int64   `json:"n"`
			PostSum        float64 `json:"post_sum"`
			PostSumSquares float64 `json:"post_sum_squares"`
			PreSum         float64 `json:"pre_sum"`
			PreSumSquares  float64 `json:"pre_sum_squares"`
			CrossSum       float64 `json:"cross_sum"`
		}
		c := decode[struct {
			Control, Treatment r
			DifferenceType     string `json:"difference_type"`
			Alpha              float64
			Raw                struct {
				ControlPost   []float64 `json:"control_post"`
				ControlPre    []float64 `json:"control_pre"`
				TreatmentPost []float64 `json:"treatment_post"`
				TreatmentPre  []float64 `json:"treatment_pre"`
			}
		}](t, in)
		conv := func(x r) CUPEDMoments {
			return CUPEDMoments{N: x.N, Post: x.PostSum, PostSquares: x.PostSumSquares, Pre: x.PreSum, PreSquares: x.PreSumSquares, CrossProduct: x.CrossSum}
		}
		// The builder from raw values must give the same sufficient statistics.
		var a, b CUPEDMoments
		for i := range c.Raw.ControlPost {
			a.Add(c.Raw.ControlPost[i], c.Raw.ControlPre[i])
		}
		for i := range c.Raw.TreatmentPost {
			b.Add(c.Raw.TreatmentPost[i], c.Raw.TreatmentPre[i])
		}
		if ca := conv(c.Control); a.N != ca.N || !closeRel(a.Post, ca.Post, 1e-12) || !closeRel(a.CrossProduct, ca.CrossProduct, 1e-12) {
			t.Errorf("CUPEDMoments.Add gives %+v, oracle sums %+v", a, ca)
		}
		res, err := CUPEDTest(conv(c.Control), conv(c.Treatment), Config{Alpha: c.Alpha, Relative: c.DifferenceType == "relative"})
		m := effectFields(res.Effect, err)
		m["theta"] = res.Theta
		m["control_adjusted_mean"], m["treatment_adjusted_mean"] = res.ControlMean, res.TreatmentMean
		m["control_adjusted_variance"], m["treatment_adjusted_variance"] = res.ControlVariance, res.TreatmentVariance
		return m
	}
}
