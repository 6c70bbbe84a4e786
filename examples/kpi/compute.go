package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
)

type result struct {
	Source      string               `json:"source"`
	Dimension   string               `json:"dimension"`
	Report      *metrics.Report      `json:"report"`
	Funnel      metrics.FunnelResult `json:"funnel"`
	Sessions    metrics.SessionStats `json:"sessions"`
	Comparison  *metrics.Comparison  `json:"comparison,omitempty"`
	SkippedRows int                  `json:"skipped_rows"`
}

// source yields the events of one pass over the input. err reports what ended a pass early
// (a bad row without -skip-bad, an I/O error); skipped counts the rows skipped by the last pass.
type source struct {
	name      string
	events    func() iter.Seq[profile.Event]
	err       error
	skipped   int
	variantOf func(person string) string // the synthetic shop's experiment arm
}

func openSource(o options, stdin io.Reader) (*source, error) {
	src := &source{}
	if o.events == "" {
		shop := shopsim.New(shopsim.Config{Seed: o.seed, Customers: o.customers, Days: o.days})
		src.name = fmt.Sprintf("synthetic shop (seed %d, %d customers, %d days)", o.seed, o.customers, o.days)
		src.events = shop.Events
		known := map[string]bool{}
		for _, c := range shop.Customers() {
			known[c.ID] = true
		}
		src.variantOf = func(person string) string {
			// The experiment is assigned by customer ID; anonymous visitors fall in "(none)".
			if !known[person] {
				return ""
			}
			return shop.Variant(person)
		}
		return src, nil
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }
	src.name = "standard input"
	if o.events != "-" {
		src.name = o.events
		open = func() (io.ReadCloser, error) { return os.Open(o.events) }
		if _, err := os.Stat(o.events); err != nil {
			return nil, err
		}
	}
	src.events = func() iter.Seq[profile.Event] {
		return func(yield func(profile.Event) bool) {
			src.skipped = 0
			r, err := open()
			if err != nil {
				src.err = err
				return
			}
			defer r.Close()
			for e, err := range profile.ReadEventsCSV(r) {
				if err != nil {
					var re *profile.RowError
					if o.skipBad && errors.As(err, &re) && !errors.Is(err, profile.ErrHeader) {
						src.skipped++
						continue
					}
					src.err = fmt.Errorf("%s: %w", src.name, err)
					return
				}
				if !yield(e) {
					return
				}
			}
		}
	}
	return src, nil
}

// compute reads the events once (twice with -stitch), feeding the KPI accumulator and the
// funnel together.
func compute(ctx context.Context, o options, stdin io.Reader, stderr io.Writer) (*result, error) {
	src, err := openSource(o, stdin)
	if err != nil {
		return nil, err
	}
	var person func(*profile.Event) string
	if o.stitch {
		st, err := profile.NewStitcher(profile.StitchConfig{})
		if err != nil {
			return nil, err
		}
		for e := range src.events() {
			st.ObserveEvent(e)
		}
		if src.err != nil {
			return nil, src.err
		}
		person = st.PersonOf
	}
	prog := progress(stderr)
	acc, err := metrics.NewAccumulator(metrics.Config{Session: o.session, Interval: o.interval, Progress: prog, Person: person})
	if err != nil {
		return nil, err
	}
	o.funnel.Person = person
	fun, err := metrics.NewFunnel(o.funnel)
	if err != nil {
		return nil, err
	}
	both := func(yield func(profile.Event) bool) {
		for e := range src.events() {
			fun.Add(&e)
			if !yield(e) {
				return
			}
		}
	}
	err = acc.AddAll(ctx, both)
	if prog != nil {
		fmt.Fprint(stderr, "\r\033[K") // clear the progress line
	}
	if err != nil {
		return nil, err
	}
	if src.err != nil {
		return nil, src.err
	}
	res := &result{Source: src.name, Dimension: o.by, SkippedRows: src.skipped}
	dim := map[string]metrics.Dimension{"channel": metrics.ByChannel(), "device": metrics.ByDevice(),
		"region": metrics.ByRegion(), "all": metrics.Overall()}[o.by]
	if o.by == "variant" {
		dim = metrics.ByVariant(src.variantOf)
	}
	res.Report = acc.Report(dim)
	res.Funnel = fun.Result()
	res.Funnel.Interval = o.interval
	res.Sessions = acc.SessionStats()
	if o.compare != nil {
		base, ok1 := res.Report.Row(o.compare[0])
		test, ok2 := res.Report.Row(o.compare[1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("-compare %s,%s: no such rows (have %v)", o.compare[0], o.compare[1], keys(res.Report))
		}
		c, err := metrics.Compare(base.Key, base.KPIs, test.Key, test.KPIs, o.interval)
		if err != nil {
			return nil, err
		}
		res.Comparison = &c
	}
	return res, nil
}

func keys(r *metrics.Report) []string {
	var out []string
	for _, row := range r.Rows {
		out = append(out, row.Key)
	}
	return out
}

// progress reports events read on stderr when it is a terminal.
func progress(stderr io.Writer) func(done, total int) {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(done, _ int) { fmt.Fprintf(f, "\rkpi: %d events read", done) }
}

func writeJSON(w io.Writer, res *result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(res)
}

func writeText(w io.Writer, res *result, o options) error {
	fmt.Fprintf(w, "# KPIs by %s: %s\n\n", res.Dimension, res.Source)
	if err := res.Report.WriteMarkdown(w, o.columns...); err != nil {
		return err
	}
	if res.Comparison != nil {
		fmt.Fprintf(w, "\n## %s vs %s\n\n", res.Comparison.BaseName, res.Comparison.TestName)
		if err := res.Comparison.WriteMarkdown(w); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n## Funnel (%s order", map[metrics.FunnelOrder]string{metrics.Loose: "loose", metrics.Strict: "strict"}[o.funnel.Order])
	if o.funnel.Window > 0 {
		fmt.Fprintf(w, ", within %s", o.funnel.Window)
	}
	fmt.Fprint(w, ", per person)\n\n")
	if err := res.Funnel.WriteMarkdown(w); err != nil {
		return err
	}
	fmt.Fprint(w, "\n## Sessions\n\n")
	if err := res.Sessions.WriteMarkdown(w); err != nil {
		return err
	}
	if res.SkippedRows > 0 {
		fmt.Fprintf(w, "\n%d bad rows skipped.\n", res.SkippedRows)
	}
	return nil
}
