package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/shopsim"
)

// The exported experiment.csv has the experiment's assignment unit, the customer, as its
// unit: abtest -data on it finds the units and the sample-ratio p-value that the tour prints,
// and its orders_per_checkout means are the tour's checkout-to-order rates. (The file used to
// count checkout sessions as units, so its SRM check ran on the wrong unit: p 0.277 against
// the tour's 0.777.)
func TestExperimentFileMatchesTour(t *testing.T) {
	for _, seed := range []uint64{1, 3} {
		shop := shopsim.New(shopsim.Config{Customers: 800, Seed: seed})
		var tour bytes.Buffer
		if err := tourABTest(context.Background(), &tour, shop); err != nil {
			t.Fatal(err)
		}
		var units [2]int64
		var pTour float64
		var succ, trials [2]int64
		for _, l := range strings.Split(tour.String(), "\n") {
			if strings.HasPrefix(l, "units ") {
				var mismatch bool
				if _, err := fmt.Sscanf(l, "units %d / %d: sample-ratio mismatch %t (p = %f)", &units[0], &units[1], &mismatch, &pTour); err != nil {
					t.Fatalf("tour line %q: %v", l, err)
				}
			}
			if strings.HasPrefix(l, "checkout-to-order: ") {
				var r0, r1 float64
				if _, err := fmt.Sscanf(l, "checkout-to-order: control %d/%d = %f, treatment %d/%d = %f", &succ[0], &trials[0], &r0, &succ[1], &trials[1], &r1); err != nil {
					t.Fatalf("tour line %q: %v", l, err)
				}
			}
		}
		if units[0]+units[1] != 800 || trials[0] == 0 {
			t.Fatalf("seed %d: tour output not parsed:\n%s", seed, tour.String())
		}

		dir := t.TempDir()
		if err := export(context.Background(), &bytes.Buffer{}, shop, dir); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, "experiment.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var rep abtest.ReadReport
		rows := slices.Collect(abtest.StopAtBad(abtest.ReadAggregates(f), &rep))
		f.Close()
		if rep.Err != nil || len(rows) != 4 {
			t.Fatalf("seed %d: experiment.csv: %d rows, %v", seed, len(rows), rep.Err)
		}
		ro, err := abtest.Analyze(context.Background(), slices.Values(rows), abtest.ReadoutConfig{})
		if err != nil {
			t.Fatal(err)
		}
		e := ro.Experiments[0]
		if !slices.Equal(e.Units, units[:]) {
			t.Errorf("seed %d: file units %v, tour units %v", seed, e.Units, units)
		}
		if got := fmt.Sprintf("%.3f", e.SRM.PValue); got != fmt.Sprintf("%.3f", pTour) {
			t.Errorf("seed %d: SRM p of the file %s, of the tour %.3f", seed, got, pTour)
		}
		// The SRM p-value of the tour's units, computed here, equals the file's exactly.
		want, err := abtest.SRM(units[:], []float64{0.5, 0.5}, abtest.SRMConfig{})
		if err != nil || e.SRM.PValue != want.PValue {
			t.Errorf("seed %d: file SRM p %v, SRM of the customers %v (%v)", seed, e.SRM.PValue, want.PValue, err)
		}
		for _, m := range e.Metrics {
			if m.Metric != "orders_per_checkout" {
				continue
			}
			if wantMean := float64(succ[0]) / float64(trials[0]); !sameRatio(m.ControlMean, wantMean) {
				t.Errorf("seed %d: control orders per checkout %v, tour %d/%d", seed, m.ControlMean, succ[0], trials[0])
			}
			if wantMean := float64(succ[1]) / float64(trials[1]); !sameRatio(m.Comparisons[0].TreatmentMean, wantMean) {
				t.Errorf("seed %d: treatment orders per checkout %v, tour %d/%d", seed, m.Comparisons[0].TreatmentMean, succ[1], trials[1])
			}
		}
	}
}

// sameRatio compares a readout's ratio of means with the tour's k/n: the ratio moments keep
// means (internal/stat), so (k/units)/(n/units) may differ from k/n in the last bits.
func sameRatio(got, want float64) bool { return math.Abs(got-want) <= 1e-14*math.Abs(want) }
