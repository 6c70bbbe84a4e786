// Command abtest reads out A/B experiments: one two-proportion comparison, a file of per-variant
// aggregates, or a sample-size plan.
//
// Usage:
//
//	abtest -a 120/1000 -b 140/1000          compare two conversion counts (control, treatment)
//	abtest -data results.csv                read out every experiment and metric in a file
//	abtest -plan -baseline 0.03 -mde 0.05   sample size per arm for a +5% relative lift on 3%
//	abtest                                  read out the synthetic shop's planted experiment
//
// Flags:
//
//	-a x/n        control: x conversions out of n units
//	-b x/n        treatment: x conversions out of n units
//	-data file    aggregates CSV (see below); "-" reads standard input
//	-plan         print the sample size per arm instead of analysing data
//	-baseline p   plan: the control's conversion rate, in (0, 1)
//	-mde r        plan: the minimum detectable effect as a RELATIVE lift (0.05 = +5%)
//	-power p      plan: target power, in (0, 1); default 0.8
//	-alpha a      significance level for every mode, in (0, 1); default 0.05
//	-variants k   plan: number of arms including the control; default 2. With k > 2 each of the
//	              k-1 comparisons is planned at the Bonferroni level alpha/(k-1)
//	-weights w    the planned traffic split the sample-ratio check tests against: "90,10" for
//	              -a/-b and every experiment of a file, "exp=90,10" for one experiment (repeat
//	              the flag for several); default equal weights. Weights need not sum to 1
//	-json         print machine-readable JSON instead of text
//
// Comparison (-a/-b): the difference in conversion rate with its Wald interval, the pooled
// two-proportion z-test p-value, the relative lift with its delta-method interval (Welch on the
// proportions, as gbstats), the exact Bayesian probability that B beats A with a uniform prior
// and the expected loss of each choice, and a sample-ratio-mismatch check against 50/50 (or
// -weights).
//
// Aggregates CSV (-data): a header row and one row per experiment, variant and metric with the
// columns experiment,variant,metric,units,sum,sum_squares (what a SQL GROUP BY gives), plus
// optionally den_sum,den_sum_squares,cross_sum for ratio metrics (for example AOV = revenue /
// orders per user: sum is the revenue, den_sum the orders, cross_sum the sum of revenue*orders)
// and pre_sum,pre_sum_squares,pre_cross_sum for CUPED (pre-period value x: sum of x, of x^2 and
// of x*y). The first variant of an experiment is the control. Rows repeating an experiment,
// variant and metric are added together (per-day or per-shard aggregates). For each experiment
// and metric the readout gives the absolute and relative effect with 95% (1 - alpha) intervals,
// the Welch p-value, the p-value Holm-adjusted across the experiment's metrics and variants, the
// chance to win (P(effect > 0), Gaussian model, flat prior) and the SRM verdict (chi-square on
// the first metric's units against the planned weights, equal unless -weights says otherwise;
// p < 0.001 flags a mismatch). An effect that
// cannot be computed (zero variance, a control mean of 0 for the relative effect) reads
// "undefined [k]" with the reason in note k below the table; the comparison is never dropped.
// A bad row stops the program with an error naming the experiment, variant, metric, line and
// field; a wrong header and a file without a data row are errors too (exit status 1).
//
// The modes (-a/-b, -data, -plan) are exclusive, and the planning flags need -plan: a flag
// that would be ignored is an error instead.
//
// JSON (-json). Every output is one object with "mode" ("compare", "data" or "plan") and
// "alpha". Numbers that do not exist (an infinite interval end) are null.
//
//	compare: control and treatment {n, successes, rate}; absolute {estimate, ci_lower,
//	  ci_upper, p_value} (p from the pooled z-test, interval Wald); relative {estimate,
//	  ci_lower, ci_upper, p_value} (delta method, Welch); z; prob_b_beats_a;
//	  expected_loss_treatment (E[max(pA - pB, 0)]); expected_loss_control; srm {chi2, p_value,
//	  checked, mismatch}; error (present when a statistic is undefined).
//	data: source (file name or "shopsim"); experiments: [{experiment, variants, units, srm
//	  {chi2, p_value, checked, mismatch}, metrics: [{metric, kind ("mean", "ratio", "cuped"),
//	  control_mean, comparisons: [{variant, treatment_mean, absolute {estimate, ci_lower,
//	  ci_upper, p_value}, relative {...}, adjusted_p_value, chance_to_win, error}]}]}].
//	plan: baseline, mde (relative), target_rate, power, variants, alpha_per_comparison,
//	  n_per_arm (rounded up), n_total.
//
// With no flags the program simulates the synthetic shop (internal/shopsim) and reads out its
// planted experiment "reco-widget": the treatment raises the probability that a checkout ends in
// an order by 10%. Metrics are per customer: conversion (ordered at all), revenue, orders per
// checkout (a ratio metric, where the lift is planted) and AOV (revenue per order, ratio).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/cli"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "abtest:", err)
		os.Exit(1)
	}
}

type options struct {
	a, b, data    string
	plan, json    bool
	baseline, mde float64
	power, alpha  float64
	variants      int
	weights       plannedWeights
}

// run is the whole program, separated from main so tests can run it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("abtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.a, "a", "", "control `x/n`: x conversions out of n units (with -b)")
	fs.StringVar(&o.b, "b", "", "treatment `x/n`: x conversions out of n units (with -a)")
	fs.StringVar(&o.data, "data", "", "aggregates CSV `file` (experiment,variant,metric,units,sum,sum_squares[,den_sum,den_sum_squares,cross_sum][,pre_sum,pre_sum_squares,pre_cross_sum]); - for stdin")
	fs.BoolVar(&o.plan, "plan", false, "print the sample size per arm (needs -baseline and -mde)")
	fs.Float64Var(&o.baseline, "baseline", 0, "plan: control conversion `rate` in (0, 1)")
	fs.Float64Var(&o.mde, "mde", 0, "plan: minimum detectable effect as a relative `lift` (0.05 = +5%)")
	fs.Float64Var(&o.power, "power", 0.8, "plan: target `power` in (0, 1)")
	fs.Float64Var(&o.alpha, "alpha", 0.05, "significance `level` in (0, 1), all modes")
	fs.IntVar(&o.variants, "variants", 2, "plan: number of `arms` including the control (Bonferroni alpha/(k-1) when k > 2)")
	fs.Var(&o.weights, "weights", "planned traffic `split` for the SRM check: 90,10 for every experiment, or exp=90,10 for one (repeat the flag); default equal")
	fs.BoolVar(&o.json, "json", false, "print JSON (fields documented in the package doc: go doc ./examples/abtest)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage:
  abtest -a 120/1000 -b 140/1000        compare two conversion counts
  abtest -data results.csv              read out an aggregates file
  abtest -plan -baseline 0.03 -mde 0.05 sample size per arm
  abtest                                read out the synthetic shop's planted experiment
flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if !(o.alpha > 0 && o.alpha < 1) {
		return fmt.Errorf("-alpha %v: %w", o.alpha, abtest.ErrInvalidAlpha)
	}
	if err := checkModes(fs); err != nil {
		return err
	}
	switch {
	case o.plan:
		return runPlan(o, stdout)
	case o.a != "" || o.b != "":
		return runCompare(o, stdout)
	case o.data != "":
		in, closeIn, err := cli.Open(o.data, stdin)
		if err != nil {
			return err
		}
		defer closeIn()
		rows, err := readRows(in, o.data, stderr)
		if err != nil {
			return err
		}
		return runData(ctx, o, o.data, rows, stdout)
	}
	rows, title := shopRows()
	if !o.json {
		fmt.Fprintln(stdout, title)
	}
	return runData(ctx, o, "shopsim", rows, stdout)
}

// checkModes refuses flags of two modes at once and planning flags without -plan: a flag
// that would be silently ignored gives a readout the user did not ask for.
func checkModes(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var modes []string
	for _, m := range []struct{ name, flags string }{{"-plan", "plan"}, {"-a/-b", "a b"}, {"-data", "data"}} {
		for _, f := range strings.Fields(m.flags) {
			if set[f] {
				modes = append(modes, m.name)
				break
			}
		}
	}
	if len(modes) > 1 {
		return fmt.Errorf("%s are different modes: give one (see -h)", strings.Join(modes, " and "))
	}
	if !set["plan"] {
		for _, f := range []string{"baseline", "mde", "power", "variants"} {
			if set[f] {
				return fmt.Errorf("-%s only applies to -plan (see -h)", f)
			}
		}
	} else if set["weights"] {
		return errors.New("-weights (the SRM check's planned split) does not apply to -plan")
	}
	return nil
}

// readRows reads every row, stopping at the first bad one (abtest.StopAtBad): a readout never
// drops data. The error, a wrong header and a file without a data row are reported the one way
// every example program reports its input (cli.CheckRead).
func readRows(r io.Reader, name string, stderr io.Writer) ([]abtest.Row, error) {
	var rep abtest.ReadReport
	rows := slices.Collect(abtest.StopAtBad(abtest.ReadAggregates(r), &rep))
	if err := cli.CheckRead(stderr, name, &rep); err != nil {
		return nil, err
	}
	return rows, nil
}

// num is a float64 that encodes as null when it is not finite (JSON has no infinities).
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

type effectJSON struct {
	Estimate num `json:"estimate"`
	Lower    num `json:"ci_lower"`
	Upper    num `json:"ci_upper"`
	PValue   num `json:"p_value"`
}

type srmJSON struct {
	ChiSquare num  `json:"chi2"`
	PValue    num  `json:"p_value"`
	Checked   bool `json:"checked"`
	Mismatch  bool `json:"mismatch"`
}

func srmOf(s abtest.SRMResult) srmJSON {
	return srmJSON{num(s.ChiSquare), num(s.PValue), s.Checked, s.Mismatch}
}

func verdict(s abtest.SRMResult) string {
	switch {
	case !s.Checked:
		return fmt.Sprintf("not checked (too few units), p = %.3g", s.PValue)
	case s.Mismatch:
		return fmt.Sprintf("MISMATCH, p = %.3g: do not trust this experiment's results", s.PValue)
	}
	return fmt.Sprintf("ok, p = %.3g", s.PValue)
}

func pct(x float64) string { return fmt.Sprintf("%+.2f%%", 100*x) }

func newTab(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) }

func parseCounts(flagName, s string) (abtest.Rate, error) {
	x, n, ok := strings.Cut(s, "/")
	if !ok {
		return abtest.Rate{}, fmt.Errorf("-%s %q: want successes/trials such as 120/1000", flagName, s)
	}
	xs, err1 := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	ns, err2 := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
	if err1 != nil || err2 != nil {
		return abtest.Rate{}, fmt.Errorf("-%s %q: successes and trials must be integers", flagName, s)
	}
	p := abtest.Rate{Successes: xs, Trials: ns}
	if err := p.Validate(); err != nil {
		return abtest.Rate{}, fmt.Errorf("-%s %q: %w: %w", flagName, s, abtest.ErrInvalidInput, err)
	}
	if ns == 0 {
		return abtest.Rate{}, fmt.Errorf("-%s %q: %w: no trials", flagName, s, abtest.ErrTooFewUnits)
	}
	return p, nil
}
