package interactsim

import "testing"

// BenchmarkInteractions measures the MovieLens-shaped generator on the Small preset.
func BenchmarkInteractions(b *testing.B) {
	cfg := Small()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for range Interactions(cfg) {
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "interactions/s")
}
