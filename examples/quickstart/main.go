// Command quickstart is a tour of tailor on its built-in synthetic shop: it simulates a year of a
// small web shop and then runs each package on it, printing what a shop engineer would look at.
// It takes a few seconds and needs no files.
//
// Usage:
//
//	go run ./examples/quickstart [-customers 5000] [-seed 1] [-export DIR]
//
// With -export DIR it writes the shop to DIR in the formats the other example programs read
// (orders.jsonl and events.jsonl in the tailor format, orders.csv, cdnow.txt, events.csv,
// interactions.tsv, experiment.csv, features.csv) instead of the tour, and prints a command to
// try each program on them. -customers 0 means the default, 5000; a negative count is an error.
//
// Each section of the output is one package at work: profile (who the customers are, with
// cookies stitched to logins), profile/clv (what they are worth: BG/NBD and Gamma-Gamma),
// segment (RFM segments and advocates), recommend (item-kNN recommendations with reasons),
// recommend/session (an anonymous visitor's next items, from the visit in progress),
// metrics (the per-channel KPI table with intervals) and abtest (the readout of the shop's
// planted experiment). The code of each section is in the file named after it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
)

func main() {
	customers := flag.Int("customers", 5000, "number of simulated customers (0 = the default, 5000)")
	seed := flag.Uint64("seed", 1, "random seed of the synthetic shop")
	exportDir := flag.String("export", "", "write the shop's data files to this directory instead of running the tour")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: quickstart [flags]\n\nA tour of tailor on a synthetic shop.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *customers < 0 {
		fmt.Fprintf(os.Stderr, "quickstart: -customers %d: want 0 (the default, 5000) or more\n", *customers)
		os.Exit(2)
	}
	cfg := shopsim.Config{Customers: *customers, Seed: *seed}
	var err error
	if *exportDir != "" {
		err = export(context.Background(), os.Stdout, shopsim.New(cfg), *exportDir)
	} else {
		err = run(context.Background(), os.Stdout, cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run prints the tour to w. It is separate from main so that a test can run it.
func run(ctx context.Context, w io.Writer, cfg shopsim.Config) error {
	start := time.Now()
	shop := shopsim.New(cfg)
	sections := []struct {
		title string
		run   func(context.Context, io.Writer, *shopsim.Shop) error
	}{
		{"The shop", tourShop},
		{"profile: who the customers are", tourProfiles},
		{"profile/clv: what they are worth", tourLifetimeValue},
		{"segment: who belongs together", tourSegments},
		{"recommend: what to show them", tourRecommendations},
		{"recommend/session: what an anonymous visitor looks at next", tourSessions},
		{"metrics: how each channel performs", tourKPIs},
		{"abtest: did the experiment work?", tourABTest},
	}
	for _, s := range sections {
		fmt.Fprintf(w, "\n== %s\n\n", s.title)
		if err := s.run(ctx, w, shop); err != nil {
			return fmt.Errorf("%s: %w", s.title, err)
		}
	}
	fmt.Fprintf(w, "\n(tour took %v)\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func tourShop(_ context.Context, w io.Writer, shop *shopsim.Shop) error {
	events, orders := 0, 0
	for range shop.Events() {
		events++
	}
	for range shop.Orders() {
		orders++
	}
	c := shop.Config()
	fmt.Fprintf(w, "%d customers, %d items in %d categories, %d days from %s\n",
		len(shop.Customers()), len(shop.Catalog()), len(shopsim.Categories()), c.Days, c.Start.Format("2006-01-02"))
	fmt.Fprintf(w, "%d events and %d orders simulated (including returns)\n", events, orders)
	return nil
}
