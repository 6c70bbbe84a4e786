// Command report writes one self-contained HTML page of charts drawn from tailor's results:
// cohort retention, RFM segments and the recency x frequency matrix, k-means clusters on
// their principal components, channel KPIs with intervals and the purchase funnel,
// lifetime-value matrices (P(alive), expected purchases) and the expected-value distribution,
// an A/B readout with its sequential path, and the recommender's precision and recall at k
// against the popularity baseline. The page has inline SVG and CSS only: no script, font,
// image or link to anything outside it, so it opens offline in any browser.
//
// The program is its own Go module (so its plotting dependency, gonum.org/v1/plot, never
// reaches library users); run it from its directory:
//
//	cd examples/report && go run . -out report.html
//
// Usage:
//
//	report [-out report.html]                          the synthetic shop (profile/shoptest)
//	report -orders FILE [-format F] [-events FILE] [-experiment FILE] [-out FILE]
//
// Flags:
//
//	-out FILE         where to write the page ("-" = standard output); default report.html
//	-orders FILE      order history, in the format -format names
//	-format F         tailor (orders.jsonl, one profile.Order as JSON per line),
//	                  online-retail (the UCI Online Retail CSV with the header
//	                  InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country)
//	                  or cdnow (whitespace columns: customer date(yyyymmdd) quantity amount);
//	                  by default detected as every tailor program does (profile.DetectOrderFormat:
//	                  a .jsonl name or a first "{" is tailor, the InvoiceNo header online-retail,
//	                  else cdnow)
//	-events FILE      events: events.jsonl (the tailor format, by the .jsonl extension) or the
//	                  events CSV of profile.ReadEventsCSV
//	-experiment FILE  experiment aggregates CSV (variant,units,sum,sum_squares per metric,
//	                  abtest.ReadAggregates); the first experiment is read out
//	-customers N      synthetic shop size; default 2000
//	-seed N           synthetic shop, k-means and split seed; default 1
//	-k N              k-means clusters; default 4
//	-top N            largest cut-off k of precision and recall; default 10
//	-h                print this help
//
// Without -orders, -events and -experiment the program reads the synthetic shop; with any of
// them it reads only the files given, and leaves out (and lists at the end of the page) the
// charts whose data is missing: without events there are no channel KPIs or funnel, without
// an experiment no A/B readout, and the sequential path needs the shop's per-unit data.
// Unreadable rows are skipped, counted on standard error (the first three shown).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/examples/report/render"
	"github.com/tailorkit/tailor/profile"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

type options struct {
	out, orders, format, events, experiment string
	customers, k, top                       int
	seed                                    uint64
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.out, "out", "report.html", "write the page to `file` (\"-\" = standard output)")
	fs.StringVar(&o.orders, "orders", "", "order history `file`; none (and no -events, -experiment) = the synthetic shop")
	fs.StringVar(&o.format, "format", "", "orders `format`: tailor (orders.jsonl), online-retail or cdnow; default: detected from the file")
	fs.StringVar(&o.events, "events", "", "events `file`: events.jsonl (tailor format) or the events CSV")
	fs.StringVar(&o.experiment, "experiment", "", "experiment aggregates CSV `file`")
	fs.IntVar(&o.customers, "customers", 2000, "synthetic shop: number of customers")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the synthetic shop, k-means and the train/test split")
	fs.IntVar(&o.k, "k", 4, "k-means clusters (2..8)")
	fs.IntVar(&o.top, "top", 10, "largest cut-off k of precision and recall (1..50)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: report [-out report.html] [-orders FILE [-format tailor|online-retail|cdnow]] [-events FILE] [-experiment FILE]")
		fmt.Fprintln(stderr, "Writes one self-contained HTML page of charts from tailor's results; without files, on the synthetic shop.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	switch {
	case o.format != "" && o.format != "tailor" && o.format != "online-retail" && o.format != "cdnow":
		return o, fmt.Errorf("-format %q: want tailor, online-retail or cdnow", o.format)
	case o.customers < 1:
		return o, fmt.Errorf("-customers %d: want at least 1", o.customers)
	case o.seed == 0:
		return o, errors.New("-seed 0: want a positive seed")
	case o.k < 2 || o.k > 8:
		return o, fmt.Errorf("-k %d: want 2..8", o.k)
	case o.top < 1 || o.top > 50:
		return o, fmt.Errorf("-top %d: want 1..50", o.top)
	case o.out == "":
		return o, errors.New("-out: want a file name or -")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var d render.Data
	if o.orders == "" && o.events == "" && o.experiment == "" {
		d, err = shopData(o.customers, o.seed)
	} else {
		d, err = fileData(o, stderr)
	}
	if err != nil {
		return err
	}
	in, err := render.Build(ctx, d, render.Config{Clusters: o.k, Seed: o.seed, TopK: o.top})
	if err != nil {
		return err
	}
	if o.out == "-" {
		return render.Write(stdout, in, render.Options{})
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	if err := render.Write(f, in, render.Options{}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileData reads the files the flags name.
func fileData(o options, stderr io.Writer) (render.Data, error) {
	var d render.Data
	var names []string
	if o.orders != "" {
		format := o.format
		read := func(r io.Reader) iter.Seq2[profile.Order, error] {
			seq, f, err := profile.ReadOrders(r, o.orders, o.format)
			if err != nil {
				return func(yield func(profile.Order, error) bool) { yield(profile.Order{}, err) }
			}
			format = f
			return seq
		}
		orders, err := readAll(o.orders, read, stderr)
		if err != nil {
			return d, err
		}
		if len(orders) == 0 {
			return d, fmt.Errorf("%s: no readable orders; is it in -format %s?", o.orders, format)
		}
		d.Orders = orders
		names = append(names, fmt.Sprintf("%s (%s)", o.orders, format))
	}
	if o.events != "" {
		read := profile.ReadEventsCSV
		if strings.HasSuffix(o.events, ".jsonl") {
			read = profile.ReadEventsJSONL
		}
		events, err := readAll(o.events, read, stderr)
		if err != nil {
			return d, err
		}
		d.Events = events
		names = append(names, o.events)
	}
	if o.experiment != "" {
		rows, err := readAll(o.experiment, abtest.ReadAggregates, stderr)
		if err != nil {
			return d, err
		}
		d.Experiment = rows
		names = append(names, o.experiment)
	}
	d.Source = strings.Join(names, ", ")
	return d, nil
}

// readAll reads every good row of a file, skipping and counting bad rows (*RowError); any
// other error (a bad header, I/O) ends the read.
func readAll[T any](path string, read func(io.Reader) iter.Seq2[T, error], stderr io.Writer) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	bad := 0
	for v, err := range read(f) {
		if err != nil {
			var re *profile.RowError
			if !errors.As(err, &re) {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			if bad < 3 {
				fmt.Fprintf(stderr, "report: %s: skipping: %v\n", path, err)
			}
			bad++
			continue
		}
		out = append(out, v)
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "report: %s: skipped %d unreadable rows\n", path, bad)
	}
	return out, nil
}
