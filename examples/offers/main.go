// Command offers reads out the uplift of an offer, a campaign or any randomised test: the
// treated against the control (a holdout), per arm, per segment and per outcome, with the
// two-sided Welch t interval.
//
// Usage:
//
//	offers -uplift FILE -treatment COLUMN -control LABEL -outcomes COL,COL,... [-by COLUMN] [-json]
//	offers                     read out the synthetic shop's planted experiment
//
// For example, on the Hillstrom e-mail test (64,000 customers, men's e-mail, women's e-mail or
// none):
//
//	offers -uplift ../shared/data/hillstrom/hillstrom.csv -treatment segment -control "No E-Mail" \
//	    -outcomes visit,conversion,spend -by history_segment -json
//
// Flags:
//
//	-uplift file      a CSV with a header row (RFC 4180: fields with commas or quotes are quoted);
//	                  "-" reads standard input
//	-treatment col    the column that names each unit's arm
//	-control label    the arm the others are compared with; every other value of the
//	                  treatment column is a treated arm
//	-outcomes cols    comma-separated numeric outcome columns (a conversion as 0/1, a revenue)
//	-by col           optional segment column: rows for each of its values as written in the
//	                  file, besides the "all" rows for everyone
//	-alpha a          significance level in (0, 1); intervals have level 1 - a. Default 0.05
//	-json             print one JSON object instead of a table
//
// Output: a row per treated arm x segment x outcome (arms and segments in byte order, "all"
// first, outcomes in the order given) with treatment, segment, outcome, n_treated, n_control,
// mean_treated, mean_control, uplift (mean_treated - mean_control) and lower, upper: the
// two-sided 1 - alpha Welch t interval of the uplift (sample variances with n - 1,
// Welch-Satterthwaite degrees of freedom), and p_value and df of the test. With -json the
// output is {"source", "control", "alpha", "bad_rows", "rows": [...]}; a number that does not
// exist (an arm without units in a segment, an interval when an arm has fewer than 2 units or
// a constant outcome) is null, and "error" says why.
//
// Bad rows (a wrong number of fields, an empty arm or segment, an outcome that is not a finite
// number or beyond 1e15, a broken quote, a line over 1 MiB) are skipped and reported on
// standard error with their line and field; reading goes on at the next line. An empty file, a
// header without the named columns, a file without a single good row and a control label that
// no row has are errors (exit status 1).
//
// With no flags the program simulates the synthetic shop (internal/shopsim) and reads out its
// planted experiment "reco-widget" (the treatment raises the chance that a checkout ends in an
// order by 10%): outcomes converted (the customer ordered at all) and revenue per customer,
// by acquisition channel.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/textio"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "offers:", err)
		os.Exit(1)
	}
}

type options struct {
	file, treatment, control, outcomes, by string
	alpha                                  float64
	json                                   bool
}

// run is the whole program, separated from main so tests can run it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("offers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.file, "uplift", "", "read out the uplift in a CSV `file` with a header row; - for stdin")
	fs.StringVar(&o.treatment, "treatment", "", "the `column` naming each unit's arm (with -uplift)")
	fs.StringVar(&o.control, "control", "", "the control arm's `label` in the treatment column; every other value is a treated arm")
	fs.StringVar(&o.outcomes, "outcomes", "", "comma-separated numeric outcome `columns`, e.g. visit,conversion,spend")
	fs.StringVar(&o.by, "by", "", "optional segment `column`: rows per value as written, besides \"all\"")
	fs.Float64Var(&o.alpha, "alpha", 0.05, "significance `level` in (0, 1); intervals at 1 - alpha")
	fs.BoolVar(&o.json, "json", false, `print one JSON object {"rows": [...]} instead of a table`)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage:
  offers -uplift FILE -treatment COLUMN -control LABEL -outcomes COL,COL,... [-by COLUMN] [-json]
  offers        read out the synthetic shop's planted experiment
Each row: treated arm x segment x outcome with n_treated, n_control, mean_treated, mean_control,
uplift (treated - control) and lower, upper (two-sided Welch t interval). See go doc ./examples/offers.
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
	if o.file == "" {
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || (f.Name != "json" && f.Name != "alpha") })
		if set {
			return errors.New("-treatment, -control, -outcomes and -by need -uplift FILE (see -h)")
		}
		ro, err := shopReadout(o.alpha)
		if err != nil {
			return err
		}
		return write(stdout, o, "shopsim", ro, 0, "synthetic shop (internal/shopsim): planted experiment reco-widget, treatment vs control, by acquisition channel")
	}
	if o.treatment == "" || o.control == "" || o.outcomes == "" {
		return errors.New("-uplift needs -treatment, -control and -outcomes (see -h)")
	}
	outcomes := strings.Split(o.outcomes, ",")
	u, err := abtest.NewUplift(abtest.UpliftConfig{Control: o.control, Outcomes: outcomes, Alpha: o.alpha})
	if err != nil {
		return err
	}
	in, closeIn, err := cli.Open(o.file, stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	var rep abtest.ReadReport
	for obs := range abtest.SkipBad(readUnits(in, o.treatment, o.by, outcomes), &rep) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := u.Add(obs.UpliftObservation); err != nil {
			return fmt.Errorf("%s: line %d: %w", o.file, obs.line, err)
		}
	}
	if err := cli.CheckRead(stderr, o.file, &rep); err != nil {
		return err
	}
	ro, err := u.Readout()
	if err != nil {
		return fmt.Errorf("%s: %w", o.file, err)
	}
	return write(stdout, o, o.file, ro, rep.Bad, "")
}

// unit is one good row: the observation and the line it came from.
type unit struct {
	abtest.UpliftObservation
	line int
}

// readUnits reads the CSV as the module's readers do: (unit, nil) for a good row, (zero,
// *RowError) for a bad one and on with the next line; an empty input or a header without the
// named columns ends the sequence with an error wrapping textio.ErrHeader.
func readUnits(r io.Reader, treatment, by string, outcomes []string) iter.Seq2[unit, error] {
	return func(yield func(unit, error) bool) {
		header := true
		var width, armCol, byCol int
		var outCols []int
		for rec, err := range textio.CSV(r) {
			if err != nil {
				if header {
					var re *textio.RowError
					if errors.As(err, &re) {
						err = fmt.Errorf("%w: line %d: %v", textio.ErrHeader, re.Line, re.Err)
					}
					yield(unit{}, err)
					return
				}
				if !yield(unit{}, err) {
					return
				}
				continue
			}
			if header {
				header = false
				names := make([]string, len(rec.Fields))
				for i, f := range rec.Fields {
					names[i] = strings.TrimSpace(f)
				}
				width = len(names)
				col := func(name, flag string) (int, error) {
					i := slices.Index(names, name)
					if i < 0 {
						return 0, fmt.Errorf("%w: no column %q (-%s) in the header %q", textio.ErrHeader, name, flag, strings.Join(names, ","))
					}
					return i, nil
				}
				var err error
				if armCol, err = col(treatment, "treatment"); err != nil {
					yield(unit{}, err)
					return
				}
				byCol = -1
				if by != "" {
					if byCol, err = col(by, "by"); err != nil {
						yield(unit{}, err)
						return
					}
				}
				for _, name := range outcomes {
					i, err := col(name, "outcomes")
					if err != nil {
						yield(unit{}, err)
						return
					}
					outCols = append(outCols, i)
				}
				continue
			}
			u, err := parseUnit(rec, width, armCol, byCol, outCols, treatment, by, outcomes)
			if !yield(u, err) {
				return
			}
		}
		if header {
			yield(unit{}, fmt.Errorf("%w: the input is empty (no header row)", textio.ErrHeader))
		}
	}
}

func parseUnit(rec textio.Record, width, armCol, byCol int, outCols []int, treatment, by string, outcomes []string) (unit, error) {
	f := rec.Fields
	if len(f) != width {
		return unit{}, textio.NewRowError(rec.Line, "", "", fmt.Errorf("%w: %d fields, header has %d", textio.ErrColumns, len(f), width))
	}
	u := unit{line: rec.Line}
	u.Arm = f[armCol]
	if strings.TrimSpace(u.Arm) == "" {
		return unit{}, textio.NewRowError(rec.Line, treatment, u.Arm, textio.ErrMissing)
	}
	if byCol >= 0 {
		u.Segment = f[byCol]
		if strings.TrimSpace(u.Segment) == "" {
			return unit{}, textio.NewRowError(rec.Line, by, u.Segment, textio.ErrMissing)
		}
		if u.Segment == abtest.AllSegment {
			return unit{}, textio.NewRowError(rec.Line, by, u.Segment, fmt.Errorf("%w: %q is the name of the rows for everyone", abtest.ErrInvalidInput, abtest.AllSegment))
		}
	}
	u.Values = make([]float64, len(outCols))
	for i, c := range outCols {
		v, err := textio.FloatIn(rec.Line, outcomes[i], f[c], textio.MaxMagnitude)
		if err != nil {
			return unit{}, err
		}
		u.Values[i] = v
	}
	u.Arm = strings.Clone(u.Arm) // rec.Fields is reused by the next record
	u.Segment = strings.Clone(u.Segment)
	return u, nil
}

// output is the JSON object the program prints.
type output struct {
	Source  string             `json:"source"`
	Control string             `json:"control"`
	Alpha   float64            `json:"alpha"`
	BadRows int                `json:"bad_rows"`
	Rows    []abtest.UpliftRow `json:"rows"`
}

func write(w io.Writer, o options, source string, ro abtest.UpliftReadout, bad int, title string) error {
	if o.json {
		return cli.WriteJSON(w, output{Source: source, Control: ro.Control, Alpha: ro.Alpha, BadRows: bad, Rows: ro.Rows})
	}
	if title != "" {
		fmt.Fprintln(w, title)
	}
	fmt.Fprintf(w, "control: %s; uplift = mean treated - mean control, %g%% Welch t interval\n\n", ro.Control, 100*(1-ro.Alpha))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "treatment\tsegment\toutcome\tn treated\tn control\tmean treated\tmean control\tuplift\tinterval\tp\t")
	var notes []string
	for _, r := range ro.Rows {
		interval := fmt.Sprintf("[%s, %s]", num(r.Lower), num(r.Upper))
		p := num(r.PValue)
		if r.Err != nil {
			notes = append(notes, r.Err.Error())
			interval, p = fmt.Sprintf("undefined [%d]", len(notes)), "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", r.Treatment, r.Segment, r.Outcome,
			r.NTreated, r.NControl, num(r.MeanTreated), num(r.MeanControl), num(r.Uplift), interval, p)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, n := range notes {
		fmt.Fprintf(w, "[%d] %s\n", i+1, n)
	}
	return nil
}

func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%.4g", v)
}
