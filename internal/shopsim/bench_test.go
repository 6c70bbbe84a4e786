package shopsim

import "testing"

// BenchmarkEvents measures simulation throughput; events/s is reported as a metric.
func BenchmarkEvents(b *testing.B) {
	s := New(Config{})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for range s.Events() {
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
