package metrics

import (
	"context"
	"slices"
	"testing"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

func benchEvents(b *testing.B) []profile.Event {
	b.Helper()
	return slices.Collect(shopsim.New(shopsim.Config{Customers: 2000}).Events())
}

// BenchmarkFullReport: one pass over the synthetic shop's events (2000 customers, a year)
// into the KPI accumulator and a funnel, then the per-channel report, the funnel result and
// the session statistics. events/s counts input events.
func BenchmarkFullReport(b *testing.B) {
	events := benchEvents(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a := newAcc(b, Config{})
		f, _ := NewFunnel(FunnelConfig{Steps: shopFunnel})
		for i := range events {
			a.Add(&events[i])
			f.Add(&events[i])
		}
		_ = a.Report(ByChannel())
		_ = f.Result()
		_ = a.SessionStats()
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAccumulatorAdd: sessionization and per-session counting alone.
func BenchmarkAccumulatorAdd(b *testing.B) {
	events := benchEvents(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a := newAcc(b, Config{})
		a.AddAll(context.Background(), slices.Values(events))
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}
