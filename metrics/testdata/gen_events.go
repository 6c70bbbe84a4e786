//go:build ignore

// gen_events writes events.csv and orders.csv, the inputs of the independent pandas check
// (kpi_pandas.py). events.csv is
// the synthetic shop's events (250 customers, 75 days), perturbed so the check covers what
// real logs do: about 10% of the rows moved out of time order, some events turned into an
// unknown type ("wishlist"), some list prices dropped. Run from the metrics directory:
//
//	go run ./testdata/gen_events.go && /usr/bin/python3 testdata/kpi_pandas.py
package main

import (
	"encoding/csv"
	"log"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

func main() {
	shop := shopsim.New(shopsim.Config{Seed: 7, Customers: 250, Days: 75})
	events := slices.Collect(shop.Events())
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range events {
		switch r := rng.Float64(); {
		case r < 0.03 && events[i].Type == "view":
			events[i].Type = "wishlist"
		case r < 0.10 && events[i].Type == "purchase":
			events[i].ListPrice = 0
		}
	}
	for range len(events) / 10 {
		i, j := rng.IntN(len(events)), rng.IntN(len(events))
		events[i], events[j] = events[j], events[i]
	}
	f, err := os.Create("testdata/events.csv")
	if err != nil {
		log.Fatal(err)
	}
	if err := profile.WriteEventsCSV(f, slices.Values(events)); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	writeOrders(shop)
}

// writeOrders writes the shop's orders, one line per order line, returns as negative
// quantities: order_id,customer_id,time,item_id,quantity,unit_price,list_price.
func writeOrders(shop *shopsim.Shop) {
	f, err := os.Create("testdata/orders.csv")
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"order_id", "customer_id", "time", "item_id", "quantity", "unit_price", "list_price"})
	for o := range shop.Orders() {
		for _, l := range o.Lines {
			w.Write([]string{o.ID, o.CustomerID, o.Time.UTC().Format(time.RFC3339Nano), l.ItemID,
				strconv.Itoa(l.Quantity), strconv.FormatFloat(l.UnitPrice, 'g', -1, 64), strconv.FormatFloat(l.ListPrice, 'g', -1, 64)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
