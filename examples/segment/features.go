package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/segment"
)

type featuresResult struct {
	Mode       string   `json:"mode"`
	Source     string   `json:"source"`
	Rows       int      `json:"rows"`
	Columns    []string `json:"columns"`
	K          int      `json:"k"`
	Restarts   int      `json:"restarts"`
	Seed       uint64   `json:"seed"`
	Inertia    float64  `json:"inertia"`
	Iterations int      `json:"iterations"`
	Converged  bool     `json:"converged"`
	Seconds    float64  `json:"seconds"`
	Sizes      []int    `json:"sizes"`
	Out        string   `json:"out,omitempty"`
}

func runFeatures(o options, stdin io.Reader, stdout, stderr io.Writer) error {
	r, done, err := cli.Open(o.features, stdin)
	if err != nil {
		return err
	}
	p, names, err := segment.ReadPointsCSV(r)
	done()
	if err != nil {
		return fmt.Errorf("%s: %w", o.features, err)
	}
	if o.scale != "none" || o.log1p {
		method := segment.ScaleZ
		switch o.scale {
		case "minmax":
			method = segment.ScaleMinMax
		case "none":
			method = segment.ScaleNone
		}
		s, err := segment.FitScaler(p, segment.ScalerConfig{Log1p: o.log1p, Method: method})
		if err != nil {
			return err
		}
		p = s.TransformPoints(p)
	}
	k := o.k
	if k == 0 {
		k = 8
	}
	start := time.Now()
	m, err := segment.FitKMeans(context.Background(), p, segment.KMeansConfig{K: k, Restarts: o.restarts, Seed: o.seed,
		Progress: cli.Progress(stderr, "k-means restart")})
	if errors.Is(err, segment.ErrTooFewPoints) {
		return fmt.Errorf("%w (choose a smaller -k)", err)
	}
	if err != nil {
		return err
	}
	res := featuresResult{Mode: "features", Source: o.features, Rows: p.Len(), Columns: names, K: k, Restarts: o.restarts,
		Seed: o.seed, Inertia: m.Inertia, Iterations: m.Iterations, Converged: m.Converged,
		Seconds: time.Since(start).Seconds(), Sizes: m.Sizes, Out: o.out}
	if o.out != "" {
		if err := writeLabels(o.out, m.Labels); err != nil {
			return err
		}
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "k-means on %s: %d points x %d columns, k = %d, %d restarts, seed %d\n",
		o.features, res.Rows, len(names), k, o.restarts, o.seed)
	fmt.Fprintf(stdout, "inertia     %.6f\niterations  %d (converged: %v)\ntime        %.2f s\n", m.Inertia, m.Iterations, m.Converged, res.Seconds)
	fmt.Fprintln(stdout, "cluster  size")
	for j, n := range m.Sizes {
		fmt.Fprintf(stdout, "%7d  %d\n", j, n)
	}
	if o.out != "" {
		fmt.Fprintf(stdout, "labels written to %s\n", o.out)
	}
	return nil
}

func writeLabels(path string, labels []int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("label\n")
	buf := make([]byte, 0, 16)
	for _, l := range labels {
		buf = strconv.AppendInt(buf[:0], int64(l), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
