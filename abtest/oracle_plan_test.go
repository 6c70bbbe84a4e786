package abtest

import (
	"encoding/json"
	"math"
	"testing"
)

func init() {
	type powIn struct {
		EffectSize  float64 `json:"effect_size"`
		Nobs        float64
		Nobs1       float64
		Alpha       float64
		Ratio       float64
		Alternative string
	}
	oracleHandlers["power_normal"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[powIn](t, in)
		p, err := NormalPower(c.EffectSize, c.Nobs, PlanConfig{Alpha: c.Alpha, Alternative: alt(t, c.Alternative)})
		must(t, err)
		return map[string]any{"power": p}
	}
	oracleHandlers["power_normal_ind"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[powIn](t, in)
		p, err := NormalIndPower(c.EffectSize, c.Nobs1, PlanConfig{Alpha: c.Alpha, Ratio: c.Ratio, Alternative: alt(t, c.Alternative)})
		must(t, err)
		return map[string]any{"power": p}
	}
	oracleHandlers["power_ttest_ind"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[powIn](t, in)
		p, err := TTestIndPower(c.EffectSize, c.Nobs1, PlanConfig{Alpha: c.Alpha, Ratio: c.Ratio, Alternative: alt(t, c.Alternative)})
		must(t, err)
		return map[string]any{"power": p}
	}
	type propPlanIn struct {
		Diff        float64
		PControl    float64 `json:"p_control"`
		PTreatment  float64 `json:"p_treatment"`
		NTreatment  float64 `json:"n_treatment"`
		Ratio       float64 `json:"ratio_control_to_treatment"`
		Power       float64
		Alpha       float64
		Alternative string
	}
	cfgOf := func(t *testing.T, c propPlanIn) PlanConfig {
		return PlanConfig{Alpha: c.Alpha, Power: c.Power, Ratio: c.Ratio, Alternative: alt(t, c.Alternative)}
	}
	oracleHandlers["power_proportions_2indep"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[propPlanIn](t, in)
		p, err := PowerProportions(c.PControl, c.PTreatment, c.NTreatment, cfgOf(t, c))
		must(t, err)
		return map[string]any{"power": p}
	}
	oracleHandlers["samplesize_proportions_2indep"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[propPlanIn](t, in)
		n, err := SampleSizeProportions(c.PControl, c.PTreatment, cfgOf(t, c))
		must(t, err)
		ratio := c.Ratio
		if ratio == 0 {
			ratio = 1
		}
		return map[string]any{"n_treatment": n, "n_control": n * ratio}
	}
	oracleHandlers["samplesize_proportions_unpooled"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[propPlanIn](t, in)
		n, err := SampleSizeProportionsUnpooled(c.PControl, c.PTreatment, cfgOf(t, c))
		must(t, err)
		return map[string]any{"n_per_arm": n}
	}
	oracleHandlers["samplesize_cohen_h"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[propPlanIn](t, in)
		n, err := SampleSizeCohenH(c.PControl, c.PTreatment, cfgOf(t, c))
		must(t, err)
		return map[string]any{"n_per_arm": n, "cohen_h": CohenH(c.PControl, c.PTreatment)}
	}
	oracleHandlers["growthbook_delta_variance"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			VarA     float64 `json:"var_a"`
			MeanA    float64 `json:"mean_a"`
			NA       float64 `json:"n_a"`
			VarB     float64 `json:"var_b"`
			MeanB    float64 `json:"mean_b"`
			NB       float64 `json:"n_b"`
			Relative bool
		}](t, in)
		return map[string]any{"variance": DeltaVariance(c.VarA, c.MeanA, c.NA, c.VarB, c.MeanB, c.NB, c.Relative)}
	}
	type gbIn struct {
		Metric struct {
			Type              string
			Mean              float64
			StandardDeviation float64 `json:"standard_deviation"`
			EffectSize        float64 `json:"effect_size"`
		}
		NTotal           float64 `json:"n_total"`
		NVariations      int     `json:"n_variations"`
		Alpha            float64
		Power            float64
		TwoTailed        *bool   `json:"two_tailed"`
		SequentialTuning float64 `json:"sequential_tuning"`
	}
	gbCfg := func(c gbIn) GrowthBookPowerConfig {
		return GrowthBookPowerConfig{Alpha: c.Alpha, Power: c.Power, Variations: c.NVariations,
			OneTailed: c.TwoTailed != nil && !*c.TwoTailed, SequentialTuning: c.SequentialTuning}
	}
	oracleHandlers["growthbook_power_relative"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[gbIn](t, in)
		p, err := GrowthBookPower(c.Metric.Mean, c.Metric.StandardDeviation, c.Metric.EffectSize, c.NTotal, gbCfg(c))
		must(t, err)
		return map[string]any{"power": p}
	}
	oracleHandlers["growthbook_mde_relative"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[gbIn](t, in)
		m, err := GrowthBookMDE(c.Metric.Mean, c.Metric.StandardDeviation, c.NTotal, gbCfg(c))
		must(t, err)
		return map[string]any{"mde": m}
	}
	oracleHandlers["sequential_confidence_sequence"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			Control, Treatment armIn
			DifferenceType     string `json:"difference_type"`
			Alternative        string
			Alpha              float64
			TuningNStar        float64 `json:"tuning_n_star"`
		}](t, in)
		a := alt(t, c.Alternative)
		r, err := ConfidenceSequence(c.Control.arm(), c.Treatment.arm(), SequentialConfig{Alpha: c.Alpha, Alternative: a,
			Relative: c.DifferenceType == "relative", TuningN: c.TuningNStar})
		must(t, err)
		m := map[string]any{"estimate": r.Estimate, "se": r.SE, "rho": r.Rho, "halfwidth": r.HalfWidth,
			"ci_lower": r.Lower, "ci_upper": r.Upper, "p_value": r.PValue, "p_value_unclamped": r.PValueUnclamped,
			"p_value_gbstats_bisection": r.PValueUnclamped}
		if (a == Greater && r.Estimate <= 0) || (a == Less && r.Estimate >= 0) {
			m["p_value_unclamped"] = nil // the oracle marks "points away from H1" as undefined
		}
		return m
	}
	oracleHandlers["gst_alpha_spending_bounds"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			InformationFractions []float64 `json:"information_fractions"`
			Alpha, Rho           float64
			Sides                int
		}](t, in)
		b, err := GroupSequentialBounds(c.InformationFractions, SpendingConfig{Alpha: c.Alpha, Function: PowerFamily, Rho: c.Rho, OneSided: c.Sides == 1})
		must(t, err)
		var z, nom []float64
		for _, x := range b {
			z, nom = append(z, x.Z), append(nom, x.NominalAlpha)
		}
		return map[string]any{"z_bounds": z, "nominal_alpha": nom}
	}
	oracleHandlers["evan_miller_sequential"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			N            int64
			Observations []struct {
				T int64 `json:"treatment_successes"`
				C int64 `json:"control_successes"`
			}
		}](t, in)
		var ds []string
		th := math.NaN()
		for _, o := range c.Observations {
			d, thr, err := EvanMillerSequential(c.N, o.T, o.C)
			must(t, err)
			ds, th = append(ds, d.String()), thr
		}
		return map[string]any{"threshold": th, "decisions": ds}
	}
	oracleHandlers["msprt_normal_mixture"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			Tau2, Theta0, Alpha float64
			Looks               []struct {
				N int64 `json:"n_per_arm"`
				C int64 `json:"control_successes"`
				T int64 `json:"treatment_successes"`
			}
		}](t, in)
		m, err := NewMSPRT(MSPRTConfig{Tau2: c.Tau2, Theta0: c.Theta0, Alpha: c.Alpha})
		must(t, err)
		var looks []any
		for _, l := range c.Looks {
			r, err := m.Observe(Rate{Trials: l.N, Successes: l.C}, Rate{Trials: l.N, Successes: l.T})
			must(t, err)
			looks = append(looks, map[string]any{"V_n": r.UnitVariance, "lambda": r.Lambda, "always_valid_p": r.PValue, "reject": r.Reject})
		}
		return map[string]any{"looks": looks}
	}
}
