// Command segment segments a shop's customers: the RFM segment table, the monthly cohort
// matrix, lifecycle stages, repeat behaviour, top advocates and a k-means summary from an order
// file (or the synthetic shop), or k-means on any numeric CSV.
//
// Usage:
//
//	segment                                         the synthetic shop (internal/shopsim)
//	segment -orders FILE [-format online-retail|cdnow|tailor]    an order file
//	segment -features FILE.csv -k 8 [-seed 1] [-restarts 10] [-out labels.csv]
//
// Flags:
//
//	-orders FILE     order file ("-" = standard input), in the format -format names
//	-format F        online-retail (the UCI Online Retail CSV with the header
//	                 InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country),
//	                 cdnow (whitespace columns: customer date(yyyymmdd) quantity amount) or tailor
//	                 (orders.jsonl); by default detected as every tailor program does
//	                 (profile.DetectOrderFormat: a .jsonl name or a first "{" is tailor, the
//	                 InvoiceNo header online-retail, else cdnow)
//	-features FILE   numeric CSV: a header row naming the columns, then one point per row
//	-k N             clusters, at least 1; default (flag absent) 8 with -features, 5 for the
//	                 customer clustering; -k 0 is an error
//	-seed N          k-means seed; default 1
//	-restarts N      k-means restarts (k-means++ seeds); default 10
//	-scale S         -features: none (default), z (z-score) or minmax
//	-log1p           -features: apply log(1+x) before scaling
//	-out FILE        -features: write one label per point (header "label") to FILE
//	-table T         RFM segment table: rfm (default, the rfm R package), rfm-doc, pymc
//	-period P        cohort period: month (default) or week
//	-now DATE        reference time (YYYY-MM-DD, 00:00 UTC) for recency and lifecycle:
//	                 orders after it are left out and counted (future_orders); default: the
//	                 latest order
//	-rule TEXT       also count the customers matching a rule, e.g.
//	                 'orders >= 3 and lifecycle = "active"' (the shop adds age, region and
//	                 interests from its CRM)
//	-json            print one JSON object instead of text
//	-h               print this help
//
// -out, -scale and -log1p belong to features mode and -format, -table, -period, -now and -rule
// to orders mode: giving one in the other mode is an error, not silently ignored.
//
// Orders mode (and the synthetic shop) prints: the number of customers, orders, guest orders,
// returns and skipped bad rows; the RFM segment table (customers, orders, revenue and their
// shares per segment, 5 quintile bins by the rfm package's rule); the acquisition cohort
// matrix (share of each cohort with an order N periods later, and the cohort's repeat rate);
// lifecycle stages (new, active, lapsed, churned with a 90-day window and churn factor 3; the
// synthetic shop uses per-category windows from its purchase cycles); new versus returning
// customers per month; the share of repeat customers and the median days to the second order;
// the top 1% of customers by revenue with at least two orders; and k-means on log1p z-scored
// (recency days, orders, revenue) per customer, with each cluster's size and mean values
// (skipped with a note when there are fewer distinct customers than clusters). The synthetic
// shop also joins its CRM attributes (age, region, interests) and counts a few rule segments.
// A bad row of an order file is skipped and counted; the first few are shown on stderr.
//
// Features mode prints the inertia (sum of squared distances to the centroids), iterations,
// time and cluster sizes; -out writes labels in row order. Progress goes to stderr when it is
// a terminal.
//
// JSON: orders mode gives {mode: "orders" | "shop", source, customers, orders, guest_orders,
// returns, bad_rows, future_orders, now, rfm: {table, segments: [{segment, customers, orders, revenue,
// customer_share, order_share, revenue_share, aov}]}, cohorts: {period, cohorts: [{cohort,
// customers, repeat_rate, retention: [...]}]}, lifecycle: {stage: count}, new_vs_returning:
// [{month, new, returning}], repeat: {customers, repeaters, share, median_days_to_return,
// mean_days_to_return}, advocates: [{id, revenue, orders, rank}], kmeans: {k, inertia,
// iterations, clusters: [{size, recency_days, orders, revenue}], skipped: reason when there are
// fewer distinct customers than clusters}, segments (synthetic shop: [{name, text, customers}]),
// rule: {text, customers}}.
// Features mode gives {mode: "features", source, rows, columns, k, restarts, seed, inertia,
// iterations, converged, seconds, sizes, out}.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tailorkit/tailor/profile"
)

type options struct {
	orders, format, features, out, table, period, now, rule, scale string
	k, restarts                                                    int
	seed                                                           uint64
	log1p, json                                                    bool
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, errorLine(err))
		os.Exit(1)
	}
}

// errorLine prefixes the program's name once: library errors already start with "segment: ".
func errorLine(err error) string {
	if msg := err.Error(); strings.HasPrefix(msg, "segment: ") {
		return msg
	}
	return "segment: " + err.Error()
}

// Flags that belong to one mode; giving one in the other mode is an error rather than being
// silently ignored.
var (
	featuresOnly = []string{"out", "scale", "log1p"}
	ordersOnly   = []string{"format", "table", "period", "now", "rule"}
)

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("segment", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.orders, "orders", "", `order file ("-" = standard input); default: the synthetic shop`)
	fs.StringVar(&o.format, "format", "", "order file format: online-retail, cdnow or tailor; default: detected from the file")
	fs.StringVar(&o.features, "features", "", "numeric CSV to cluster (header row, one point per row)")
	fs.IntVar(&o.k, "k", 0, "clusters (default 8 with -features, 5 for the customer clustering)")
	fs.Uint64Var(&o.seed, "seed", 1, "k-means seed")
	fs.IntVar(&o.restarts, "restarts", 10, "k-means restarts")
	fs.StringVar(&o.scale, "scale", "none", "-features scaling: none, z or minmax")
	fs.BoolVar(&o.log1p, "log1p", false, "-features: apply log(1+x) before scaling")
	fs.StringVar(&o.out, "out", "", "-features: write one label per point to this file")
	fs.StringVar(&o.table, "table", "rfm", "RFM segment table: rfm, rfm-doc or pymc")
	fs.StringVar(&o.period, "period", "month", "cohort period: month or week")
	fs.StringVar(&o.now, "now", "", "reference time YYYY-MM-DD (00:00 UTC): later orders are left out and counted; default: the latest order")
	fs.StringVar(&o.rule, "rule", "", `count customers matching a rule, e.g. 'orders >= 3 and lifecycle = "active"'`)
	fs.BoolVar(&o.json, "json", false, "print JSON instead of text")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage:
  segment                                        the synthetic shop
  segment -orders FILE [-format online-retail|cdnow|tailor]
  segment -features FILE.csv -k 8 [-seed 1] [-restarts 10] [-out labels.csv]

Prints RFM segments, the cohort matrix, lifecycle, repeat behaviour, advocates and a k-means
summary of the customers, or clusters a numeric CSV. -out, -scale and -log1p need -features;
-format, -table, -period, -now and -rule do not go with it. Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if o.orders != "" && o.features != "" {
		return o, errors.New("-orders and -features are different modes: give one")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range featuresOnly {
		if set[name] && o.features == "" {
			return o, fmt.Errorf("-%s applies only with -features", name)
		}
	}
	for _, name := range ordersOnly {
		if set[name] && o.features != "" {
			return o, fmt.Errorf("-%s applies only to orders (and the synthetic shop), not with -features", name)
		}
	}
	switch o.format {
	case "", profile.FormatOnlineRetail, profile.FormatCDNOW, profile.FormatTailor:
	default:
		return o, fmt.Errorf("-format %q: want online-retail, cdnow or tailor", o.format)
	}
	switch o.period {
	case "month", "week":
	default:
		return o, fmt.Errorf("-period %q: want month or week", o.period)
	}
	switch o.table {
	case "rfm", "rfm-doc", "pymc":
	default:
		return o, fmt.Errorf("-table %q: want rfm, rfm-doc or pymc", o.table)
	}
	switch o.scale {
	case "none", "z", "minmax":
	default:
		return o, fmt.Errorf("-scale %q: want none, z or minmax", o.scale)
	}
	if o.now != "" {
		if _, err := time.Parse(time.DateOnly, o.now); err != nil {
			return o, fmt.Errorf("-now %q: want YYYY-MM-DD", o.now)
		}
	}
	// An explicit -k 0 is an error, not the default (it used to report K = 8).
	if o.k < 0 || set["k"] && o.k == 0 || o.restarts < 1 {
		return o, fmt.Errorf("-k %d, -restarts %d: want k >= 1 and restarts >= 1", o.k, o.restarts)
	}
	return o, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.features != "" {
		return runFeatures(o, stdin, stdout, stderr)
	}
	return runOrders(o, stdin, stdout, stderr)
}
