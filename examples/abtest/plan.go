package main

import (
	"fmt"
	"io"
	"math"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/cli"
)

type planJSON struct {
	Mode               string  `json:"mode"`
	Alpha              float64 `json:"alpha"`
	Baseline           float64 `json:"baseline"`
	MDE                float64 `json:"mde"`
	TargetRate         float64 `json:"target_rate"`
	Power              float64 `json:"power"`
	Variants           int     `json:"variants"`
	AlphaPerComparison float64 `json:"alpha_per_comparison"`
	NPerArm            int64   `json:"n_per_arm"`
	NTotal             int64   `json:"n_total"`
}

func runPlan(o options, w io.Writer) error {
	if !(o.baseline > 0 && o.baseline < 1) {
		return fmt.Errorf("-baseline %v: %w: want a conversion rate in (0, 1)", o.baseline, abtest.ErrInvalidInput)
	}
	if !(o.mde > 0) && !(o.mde < 0) {
		return fmt.Errorf("-mde %v: %w: want a non-zero relative lift such as 0.05", o.mde, abtest.ErrInvalidInput)
	}
	if !(o.power > 0 && o.power < 1) {
		return fmt.Errorf("-power %v: %w", o.power, abtest.ErrInvalidPower)
	}
	if o.variants < 2 {
		return fmt.Errorf("-variants %d: %w: need 2 or more arms", o.variants, abtest.ErrInvalidInput)
	}
	target := o.baseline * (1 + o.mde)
	if !(target > 0 && target < 1) {
		return fmt.Errorf("-baseline %v -mde %v: %w: target rate %v outside (0, 1)", o.baseline, o.mde, abtest.ErrInvalidInput, target)
	}
	n, err := abtest.SampleSizeProportions(o.baseline, target, abtest.PlanConfig{Alpha: o.alpha, Power: o.power, Variants: o.variants})
	if err != nil {
		return err
	}
	perArm := int64(math.Ceil(n))
	out := planJSON{Mode: "plan", Alpha: o.alpha, Baseline: o.baseline, MDE: o.mde, TargetRate: target, Power: o.power,
		Variants: o.variants, AlphaPerComparison: o.alpha / float64(o.variants-1), NPerArm: perArm, NTotal: perArm * int64(o.variants)}
	if o.json {
		return cli.WriteJSON(w, out)
	}
	tw := newTab(w)
	fmt.Fprintf(tw, "baseline\t%.4g%%\n", 100*o.baseline)
	fmt.Fprintf(tw, "detect\t%s relative (to %.4g%%)\n", pct(o.mde), 100*target)
	fmt.Fprintf(tw, "power\t%g\n", o.power)
	fmt.Fprintf(tw, "alpha\t%g two-sided", o.alpha)
	if o.variants > 2 {
		fmt.Fprintf(tw, " (Bonferroni %.4g per comparison, %d treatment arms)", out.AlphaPerComparison, o.variants-1)
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "sample size\t%d per arm\t%d in total over %d arms\n", perArm, out.NTotal, o.variants)
	return tw.Flush()
}
