package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/metrics"
)

// tourKPIs sessionizes every event in one pass and prints the per-channel KPI table, each rate
// with its 95% Wilson interval and each money figure with its delta-method interval.
func tourKPIs(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	acc, err := metrics.NewAccumulator(metrics.Config{})
	if err != nil {
		return err
	}
	if err := acc.AddAll(ctx, shop.Events()); err != nil {
		return err
	}
	st := acc.SessionStats()
	fmt.Fprintf(w, "%d sessions from %d events; per channel:\n\n", st.Sessions, acc.Events())
	return acc.Report(metrics.ByChannel()).WriteMarkdown(w, metrics.ChannelColumns()...)
}
