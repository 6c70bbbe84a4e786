package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/cli"
)

type armJSON struct {
	N         int64 `json:"n"`
	Successes int64 `json:"successes"`
	Rate      num   `json:"rate"`
}

type compareJSON struct {
	Mode          string     `json:"mode"`
	Alpha         float64    `json:"alpha"`
	Control       armJSON    `json:"control"`
	Treatment     armJSON    `json:"treatment"`
	Absolute      effectJSON `json:"absolute"`
	Relative      effectJSON `json:"relative"`
	Z             num        `json:"z"`
	ProbBBeatsA   num        `json:"prob_b_beats_a"`
	LossTreatment num        `json:"expected_loss_treatment"`
	LossControl   num        `json:"expected_loss_control"`
	SRM           srmJSON    `json:"srm"`
	Error         string     `json:"error,omitempty"`
}

func runCompare(o options, w io.Writer) error {
	if o.a == "" || o.b == "" {
		return fmt.Errorf("-a and -b go together (control and treatment counts)")
	}
	a, err := parseCounts("a", o.a)
	if err != nil {
		return err
	}
	b, err := parseCounts("b", o.b)
	if err != nil {
		return err
	}
	cfg := abtest.Config{Alpha: o.alpha}
	out := compareJSON{Mode: "compare", Alpha: o.alpha,
		Control:   armJSON{a.Trials, a.Successes, num(a.Mean())},
		Treatment: armJSON{b.Trials, b.Successes, num(b.Mean())}}
	z, zerr := abtest.ZTest(a, b, cfg)
	out.Absolute = effectJSON{num(z.Diff), num(z.Lower), num(z.Upper), num(z.PValue)}
	out.Z = num(z.Z)
	cfg.Relative = true
	rel, rerr := abtest.WelchTest(a, b, cfg)
	out.Relative = effectJSON{num(rel.Estimate), num(rel.Lower), num(rel.Upper), num(rel.PValue)}
	for _, e := range []error{zerr, rerr} {
		if e != nil && out.Error == "" {
			out.Error = e.Error()
		}
	}
	pb, err := abtest.ProbBBeatsA(a, b, abtest.BetaPrior{})
	if err != nil {
		return err
	}
	lt, lc, err := abtest.ExpectedLoss(a, b, abtest.BetaPrior{})
	if err != nil {
		return err
	}
	out.ProbBBeatsA, out.LossTreatment, out.LossControl = num(pb), num(lt), num(lc)
	planned := []float64{1, 1}
	if o.weights.byExp != nil {
		return errors.New("-a/-b: give -weights without an experiment name (e.g. -weights 90,10)")
	}
	if o.weights.all != nil {
		planned = o.weights.all
	}
	srm, err := abtest.SRM([]int64{a.Trials, b.Trials}, planned, abtest.SRMConfig{})
	if err != nil {
		return fmt.Errorf("-weights %s: %w", formatWeights(planned), err)
	}
	out.SRM = srmOf(srm)
	if o.json {
		return cli.WriteJSON(w, out)
	}
	level := 100 * (1 - o.alpha)
	tw := newTab(w)
	fmt.Fprintf(tw, "control\t%d/%d\t%.4f%%\n", a.Successes, a.Trials, 100*a.Mean())
	fmt.Fprintf(tw, "treatment\t%d/%d\t%.4f%%\n", b.Successes, b.Trials, 100*b.Mean())
	if zerr != nil {
		fmt.Fprintf(tw, "z-test\tundefined: %v\n", zerr)
	} else {
		fmt.Fprintf(tw, "difference\t%+.4f pp\t%.0f%% CI [%+.4f, %+.4f] pp (Wald)\n", 100*z.Diff, level, 100*z.Lower, 100*z.Upper)
		fmt.Fprintf(tw, "p-value\t%.4g\tpooled two-proportion z = %.3f\n", z.PValue, z.Z)
	}
	if rerr != nil {
		fmt.Fprintf(tw, "relative lift\tundefined: %v\n", rerr)
	} else {
		fmt.Fprintf(tw, "relative lift\t%s\t%.0f%% CI [%s, %s] (delta method)\n", pct(rel.Estimate), level, pct(rel.Lower), pct(rel.Upper))
	}
	fmt.Fprintf(tw, "P(B beats A)\t%.4f\texact, uniform prior\n", pb)
	fmt.Fprintf(tw, "expected loss\t%.3g if B is shipped\t%.3g if A is kept\n", lt, lc)
	fmt.Fprintf(tw, "SRM (%s)\t%s\n", splitName(planned), verdict(srm))
	if zerr == nil {
		sig := "not significant"
		if z.PValue < o.alpha {
			sig = "significant"
		}
		fmt.Fprintf(tw, "verdict\t%s at alpha %g\n", sig, o.alpha)
	}
	return tw.Flush()
}

// splitName labels a planned split as a percentage per arm ("50/50", "90/10").
func splitName(w []float64) string {
	var sum float64
	for _, v := range w {
		sum += v
	}
	parts := make([]string, len(w))
	for i, v := range w {
		parts[i] = strconv.FormatFloat(100*v/sum, 'g', 3, 64)
	}
	return strings.Join(parts, "/")
}
