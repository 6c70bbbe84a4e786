package abtest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestAnalyzeStream: Analyze takes the reader's stream directly (no slice in between) and
// gives the readout of the same rows as a slice; the file's bad row is skipped and counted.
func TestAnalyzeStream(t *testing.T) {
	csv := "experiment,variant,metric,units,sum,sum_squares\n" +
		"e,control,revenue,1000,5000,40000\n" +
		"e,treatment,revenue,1010,5400,43000\n" +
		"e,treatment,revenue,x,1,1\n"
	var rep ReadReport
	fromFile, err := Analyze(context.Background(), SkipBad(ReadAggregates(strings.NewReader(csv)), &rep), ReadoutConfig{})
	if err != nil || rep.Bad != 1 || rep.Rows != 2 {
		t.Fatalf("Analyze(stream) = %v, report %+v", err, rep)
	}
	rows := []Row{
		{Experiment: "e", Variant: "control", Metric: "revenue", Units: 1000, Sum: 5000, SumSquares: 40000},
		{Experiment: "e", Variant: "treatment", Metric: "revenue", Units: 1010, Sum: 5400, SumSquares: 43000},
	}
	fromSlice, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{})
	if err != nil || !reflect.DeepEqual(fromFile, fromSlice) {
		t.Errorf("stream readout %+v, slice readout %+v (%v)", fromFile, fromSlice, err)
	}
}

// TestAnalyzeCancelWhileReading: a context cancelled while the rows stream in stops the
// reading within 4096 rows, not at the end of the stream.
func TestAnalyzeCancelWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const cancelAt, total = 10_000, 1_000_000
	yielded := 0
	rows := func(yield func(Row) bool) {
		for yielded < total {
			if yielded == cancelAt {
				cancel()
			}
			yielded++
			if !yield(Row{Experiment: "e", Variant: []string{"a", "b"}[yielded%2], Metric: "m", Units: 10, Sum: 5, SumSquares: 5}) {
				return
			}
		}
	}
	_, err := Analyze(ctx, rows, ReadoutConfig{})
	if !errors.Is(err, context.Canceled) || yielded > cancelAt+4096 {
		t.Errorf("Analyze = %v after %d rows, want context.Canceled within 4096 rows of %d", err, yielded, cancelAt)
	}
}
