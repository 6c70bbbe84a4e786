// Command kpi prints e-commerce KPIs from raw events: a KPI table per channel (or device,
// region, experiment variant), a funnel and session statistics.
//
// Usage:
//
//	kpi                                  the synthetic shop's per-channel table
//	kpi -events events.csv               the same for a file of events
//	kpi -events events.csv -by device    grouped by device
//	kpi -by variant -compare control,treatment   the shop's experiment, with and without
//	kpi -json                            machine-readable output
//
// Flags:
//
//	-events file   events CSV (format below); "-" reads standard input. Default: simulate the
//	               synthetic shop (internal/shopsim)
//	-by dim        group by channel (default), device, region, all, or variant (the synthetic
//	               shop's experiment arm; not available with -events)
//	-columns list  comma-separated KPI names (fields of metrics.KPIs, e.g.
//	               "Sessions,Bounce,AOV"), or "channel" (default: sessions, time on site, bounce
//	               rate, AOV, conversion per session, most popular item), "default" or "all"
//	-compare a,b   also compare row a (base) with row b (test): CTR, conversion, AOV and repeat
//	               purchases with the lift in percent and its 95% interval
//	-funnel list   funnel steps as comma-separated event types; default
//	               view,add_to_cart,checkout,purchase
//	-strict        the funnel's steps must follow each other with no event in between
//	-window d      the funnel's time limit from the first step (Go duration, e.g. 1h); 0 = none
//	-gap d         inactivity that ends a session; default 30m
//	-midnight      also end sessions at midnight UTC
//	-method m      interval method for rates: wilson (default), agresti-coull or jeffreys
//	-alpha a       intervals are at level 1 - a, a in (0, 1); default 0.05 (95%)
//	-skip-bad      skip bad rows of -events (and report how many) instead of stopping at the first
//	-stitch        count a visitor's anonymous and logged-in activity as one person: a first pass
//	               feeds profile's identity stitcher (customer ID, anonymous ID and the events'
//	               identities), the second counts each event under its stitched customer.
//	               Without it a visitor is the customer ID, else the anonymous ID
//	-customers n, -days n, -seed n
//	               size and seed of the synthetic shop; defaults 5000, 365, 1
//	-json          print one JSON object instead of Markdown tables
//
// Events CSV (-events): a header line naming columns, in any order, from
//
//	time,customer_id,anonymous_id,session_id,type,item_id,category,brand,price,list_price,quantity,channel,device,region,order_id
//
// then one event per line. time, type and customer_id or anonymous_id are required; time is
// RFC 3339 or unix seconds; price and list_price are decimals, quantity an integer (negative
// for returns allowed); other columns are strings and may be empty. Fields may be double-quoted
// to hold commas, not line breaks. A bad row stops the program with an error naming the line,
// the column and the value (see -skip-bad). profile.ReadEventsCSV documents the format in full.
//
// Definitions (sessions after 30 minutes of inactivity, GA4 engagement and bounce, AOV as
// gross minus discounts per order, ...) are those of package metrics; every rate is shown with
// its interval in brackets, in percent.
//
// JSON (-json): one object {"source", "dimension", "report", "funnel", "sessions",
// "comparison" (only with -compare), "skipped_rows"}. Below the top level the values are
// package metrics' types in their JSON form (snake_case names of their Go fields):
//
//	report      {dimension, rows: [{key, <every metrics.KPIs field: sessions, bounce, aov,
//	            top_item, ...>}], total (key "total"), interval: {method ("wilson",
//	            "agresti-coull" or "jeffreys"), alpha}}
//	rate        {successes, trials, value, lower, upper}; value and bounds null when undefined
//	estimate    {value, se, units, lower, upper}; null when undefined or without a standard error
//	funnel      {steps: [{name, reached, from_previous, from_start, drop_off}], interval}
//	sessions    metrics.SessionStats; mean_duration_ns, median_duration_ns, p90_duration_ns
//	comparison  {base_name, test_name, changes: [{kpi, label, base, test, lift: {percent,
//	            interval: {lower, upper}, valid, has_interval}}]}; base and test are the display
//	            strings of the Markdown table (the numbers are in the report's rows)
//
// In JSON, lower and upper are always 95% intervals (Wilson for rates, normal for estimates), as
// metrics' JSON encoding defines them: -method and -alpha shape the Markdown tables only, and
// interval records what they were. A script wanting other intervals recomputes them from
// successes and trials.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kpi:", err)
		os.Exit(1)
	}
}

// run is the program, separated from main for tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	res, err := compute(ctx, opts, stdin, stderr)
	if err != nil {
		return err
	}
	if opts.json {
		return writeJSON(stdout, res)
	}
	return writeText(stdout, res, opts)
}
