package abtest

import (
	"encoding/json"
	"testing"
)

type betaIn struct {
	Control, Treatment armIn
	Arm                armIn
	Arms               []armIn
	PriorAlpha         float64 `json:"prior_alpha"`
	PriorBeta          float64 `json:"prior_beta"`
	IntervalSize       float64 `json:"interval_size"`
}

func init() {
	oracleHandlers["srm_chisquare"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			Observed []int64
			Weights  []float64
		}](t, in)
		r, err := SRM(c.Observed, c.Weights, SRMConfig{})
		must(t, err)
		return map[string]any{"chi2": r.ChiSquare, "df": float64(r.DF), "p_value": r.PValue, "min_expected_count": r.MinExpected}
	}
	oracleHandlers["bayesian_gaussian_effect"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct {
			Control, Treatment armIn
			DifferenceType     string `json:"difference_type"`
			Prior              GaussianPrior
			Alpha              float64
		}](t, in)
		r, err := BayesianTest(c.Control.arm(), c.Treatment.arm(), BayesConfig{Alpha: c.Alpha, Relative: c.DifferenceType == "relative", Prior: c.Prior})
		must(t, err)
		return map[string]any{"posterior_mean": r.Mean, "posterior_sd": r.SD, "chance_to_win": r.ChanceToWin,
			"ci_lower": r.Lower, "ci_upper": r.Upper, "risk_control": r.RiskControl, "risk_treatment": r.RiskTreatment}
	}
	oracleHandlers["gaussian_risk"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[struct{ Mu, Sigma float64 }](t, in)
		rc, rt := GaussianRisk(c.Mu, c.Sigma)
		return map[string]any{"risk_control": rc, "risk_treatment": rt}
	}
	oracleHandlers["beta_binomial_prob_b_beats_a"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[betaIn](t, in)
		p, err := ProbBBeatsA(c.Control.prop(), c.Treatment.prop(), BetaPrior{c.PriorAlpha, c.PriorBeta})
		must(t, err)
		return map[string]any{"prob_b_beats_a": p}
	}
	oracleHandlers["beta_binomial_expected_loss"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[betaIn](t, in)
		lt, lc, err := ExpectedLoss(c.Control.prop(), c.Treatment.prop(), BetaPrior{c.PriorAlpha, c.PriorBeta})
		must(t, err)
		return map[string]any{"loss_choose_treatment": lt, "loss_choose_control": lc}
	}
	oracleHandlers["beta_binomial_prob_best"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[betaIn](t, in)
		arms := make([]Rate, len(c.Arms))
		for i, a := range c.Arms {
			arms[i] = a.prop()
		}
		p, err := ProbBest(arms, BetaPrior{c.PriorAlpha, c.PriorBeta})
		must(t, err)
		return map[string]any{"prob_best": p}
	}
	oracleHandlers["beta_posterior_interval"] = func(t *testing.T, in json.RawMessage) map[string]any {
		c := decode[betaIn](t, in)
		iv, err := PosteriorInterval(c.Arm.prop(), BetaPrior{c.PriorAlpha, c.PriorBeta}, c.IntervalSize)
		must(t, err)
		return map[string]any{"ci_lower": iv.Lower, "ci_upper": iv.Upper}
	}
}
