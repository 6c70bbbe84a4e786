package abtest

import (
	"encoding/json"
	"errors"
	"testing"
)

type propPairIn struct {
	Control, Treatment armIn
	Alpha              float64
}

func init() {
	zt := func(pooled bool) func(t *testing.T, in json.RawMessage) map[string]any {
		return func(t *testing.T, in json.RawMessage) map[string]any {
			c := decode[propPairIn](t, in)
			m := map[string]any{}
			for _, a := range []Alternative{TwoSided, Greater, Less} {
				f := ZTest
				if !pooled {
					f = WaldZTest
				}
				r, err := f(c.Control.prop(), c.Treatment.prop(), Config{Alternative: a})
				name := map[Alternative]string{TwoSided: "p_value_two_sided", Greater: "p_value_greater", Less: "p_value_less"}[a]
				m["diff"], m["se"], m["z"], m[name] = r.Diff, r.SE, r.Z, r.PValue
				if pooled {
					m["pooled_p"] = r.PooledRate
				}
				if err != nil {
					m["error"], m["z"], m[name] = err, nil, nil
				}
			}
			return m
		}
	}
	oracleHandlers["two_proportion_ztest_pooled"] = zt(true)
	oracleHandlers["two_proportion_ztest_unpooled"] = zt(false)
	oracleHandlers["k_proportions_chisquare"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct{ Successes, Trials []int64 }](t, in)
		arms := make([]Rate, len(c.Trials))
		for i := range arms {
			arms[i] = Rate{Trials: c.Trials[i], Successes: c.Successes[i]}
		}
		r, err := ChiSquareTest(arms)
		must(t, err)
		return map[string]any{"chi2": r.Statistic, "df": float64(r.DF), "p_value": r.PValue}
	}
	oracleHandlers["k_proportions_pairwise"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			Successes, Trials []int64
			Correction        string
		}](t, in)
		arms := make([]Rate, len(c.Trials))
		for i := range arms {
			arms[i] = Rate{Trials: c.Trials[i], Successes: c.Successes[i]}
		}
		method, err := ParseCorrection(c.Correction)
		must(t, err)
		pairs, err := PairwiseZTests(arms, method)
		must(t, err)
		var ij [][]float64
		var raw, adj []float64
		for _, p := range pairs {
			ij = append(ij, []float64{float64(p.I), float64(p.J)})
			raw, adj = append(raw, p.PValue), append(adj, p.Adjusted)
		}
		return map[string]any{"pairs": ij, "p_raw": raw, "p_adjusted": adj}
	}
	diff := func(method DiffMethod) func(t *testing.T, in json.RawMessage) map[string]any {
		return func(t *testing.T, in json.RawMessage) map[string]any {
			c := decode[propPairIn](t, in)
			iv, err := DiffInterval(c.Control.prop(), c.Treatment.prop(), c.Alpha, method)
			must(t, err)
			m := map[string]any{"ci_lower": iv.Lower, "ci_upper": iv.Upper}
			pA, pB := c.Control.prop().Mean(), c.Treatment.prop().Mean()
			m["diff"] = pB - pA
			// spotify/confidence's relative interval is the absolute one divided by the control
			// rate (no delta method); reproduced here only to document that convention.
			m["relative_estimate"] = (pB - pA) / pA
			m["relative_ci_lower_rescaled"], m["relative_ci_upper_rescaled"] = iv.Lower/pA, iv.Upper/pA
			return m
		}
	}
	oracleHandlers["diff_ci_wald"] = diff(Wald)
	oracleHandlers["diff_ci_agresti_caffo"] = diff(AgrestiCaffo)
	oracleHandlers["diff_ci_newcombe"] = diff(Newcombe)
	oracleHandlers["diff_ci_score_mn"] = diff(MiettinenNurminen)
	ratio := func(method RatioMethod) func(t *testing.T, in json.RawMessage) map[string]any {
		return func(t *testing.T, in json.RawMessage) map[string]any {
			c := decode[propPairIn](t, in)
			iv, err := RatioInterval(c.Control.prop(), c.Treatment.prop(), c.Alpha, method)
			must(t, err)
			return map[string]any{"ci_lower": iv.Lower, "ci_upper": iv.Upper}
		}
	}
	oracleHandlers["ratio_ci_katz_log"] = ratio(KatzLog)
	oracleHandlers["ratio_ci_koopman_score"] = ratio(KoopmanScore)
	oracleHandlers["wilson_interval"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			Successes, N int64
			Alpha        float64
		}](t, in)
		iv, err := WilsonInterval(Rate{Trials: c.N, Successes: c.Successes}, c.Alpha)
		must(t, err)
		return map[string]any{"ci_lower": iv.Lower, "ci_upper": iv.Upper}
	}
	oracleHandlers["fieller_relative_ci"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[propPairIn](t, in)
		iv, err := FiellerInterval(c.Control.arm(), c.Treatment.arm(), c.Alpha)
		mA, mB := c.Control.arm().Mean(), c.Treatment.arm().Mean()
		return map[string]any{"bounded": !errors.Is(err, ErrUnbounded), "estimate": mB/mA - 1, "ci_lower": iv.Lower, "ci_upper": iv.Upper}
	}
	adjust := func(method Correction) func(t *testing.T, in json.RawMessage) map[string]any {
		return func(t *testing.T, in json.RawMessage) map[string]any {
			c := decode[struct {
				PValues []float64 `json:"p_values"`
			}](t, in)
			adj, err := Adjust(c.PValues, method)
			must(t, err)
			return map[string]any{"adjusted": adj}
		}
	}
	oracleHandlers["p_adjust_bonferroni"] = adjust(Bonferroni)
	oracleHandlers["p_adjust_holm"] = adjust(Holm)
	oracleHandlers["p_adjust_holm_sidak"] = adjust(HolmSidak)
	oracleHandlers["p_adjust_sidak"] = adjust(Sidak)
	oracleHandlers["p_adjust_bh"] = adjust(BenjaminiHochberg)
	oracleHandlers["p_adjust_hommel"] = adjust(Hommel)
	oracleHandlers["adjusted_ci_growthbook"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			AdjustedPValue  float64 `json:"adjusted_p_value"`
			Lift            float64
			PValueThreshold float64 `json:"p_value_threshold"`
		}](t, in)
		lo, hi, err := AdjustedInterval(c.Lift, c.AdjustedPValue, c.PValueThreshold)
		must(t, err)
		return map[string]any{"ci_lower": lo, "ci_upper": hi}
	}
}
