package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/cli"
)

type comparisonJSON struct {
	Variant        string     `json:"variant"`
	TreatmentMean  num        `json:"treatment_mean"`
	Absolute       effectJSON `json:"absolute"`
	Relative       effectJSON `json:"relative"`
	AdjustedPValue num        `json:"adjusted_p_value"`
	ChanceToWin    num        `json:"chance_to_win"`
	Error          string     `json:"error,omitempty"`
}

type metricJSON struct {
	Metric      string           `json:"metric"`
	Kind        string           `json:"kind"`
	ControlMean num              `json:"control_mean"`
	Comparisons []comparisonJSON `json:"comparisons"`
}

type experimentJSON struct {
	Experiment string       `json:"experiment"`
	Variants   []string     `json:"variants"`
	Units      []int64      `json:"units"`
	SRM        srmJSON      `json:"srm"`
	Metrics    []metricJSON `json:"metrics"`
}

type dataJSON struct {
	Mode        string           `json:"mode"`
	Alpha       float64          `json:"alpha"`
	Source      string           `json:"source"`
	Experiments []experimentJSON `json:"experiments"`
}

func effectOf(e abtest.Effect) effectJSON {
	return effectJSON{num(e.Estimate), num(e.Lower), num(e.Upper), num(e.PValue)}
}

func runData(ctx context.Context, o options, source string, rows []abtest.Row, w io.Writer) error {
	var names []string
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Experiment] {
			seen[r.Experiment] = true
			names = append(names, r.Experiment)
		}
	}
	for e := range o.weights.byExp {
		if !seen[e] {
			return fmt.Errorf("-weights %s=...: no experiment %q in %s (have %s)", e, e, source, strings.Join(names, ", "))
		}
	}
	planned := o.weights.forExperiments(names)
	ro, err := abtest.Analyze(ctx, slices.Values(rows), abtest.ReadoutConfig{Alpha: o.alpha, PlannedWeights: planned})
	if err != nil {
		return err
	}
	if o.json {
		return cli.WriteJSON(w, dataJSONOf(ro, o.alpha, source))
	}
	return writeDataText(w, ro, planned, o.alpha)
}

// dataJSONOf is the -json form of a readout (documented in the package doc).
func dataJSONOf(ro abtest.Readout, alpha float64, source string) dataJSON {
	out := dataJSON{Mode: "data", Alpha: alpha, Source: source, Experiments: []experimentJSON{}}
	for _, e := range ro.Experiments {
		ej := experimentJSON{Experiment: e.Experiment, Variants: e.Variants, Units: e.Units, SRM: srmOf(e.SRM), Metrics: []metricJSON{}}
		for _, m := range e.Metrics {
			mj := metricJSON{Metric: m.Metric, Kind: m.Kind, ControlMean: num(m.ControlMean), Comparisons: []comparisonJSON{}}
			for _, c := range m.Comparisons {
				cj := comparisonJSON{Variant: c.Variant, TreatmentMean: num(c.TreatmentMean), Absolute: effectOf(c.Absolute),
					Relative: effectOf(c.Relative), AdjustedPValue: num(c.AdjustedPValue), ChanceToWin: num(c.ChanceToWin)}
				if c.Err != nil {
					cj.Error = c.Err.Error()
				}
				mj.Comparisons = append(mj.Comparisons, cj)
			}
			ej.Metrics = append(ej.Metrics, mj)
		}
		out.Experiments = append(out.Experiments, ej)
	}
	return out
}

// writeDataText prints one table per experiment; planned holds the -weights of each
// experiment that has them.
func writeDataText(w io.Writer, ro abtest.Readout, planned map[string][]float64, alpha float64) error {
	level := 100 * (1 - alpha)
	for i, e := range ro.Experiments {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "experiment %s: variants %s (the first is the control), units %v\n", e.Experiment, strings.Join(e.Variants, ", "), e.Units)
		if len(e.Variants) < 2 {
			fmt.Fprintln(w, "  only a control variant: nothing to compare")
			continue
		}
		split := "equal split"
		if pw, ok := planned[e.Experiment]; ok {
			split = "planned " + splitName(pw)
		}
		fmt.Fprintf(w, "  SRM (%s): %s\n", split, verdict(e.SRM))
		tw := newTab(w)
		var notes []string
		fmt.Fprintf(tw, "  metric\tvariant\tcontrol\ttreatment\tabs effect [%.0f%% CI]\trel effect [%.0f%% CI]\tp\tp adj (Holm)\tchance to win\n", level, level)
		for _, m := range e.Metrics {
			for _, c := range m.Comparisons {
				name := m.Metric
				if m.Kind != "mean" {
					name += " (" + m.Kind + ")"
				}
				abs := fmt.Sprintf("%+.4g [%+.4g, %+.4g]", c.Absolute.Estimate, c.Absolute.Lower, c.Absolute.Upper)
				rel := fmt.Sprintf("%s [%s, %s]", pct(c.Relative.Estimate), pct(c.Relative.Lower), pct(c.Relative.Upper))
				if c.Err != nil {
					// The reason goes below the table, where a long message does not stretch the
					// columns. An effect that was computed (SE > 0) is still shown: a zero
					// baseline leaves the absolute effect defined.
					notes = append(notes, fmt.Sprintf("  [%d] %s, %s: %v", len(notes)+1, name, c.Variant, c.Err))
					undef := fmt.Sprintf("undefined [%d]", len(notes))
					if !(c.Absolute.SE > 0) {
						abs = undef
					}
					if !(c.Relative.SE > 0) {
						rel = undef
					}
				}
				fmt.Fprintf(tw, "  %s\t%s\t%.4g\t%.4g\t%s\t%s\t%.3g\t%.3g\t%.1f%%\n", name, c.Variant,
					m.ControlMean, c.TreatmentMean, abs, rel, c.Absolute.PValue, c.AdjustedPValue, 100*c.ChanceToWin)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	return nil
}
