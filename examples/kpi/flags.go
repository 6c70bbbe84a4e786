package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
)

type options struct {
	events    string
	by        string
	columns   []string
	compare   []string
	funnel    metrics.FunnelConfig
	session   metrics.SessionConfig
	interval  metrics.IntervalConfig
	skipBad   bool
	stitch    bool
	customers int
	days      int
	seed      uint64
	json      bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kpi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.events, "events", "", `events CSV file ("-" = standard input); default: the synthetic shop`)
	fs.StringVar(&o.by, "by", "channel", "group by channel, device, region, all, or variant (synthetic shop only)")
	cols := fs.String("columns", "channel", `comma-separated metrics.KPIs field names, or "channel" (the per-channel overview), "default", "all"`)
	cmp := fs.String("compare", "", "compare two rows, base,test (e.g. control,treatment)")
	steps := fs.String("funnel", "view,add_to_cart,checkout,purchase", "funnel steps: comma-separated event types")
	strict := fs.Bool("strict", false, "funnel steps must follow each other with no event between")
	window := fs.Duration("window", 0, "funnel time limit from the first step (0 = none)")
	gap := fs.Duration("gap", 30*time.Minute, "inactivity that ends a session")
	fs.BoolVar(&o.session.SplitAtMidnight, "midnight", false, "also end sessions at midnight UTC")
	method := fs.String("method", "wilson", "interval method for rates in the tables: wilson, agresti-coull, jeffreys (JSON bounds are always 95% Wilson)")
	fs.Float64Var(&o.interval.Alpha, "alpha", 0.05, "the tables' intervals are at level 1 - alpha, alpha in (0, 1) (JSON bounds are always 95%)")
	fs.BoolVar(&o.skipBad, "skip-bad", false, "skip bad rows of -events instead of stopping at the first")
	fs.BoolVar(&o.stitch, "stitch", false, "count a visitor's anonymous and logged-in activity as one person (identity stitching; reads the events twice)")
	fs.IntVar(&o.customers, "customers", 5000, "synthetic shop: number of customers")
	fs.IntVar(&o.days, "days", 365, "synthetic shop: days of history")
	fs.Uint64Var(&o.seed, "seed", 1, "synthetic shop: random seed")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of Markdown tables")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: kpi [-events FILE] [-by channel] [-json] [flags]\n\nPrints a KPI table, a funnel and session statistics. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags come first; see -h)", fs.Arg(0))
	}
	o.funnel.Order = metrics.Loose
	if *strict {
		o.funnel.Order = metrics.Strict
	}
	o.funnel.Window = *window
	for _, s := range splitList(*steps) {
		o.funnel.Steps = append(o.funnel.Steps, profile.EventType(s))
	}
	if len(o.funnel.Steps) == 0 || *window < 0 {
		return o, fmt.Errorf("-funnel needs at least one step and -window must not be negative")
	}
	if *gap <= 0 {
		return o, fmt.Errorf("-gap %s: must be positive", *gap)
	}
	o.session.Gap = *gap
	switch *method {
	case "wilson":
		o.interval.Method = metrics.Wilson
	case "agresti-coull":
		o.interval.Method = metrics.AgrestiCoull
	case "jeffreys":
		o.interval.Method = metrics.Jeffreys
	default:
		return o, fmt.Errorf("-method %q: want wilson, agresti-coull or jeffreys", *method)
	}
	if !(o.interval.Alpha > 0 && o.interval.Alpha < 1) {
		return o, fmt.Errorf("-alpha %v: must be in (0, 1)", o.interval.Alpha)
	}
	switch *cols {
	case "channel", "mission": // "mission" is the flag value's old name
		o.columns = metrics.ChannelColumns()
	case "default":
		o.columns = metrics.DefaultColumns()
	case "all":
		o.columns = metrics.AllColumns()
	default:
		o.columns = splitList(*cols)
		// Checked here, not after minutes of reading events.
		for _, c := range o.columns {
			if !slices.Contains(metrics.AllColumns(), c) {
				return o, fmt.Errorf("-columns: unknown column %q (want names from %s, or channel, default, all)", c, strings.Join(metrics.AllColumns(), ","))
			}
		}
		if len(o.columns) == 0 {
			return o, fmt.Errorf("-columns %q: no column names", *cols)
		}
	}
	switch o.by {
	case "channel", "device", "region", "all":
	case "variant":
		if o.events != "" {
			return o, fmt.Errorf("-by variant needs the synthetic shop (an events file has no variants)")
		}
	default:
		return o, fmt.Errorf("-by %q: want channel, device, region, all or variant", o.by)
	}
	if *cmp != "" {
		o.compare = splitList(*cmp)
		if len(o.compare) != 2 {
			return o, fmt.Errorf("-compare %q: want two row keys, base,test", *cmp)
		}
	}
	if o.stitch && o.events == "-" {
		return o, fmt.Errorf("-stitch reads the events twice and cannot read standard input")
	}
	if o.customers <= 0 || o.days <= 0 {
		return o, fmt.Errorf("-customers and -days must be positive")
	}
	return o, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
