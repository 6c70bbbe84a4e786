package abtest

import (
	"context"
	"fmt"
	"iter"
)

// ReadoutConfig configures Analyze. The zero value reads every experiment at alpha 0.05,
// two-sided, Holm-adjusts p-values across each experiment's metrics and variants, and checks
// SRM against equal planned weights with the SRMConfig defaults.
type ReadoutConfig struct {
	// Alpha is the significance level of the tests and intervals. Default (0) 0.05.
	Alpha float64
	// Alternative is the alternative hypothesis of every comparison. Default TwoSided.
	Alternative Alternative
	// Correction adjusts the p-values of an experiment across its metrics x treatment
	// variants. Default (zero value) Holm.
	Correction Correction
	// PlannedWeights maps an experiment to its planned traffic weights, one per variant in
	// order of first appearance. Missing experiments are planned equal.
	PlannedWeights map[string][]float64
	// SRM configures the sample-ratio-mismatch check.
	SRM SRMConfig
	// Progress, if not nil, is called with (experiments done, total) after each experiment.
	// Default nil: no calls.
	Progress func(done, total int)
}

// Readout is the analysis of every experiment in the input, in order of first appearance.
type Readout struct {
	Experiments []ExperimentReadout `json:"experiments"`
}

// ExperimentReadout is one experiment: its variants (the first is the control), the SRM
// check on the units of its first metric, and one MetricReadout per metric.
type ExperimentReadout struct {
	Experiment string   `json:"experiment"`
	Variants   []string `json:"variants"`
	// Units per variant, from the experiment's first metric (units are randomization units,
	// the same for every metric).
	Units []int64 `json:"units"`
	// SRM is the sample-ratio check; units in a variant planned at weight 0 show as a
	// mismatch (Checked and Mismatch true, p-value 0).
	SRM     SRMResult       `json:"srm"`
	Metrics []MetricReadout `json:"metrics"`
}

// MetricReadout is one metric of an experiment.
type MetricReadout struct {
	Metric string `json:"metric"`
	// Kind is "mean", "ratio" or "cuped".
	Kind string `json:"kind"`
	// ControlMean is the control's mean (the ratio of means for a ratio metric; unadjusted
	// for CUPED).
	ControlMean float64 `json:"control_mean"`
	// Comparisons holds one entry per treatment variant, in variant order.
	Comparisons []Comparison `json:"comparisons"`
}

// Comparison is one treatment variant against the control on one metric.
type Comparison struct {
	Variant       string  `json:"variant"`
	TreatmentMean float64 `json:"treatment_mean"`
	// Absolute and Relative are Welch tests (CUPED-adjusted for a CUPED metric).
	Absolute Effect `json:"absolute"`
	Relative Effect `json:"relative"`
	// AdjustedPValue is Absolute.PValue adjusted across the experiment's comparisons.
	AdjustedPValue float64 `json:"adjusted_p_value"`
	// ChanceToWin is P(effect > 0) under gbstats' Gaussian model with a flat prior.
	ChanceToWin float64 `json:"chance_to_win"`
	// Err says why a comparison has default numbers (for example ErrZeroVariance or
	// ErrZeroBaseline); nil when all numbers are computed. A readout never drops a comparison.
	Err error `json:"error"`
}

// Analyze turns aggregate rows into a readout. Rows with the same experiment, variant and
// metric are merged (per-shard or per-day aggregates add up). The first variant of an
// experiment to appear is its control. Every metric must have a row for every variant of its
// experiment, and rows of one metric must agree on being a ratio or CUPED metric; otherwise
// the error names the experiment, metric and variant. A comparison that cannot be computed
// (zero variance, zero baseline) stays in the readout with its Err set.
//
// rows is a stream (CONVENTIONS.md, "Streams"): a host passes its query's rows straight in, a
// slice through slices.Values, or a file as SkipBad(ReadAggregates(f), &rep). Analyze reads it
// once, holding one merged row per experiment, metric and variant, and honours ctx while
// reading (every 4096 rows) and between experiments. A row with an empty experiment, variant
// or metric is an error naming its 0-based position in the stream.
func Analyze(ctx context.Context, rows iter.Seq[Row], cfg ReadoutConfig) (Readout, error) {
	alpha, err := checkAlpha(cfg.Alpha)
	if err != nil {
		return Readout{}, err
	}
	if err := checkAlternative(cfg.Alternative); err != nil {
		return Readout{}, err
	}
	exps, err := groupRows(ctx, rows)
	if err != nil {
		return Readout{}, err
	}
	out := Readout{Experiments: make([]ExperimentReadout, 0, len(exps))}
	for done, e := range exps {
		if err := ctx.Err(); err != nil {
			return Readout{}, err
		}
		er, err := e.readout(Config{Alpha: alpha, Alternative: cfg.Alternative}, cfg)
		if err != nil {
			return Readout{}, err
		}
		out.Experiments = append(out.Experiments, er)
		if cfg.Progress != nil {
			cfg.Progress(done+1, len(exps))
		}
	}
	return out, nil
}

// experimentRows are one experiment's rows, merged per metric and variant.
type experimentRows struct {
	name     string
	variants []string // in order of first appearance; the first is the control
	metrics  []string // in order of first appearance
	byMetric [][]Row  // per metric index, one merged row per variant index (Variant "" = none yet)
	// vindex and mindex map names to indexes once an experiment has more than smallNames
	// variants or metrics; below that a linear scan is faster than hashing and allocates
	// nothing (Analyze reads out thousands of experiments of a few metrics each).
	vindex, mindex map[string]int
}

// smallNames is how many variants or metrics an experiment looks up by linear scan.
const smallNames = 16

// lookup returns the index of name in names (through index once it exists), or -1.
func lookup(names []string, index map[string]int, name string) int {
	if index != nil {
		if i, ok := index[name]; ok {
			return i
		}
		return -1
	}
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// add appends name to names and keeps the index map, built when names outgrows smallNames.
func add(names []string, index map[string]int, name string) ([]string, map[string]int) {
	names = append(names, name)
	if index == nil && len(names) > smallNames {
		index = make(map[string]int, 2*len(names))
		for i, n := range names {
			index[n] = i
		}
	} else if index != nil {
		index[name] = len(names) - 1
	}
	return names, index
}

// groupRows merges rows by experiment, metric and variant, keeping the order of first
// appearance of each.
func groupRows(ctx context.Context, rows iter.Seq[Row]) ([]*experimentRows, error) {
	index := map[string]*experimentRows{}
	var exps []*experimentRows
	var last *experimentRows
	var slab []Row
	i := -1
	for r := range rows {
		i++
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if r.Experiment == "" || r.Variant == "" || r.Metric == "" {
			return nil, fmt.Errorf("%w: row %d (experiment %q variant %q metric %q): empty name", ErrInvalidInput, i, r.Experiment, r.Variant, r.Metric)
		}
		e := last
		if e == nil || e.name != r.Experiment { // rows usually come grouped by experiment
			e = index[r.Experiment]
			if e == nil {
				// Room for the usual shape (two variants, a handful of metrics) up front.
				e = &experimentRows{name: r.Experiment, variants: make([]string, 0, 2),
					metrics: make([]string, 0, 8), byMetric: make([][]Row, 0, 8)}
				index[r.Experiment] = e
				exps = append(exps, e)
			}
			last = e
		}
		v := lookup(e.variants, e.vindex, r.Variant)
		if v < 0 {
			v = len(e.variants)
			e.variants, e.vindex = add(e.variants, e.vindex, r.Variant)
		}
		m := lookup(e.metrics, e.mindex, r.Metric)
		if m < 0 {
			m = len(e.metrics)
			e.metrics, e.mindex = add(e.metrics, e.mindex, r.Metric)
			// Two variants' rows per metric from a shared slab (a third reallocates on its own:
			// the capacity is capped at 2).
			if len(slab)+2 > cap(slab) {
				slab = make([]Row, 0, 2048)
			}
			slab = slab[:len(slab)+2]
			e.byMetric = append(e.byMetric, slab[len(slab)-2:len(slab)-2:len(slab)])
		}
		vs := e.byMetric[m]
		for len(vs) <= v {
			vs = append(vs, Row{})
		}
		if prev := vs[v]; prev.Variant == "" {
			vs[v] = r
		} else {
			if prev.Ratio != r.Ratio || prev.CUPED != r.CUPED {
				return nil, fmt.Errorf("abtest: experiment %q variant %q metric %q: rows disagree on ratio/CUPED columns", r.Experiment, r.Variant, r.Metric)
			}
			vs[v] = mergeRows(prev, r)
		}
		e.byMetric[m] = vs
	}
	return exps, nil
}

// readout analyses every metric of one experiment, adjusts its p-values across metrics and
// variants, and checks SRM on the units of its first metric.
func (e *experimentRows) readout(test Config, cfg ReadoutConfig) (ExperimentReadout, error) {
	er := ExperimentReadout{Experiment: e.name, Variants: e.variants, Units: make([]int64, 0, len(e.variants)),
		Metrics: make([]MetricReadout, 0, len(e.metrics))}
	ps := make([]float64, 0, len(e.metrics)*(len(e.variants)-1))
	for mi, metric := range e.metrics {
		vs := e.byMetric[mi]
		for v, variant := range e.variants {
			if v >= len(vs) || vs[v].Variant == "" {
				return er, fmt.Errorf("abtest: experiment %q variant %q metric %q: no row for this variant", e.name, variant, metric)
			}
			if vs[v].Ratio != vs[0].Ratio || vs[v].CUPED != vs[0].CUPED {
				return er, fmt.Errorf("abtest: experiment %q variant %q metric %q: ratio/CUPED columns differ from the control's", e.name, variant, metric)
			}
		}
		if mi == 0 {
			for _, r := range vs {
				er.Units = append(er.Units, r.Units)
			}
		}
		mr, err := analyzeMetric(e.name, metric, e.variants, vs, test)
		if err != nil {
			return er, err
		}
		for _, c := range mr.Comparisons {
			ps = append(ps, c.Absolute.PValue)
		}
		er.Metrics = append(er.Metrics, mr)
	}
	adj, err := Adjust(ps, cfg.Correction)
	if err != nil {
		return er, fmt.Errorf("%w (experiment %q)", err, e.name)
	}
	i := 0
	for m := range er.Metrics {
		for c := range er.Metrics[m].Comparisons {
			er.Metrics[m].Comparisons[c].AdjustedPValue = adj[i]
			i++
		}
	}
	er.SRM = SRMResult{PValue: 1}
	if len(e.variants) >= 2 {
		w := cfg.PlannedWeights[e.name]
		if w == nil {
			w = make([]float64, len(e.variants))
			for i := range w {
				w[i] = 1
			}
		}
		// Units in an arm planned at weight 0 are the readout's finding (a certain mismatch),
		// not a failure of the readout.
		if er.SRM, err = SRM(er.Units, w, cfg.SRM); err != nil && !errorsIs(err, ErrUnplannedUnits) {
			return er, fmt.Errorf("%w (experiment %q, planned weights)", err, e.name)
		}
	}
	return er, nil
}

func mergeRows(a, b Row) Row {
	a.Units += b.Units
	a.Sum += b.Sum
	a.SumSquares += b.SumSquares
	a.DenSum += b.DenSum
	a.DenSumSquares += b.DenSumSquares
	a.CrossSum += b.CrossSum
	a.PreSum += b.PreSum
	a.PreSumSquares += b.PreSumSquares
	a.PreCrossSum += b.PreCrossSum
	return a
}

// analyzeMetric compares every treatment variant of one metric with the control.
func analyzeMetric(exp, metric string, variants []string, vs []Row, cfg Config) (MetricReadout, error) {
	ctl := vs[0]
	mr := MetricReadout{Metric: metric, Kind: "mean"}
	if len(vs) > 1 {
		mr.Comparisons = make([]Comparison, 0, len(vs)-1) // nil without treatments, as before
	}
	var ctlArm Arm = ctl.Moments()
	switch {
	case ctl.Ratio:
		mr.Kind = "ratio"
		ctlArm = ctl.RatioMoments()
	case ctl.CUPED:
		mr.Kind = "cuped"
	}
	mr.ControlMean = finiteOr0(ctlArm.Mean())
	for v := 1; v < len(vs); v++ {
		r := vs[v]
		var c Comparison
		var err error
		if ctl.CUPED {
			c, err = CompareCUPED(ctl.CUPEDMoments(), r.CUPEDMoments(), cfg)
		} else {
			var trtArm Arm = r.Moments()
			if ctl.Ratio {
				trtArm = r.RatioMoments()
			}
			c, err = Compare(ctlArm, trtArm, cfg)
		}
		c.Variant = variants[v]
		if err != nil && !isDataCondition(err) {
			return mr, fmt.Errorf("%w (experiment %q variant %q metric %q)", err, exp, variants[v], metric)
		}
		mr.Comparisons = append(mr.Comparisons, c)
	}
	return mr, nil
}

// Compare is the readout of one treatment against its control on one metric: Welch tests of
// the absolute and the relative effect (delta method), and the chance to win P(effect > 0)
// under gbstats' Gaussian model with a flat prior, Phi(est/se). AdjustedPValue is the raw
// absolute p-value (Analyze adjusts it across an experiment). When a number cannot be
// computed (ErrZeroVariance, ErrZeroBaseline, ErrTooFewUnits, ErrZeroDenominator) the
// comparison keeps the default numbers of WelchTest, chance to win 0.5, and Err; the same
// error is returned. Invalid input (for example alpha outside (0, 1)) is returned as an error
// with an empty comparison.
func Compare(control, treatment Arm, cfg Config) (Comparison, error) {
	c := Comparison{TreatmentMean: finiteOr0(treatment.Mean()), Absolute: defaultEffect(), Relative: defaultEffect()}
	w, err := newWelch(control, treatment, cfg)
	if err != nil {
		return finishComparison(c, err, err)
	}
	// Both effects share the degrees of freedom and so the t quantile.
	q := tQuantile(w.alpha, w.df, cfg.Alternative)
	var errAbs error
	c.Absolute, errAbs = w.absolute(q)
	c.Relative, err = w.relative(q)
	return finishComparison(c, errAbs, err)
}

// CompareCUPED is Compare with CUPED-adjusted effects (see CUPEDTest). TreatmentMean is the
// unadjusted post-period mean.
func CompareCUPED(control, treatment CUPEDMoments, cfg Config) (Comparison, error) {
	c := Comparison{TreatmentMean: finiteOr0(treatment.PostMoments().Mean())}
	cfg.Relative = false
	ra, errAbs := CUPEDTest(control, treatment, cfg)
	cfg.Relative = true
	rr, errRel := CUPEDTest(control, treatment, cfg)
	c.Absolute, c.Relative = ra.Effect, rr.Effect
	return finishComparison(c, errAbs, errRel)
}

func finishComparison(c Comparison, errAbs, errRel error) (Comparison, error) {
	c.ChanceToWin = 0.5
	c.AdjustedPValue = c.Absolute.PValue
	if errAbs == nil {
		c.ChanceToWin = normCDF(c.Absolute.Estimate / c.Absolute.SE)
	}
	c.Err = errAbs
	if c.Err == nil {
		c.Err = errRel
	}
	if c.Err != nil && !isDataCondition(c.Err) {
		return Comparison{}, c.Err
	}
	return c, c.Err
}

func finiteOr0(x float64) float64 {
	if finite(x) {
		return x
	}
	return 0
}

// isDataCondition reports errors that describe the data rather than invalid input: a readout
// keeps such comparisons with default numbers.
func isDataCondition(err error) bool {
	for _, s := range []error{ErrZeroVariance, ErrZeroBaseline, ErrTooFewUnits, ErrZeroDenominator, ErrOverflow} {
		if errorsIs(err, s) {
			return true
		}
	}
	return false
}
