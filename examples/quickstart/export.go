package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/recommend"
)

// export writes the synthetic shop to dir in the formats the example programs read, so that each
// program can be tried on files:
//
//	orders.jsonl      tailor format (JSON Lines, every field of Order and Line)   clv -orders, itemknn -orders
//	events.jsonl      tailor format (JSON Lines, every field of Event)            itemknn -events
//	orders.csv        UCI Online Retail CSV     clv -orders, itemknn -orders, segment -orders
//	cdnow.txt         CDNOW whitespace format   clv -orders
//	events.csv        metrics events CSV        kpi -events
//	interactions.tsv  user, item, weight, time  itemknn -train
//	experiment.csv    experiment aggregates, one unit per customer (the assignment unit)  abtest -data
//	features.csv      numeric customer features segment -features
//
// The programs that read orders detect the format from the file (see each program's -format).
//
// It prints the commands to w.
func export(ctx context.Context, w io.Writer, shop *shopsim.Shop, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"orders.jsonl", func(f io.Writer) error { return profile.WriteOrdersJSONL(f, shop.Orders()) }},
		{"events.jsonl", func(f io.Writer) error { return profile.WriteEventsJSONL(f, shop.Events()) }},
		{"orders.csv", func(f io.Writer) error { return profile.WriteOnlineRetail(f, shop.Orders()) }},
		{"cdnow.txt", func(f io.Writer) error { return profile.WriteCDNOW(f, shop.Orders()) }},
		{"events.csv", func(f io.Writer) error { return profile.WriteEventsCSV(f, shop.Events()) }},
		{"interactions.tsv", func(f io.Writer) error { return writeInteractions(f, shop) }},
		{"experiment.csv", func(f io.Writer) error { return writeExperiment(f, shop) }},
		{"features.csv", func(f io.Writer) error { return writeFeatures(ctx, f, shop) }},
	}
	for _, file := range files {
		if err := writeFile(filepath.Join(dir, file.name), file.write); err != nil {
			return fmt.Errorf("%s: %w", file.name, err)
		}
	}
	end := shop.End().AddDate(0, 0, -1).Format("2006-01-02")
	fmt.Fprintf(w, "wrote the synthetic shop to %s; try:\n\n", dir)
	for _, cmd := range []string{
		"clv -orders %[1]s/orders.jsonl -now " + end,
		"clv -orders %[1]s/cdnow.txt -now " + end,
		"segment -orders %[1]s/orders.csv",
		"segment -features %[1]s/features.csv -k 4 -out %[1]s/labels.csv",
		"itemknn -train %[1]s/interactions.tsv -split 0.75",
		"itemknn -events %[1]s/events.jsonl -split 0.75",
		"kpi -events %[1]s/events.csv -by device",
		"abtest -data %[1]s/experiment.csv",
	} {
		fmt.Fprintf(w, "  go run ./examples/"+cmd+"\n", dir)
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeInteractions writes one line per event of a logged-in customer on an item, weighted as
// recommend weighs the event's kind by default; kinds that weigh nothing are left out.
func writeInteractions(w io.Writer, shop *shopsim.Shop) error {
	weights := recommend.DefaultKindWeights()
	for e := range shop.Events() {
		weight := weights[string(e.Type)]
		if e.CustomerID == "" || e.ItemID == "" || weight == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", e.CustomerID, e.ItemID,
			strconv.FormatFloat(weight, 'g', -1, 64), e.Time.Unix()); err != nil {
			return err
		}
	}
	return nil
}

// writeExperiment writes the planted experiment as the aggregates a SQL GROUP BY gives, with
// the unit of assignment, the customer, as the unit: units are all the customers of each
// variant (those without a checkout count too, as in the tour's sample-ratio check), and the
// metrics are orders per checkout session (a ratio metric: the sessions that ended in an order
// over the checkout sessions, per customer; its control mean is the tour's checkout-to-order
// rate) and the revenue of those orders per customer (a mean metric).
func writeExperiment(w io.Writer, shop *shopsim.Shop) error {
	exp := shop.Experiment()
	type cust struct{ checkouts, orders, revenue float64 }
	per := map[string]*cust{}
	for _, cs := range checkoutSessions(shop) {
		c := per[cs.customer]
		if c == nil {
			c = &cust{}
			per[cs.customer] = c
		}
		c.checkouts++
		if cs.bought {
			c.orders++
		}
		c.revenue += cs.revenue
	}
	// Per arm: units, then the sums the aggregates CSV names (ratio: numerator orders,
	// denominator checkouts, their cross products; mean: revenue).
	type agg struct{ units, num, numSq, den, denSq, cross, rev, revSq float64 }
	var arms [2]agg
	for _, c := range shop.Customers() {
		a := &arms[armOf(shop, c.ID)]
		a.units++
		k := per[c.ID]
		if k == nil {
			continue
		}
		a.num += k.orders
		a.numSq += k.orders * k.orders
		a.den += k.checkouts
		a.denSq += k.checkouts * k.checkouts
		a.cross += k.orders * k.checkouts
		a.rev += k.revenue
		a.revSq += k.revenue * k.revenue
	}
	if _, err := fmt.Fprintln(w, "experiment,variant,metric,units,sum,sum_squares,den_sum,den_sum_squares,cross_sum"); err != nil {
		return err
	}
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for i, v := range exp.Variants {
		a := arms[i]
		if _, err := fmt.Fprintf(w, "%s,%s,orders_per_checkout,%s,%s,%s,%s,%s,%s\n%s,%s,revenue_per_customer,%s,%s,%s,,,\n",
			exp.Name, v, g(a.units), g(a.num), g(a.numSq), g(a.den), g(a.denSq), g(a.cross),
			exp.Name, v, g(a.units), g(a.rev), g(a.revSq)); err != nil {
			return err
		}
	}
	return nil
}

// writeFeatures writes a few behavioural features per buyer, a header row and one point per
// row, for k-means.
func writeFeatures(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	profiles, err := profile.Build(ctx, shop.Orders(), nil, profile.Config{Now: shop.End()})
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w, "recency_days,orders,revenue,aov,discount_share,categories"); err != nil {
		return err
	}
	for p := range profiles.All() {
		if p.Orders == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "%.2f,%d,%.2f,%.2f,%.4f,%d\n", p.RecencyDays, p.Orders, p.Revenue, p.AOV,
			p.DiscountSpendShare, p.Categories); err != nil {
			return err
		}
	}
	return nil
}
