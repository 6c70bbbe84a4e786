package render

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// MatrixSize is the largest number of rows and columns of the lifetime-value matrices.
const MatrixSize = 25

// AliveHorizonWeeks is the horizon of the frequency/recency matrix's expected purchases.
const AliveHorizonWeeks = 4

// MatrixAxes returns the frequencies (rows) and recencies in weeks (columns) of the
// lifetime-value matrices: every frequency 0..MaxFrequency and recency 0..MaxT when they fit
// in MatrixSize, else MatrixSize evenly spaced values (lifetimes' matrices span the same
// ranges, one cell per unit).
func (c *CLVResult) MatrixAxes() (freqs []int, recs []float64) {
	nf := min(c.MaxFrequency+1, MatrixSize)
	for i := range nf {
		freqs = append(freqs, int(math.Round(float64(i)*float64(c.MaxFrequency)/math.Max(float64(nf-1), 1))))
	}
	nr := min(int(math.Floor(c.MaxT))+1, MatrixSize)
	for i := range nr {
		recs = append(recs, math.Round(float64(i)*c.MaxT/math.Max(float64(nr-1), 1)*10)/10)
	}
	return freqs, recs
}

func clvFigures(in *Input) ([]Figure, error) {
	c := in.CLV
	bg := c.BGNBD.BGNBD
	freqs, recs := c.MatrixAxes()
	recNames, recTicks := make([]string, len(recs)), make([]string, len(recs))
	for i, r := range recs {
		recNames[i], recTicks[i] = strconv.FormatFloat(r, 'f', 1, 64), strconv.FormatFloat(r, 'f', 0, 64)
	}
	freqNames := make([]string, len(freqs))
	for i, f := range freqs {
		freqNames[i] = strconv.Itoa(f)
	}
	matrix := func(id, title, caption, unit string, value func(x int, tx float64) float64, format func(float64) string) (Figure, error) {
		f := Figure{ID: id, Title: title, Caption: caption}
		f.Table.Header = []string{"repeat purchases"}
		for _, r := range recNames {
			f.Table.Header = append(f.Table.Header, "recency "+r+" wk")
		}
		z := make([][]float64, len(freqs))
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, x := range freqs {
			row := []string{strconv.Itoa(x)}
			for _, tx := range recs {
				v := value(x, tx)
				z[i] = append(z[i], v)
				row = append(row, format(v))
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			f.Table.Rows = append(f.Table.Rows, row)
		}
		if !(hi > lo) {
			hi = lo + 1
		}
		p := newPlot(title, "recency: weeks from first to last purchase", "repeat purchases (frequency)")
		if err := heatmap(p, grid{cols: len(recs), rows: len(freqs), z: func(col, r int) float64 { return z[r][col] }}, lo, hi, nil); err != nil {
			return f, err
		}
		p.X.Tick.Marker = ticks(recTicks, 13)
		p.Y.Tick.Marker = ticks(freqNames, 13)
		svg, err := toSVG(p, width, height*1.1, id, title, fmt.Sprintf("Heat map of %s by repeat purchases (rows) and recency (columns), from %s (dark) to %s (bright). The table below lists every cell.",
			unit, format(lo), format(hi)))
		f.SVG = svg
		return f, err
	}
	fit := fmt.Sprintf("BG/NBD fitted to %d customers of %s (r %.3f, alpha %.3f, a %.3f, b %.3f), weekly time, customer age T = %.1f weeks",
		c.BGNBD.Customers, in.Source, bg.R, bg.Alpha, bg.A, bg.B, c.MaxT)
	alive, err := matrix("clv-alive", "Probability a customer is still alive",
		"P(alive) for a customer of age T by repeat purchases and recency, as lifetimes' plot_probability_alive_matrix: "+fit+".",
		"the probability of being alive",
		func(x int, tx float64) float64 { return bg.ProbAlive(x, tx, c.MaxT) }, func(v float64) string { return num(v) })
	if err != nil {
		return nil, err
	}
	fr, err := matrix("clv-frequency-recency", fmt.Sprintf("Expected purchases in the next %d weeks", AliveHorizonWeeks),
		fmt.Sprintf("Expected purchases in the next %d weeks by repeat purchases and recency, as lifetimes' plot_frequency_recency_matrix: %s.", AliveHorizonWeeks, fit),
		"expected purchases",
		func(x int, tx float64) float64 {
			return bg.ConditionalExpectedPurchases(AliveHorizonWeeks, x, tx, c.MaxT)
		}, func(v float64) string { return num(v) })
	if err != nil {
		return nil, err
	}

	bins := c.ValueBins()
	vf := Figure{ID: "clv-value", Title: fmt.Sprintf("Expected customer value over the next %.0f weeks", c.HorizonWeeks),
		Caption: fmt.Sprintf("Distribution of the expected value (BG/NBD expected purchases x Gamma-Gamma expected spend, undiscounted) over %.0f weeks of %d customers of %s; the last bin holds everything above the 99th percentile. Gamma-Gamma fitted to %d repeat buyers (p %.3f, q %.3f, gamma %.3f).",
			c.HorizonWeeks, len(c.Predictions), in.Source, c.GammaGamma.Customers, c.GammaGamma.P, c.GammaGamma.Q, c.GammaGamma.Gamma)}
	vf.Table.Header = []string{"value from", "value to", "customers"}
	h := &plotter.Histogram{FillColor: okabeIto()[0], Width: bins[0].Max - bins[0].Min}
	h.LineStyle = draw.LineStyle{Color: rgb(0xffffff), Width: vg.Points(0.5)}
	for _, b := range bins {
		h.Bins = append(h.Bins, plotter.HistogramBin{Min: b.Min, Max: b.Max, Weight: float64(b.Count)})
		to := money(b.Max)
		if math.IsInf(b.Upper, 1) {
			to = "and above"
		}
		vf.Table.Rows = append(vf.Table.Rows, []string{money(b.Min), to, count(b.Count)})
	}
	vals := make([]float64, len(c.Predictions))
	total := 0.0
	for i, p := range c.Predictions {
		vals[i] = p.Value
		total += p.Value
	}
	slices.Sort(vals)
	vf.Table.Rows = append(vf.Table.Rows, []string{"median", money(quantile(vals, 0.5)), ""}, []string{"total", money(total), ""})
	p := newPlot(vf.Title, "expected value (shop currency)", "customers")
	p.Add(h)
	svg, err := toSVG(p, width, height, vf.ID, vf.Title, fmt.Sprintf("Histogram of %d customers' expected value in %d bins. The table below lists the bins, the median and the total.", len(vals), len(bins)))
	vf.SVG = svg
	return []Figure{alive, fr, vf}, err
}

// ValueBin is one bin of the expected-value histogram: values in [Min, Upper); Max is where the
// bar ends (Upper, or the bin width past Min for the open last bin).
type ValueBin struct {
	Min, Max, Upper float64
	Count           int
}

// ValueBins cuts the predicted values into 20 equal bins from 0 to the 99th percentile; the
// last bin also holds everything above it.
func (c *CLVResult) ValueBins() []ValueBin {
	vals := make([]float64, len(c.Predictions))
	for i, p := range c.Predictions {
		vals[i] = p.Value
	}
	slices.Sort(vals)
	top := quantile(vals, 0.99)
	if !(top > 0) {
		top = 1
	}
	const n = 20
	w := top / n
	bins := make([]ValueBin, n)
	for i := range bins {
		bins[i] = ValueBin{Min: float64(i) * w, Max: float64(i+1) * w, Upper: float64(i+1) * w}
	}
	bins[n-1].Upper = math.Inf(1)
	for _, v := range vals {
		i := min(max(int(v/w), 0), n-1)
		bins[i].Count++
	}
	return bins
}

// quantile is the linear-interpolation quantile of sorted values (numpy's default).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

func abFigures(in *Input) ([]Figure, error) {
	ro := in.AB.Readout
	variant := ro.Variants[min(1, len(ro.Variants)-1)]
	var arms []string
	for i, v := range ro.Variants {
		if i < len(ro.Units) {
			arms = append(arms, fmt.Sprintf("%d units in %s", ro.Units[i], v))
		}
	}
	f := Figure{ID: "ab-lifts", Title: fmt.Sprintf("Experiment %q: relative lift of %s over %s", ro.Experiment, variant, ro.Variants[0]),
		Caption: fmt.Sprintf("Relative lift of %s over %s per metric with its 95%% interval (Welch, delta method) and the chance to win (flat-prior Gaussian model), experiment %q: %s; p-values Holm-adjusted across metrics. Data: %s.",
			variant, ro.Variants[0], ro.Experiment, strings.Join(arms, ", "), in.Source)}
	f.Table.Header = []string{"metric", "control mean", "treatment mean", "relative lift", "lower", "upper", "adjusted p", "chance to win"}
	var eb errorBars
	var names []string
	var labels plotter.XYLabels
	for _, m := range ro.Metrics {
		if len(m.Comparisons) == 0 {
			continue
		}
		cmp := m.Comparisons[0]
		r := cmp.Relative
		i := float64(len(names))
		names = append(names, m.Metric)
		eb.xy = append(eb.xy, plotter.XY{X: 100 * r.Estimate, Y: i})
		eb.lo, eb.hi = append(eb.lo, 100*r.Lower), append(eb.hi, 100*r.Upper)
		labels.XYs = append(labels.XYs, plotter.XY{X: 100 * r.Upper, Y: i})
		labels.Labels = append(labels.Labels, "  win "+pct(cmp.ChanceToWin))
		f.Table.Rows = append(f.Table.Rows, []string{m.Metric, num(m.ControlMean), num(cmp.TreatmentMean),
			pct(r.Estimate), pct(r.Lower), pct(r.Upper), num(cmp.AdjustedPValue), pct(cmp.ChanceToWin)})
	}
	p := newPlot(f.Title, "relative lift (%)", "")
	pal := okabeIto()
	s, err := plotter.NewScatter(eb.xy)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: pal[0], Shape: draw.CircleGlyph{}, Radius: vg.Points(4)}
	e, err := plotter.NewXErrorBars(eb)
	if err != nil {
		return nil, err
	}
	e.LineStyle.Color, e.LineStyle.Width, e.CapWidth = pal[0], vg.Points(1.5), vg.Points(8)
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].YAlign = draw.YCenter
	}
	p.Add(verticalZero(len(names)), e, s, lb)
	p.NominalY(names...)
	p.X.Max = p.X.Max + (p.X.Max-p.X.Min)*0.25
	svg, err := toSVG(p, width, height*0.9, f.ID, f.Title, "Dots at each metric's relative lift in percent with whiskers to the interval ends and the chance to win beside them; a vertical line marks zero. The table below lists the numbers.")
	if err != nil {
		return nil, err
	}
	f.SVG = svg
	figs := []Figure{f}
	if len(in.AB.Path) == 0 {
		return figs, nil
	}
	path := in.AB.Path
	sq := Figure{ID: "ab-sequential", Title: "Conversion lift over time with always-valid bounds",
		Caption: fmt.Sprintf("Relative lift in conversion (treatment over control) at the end of each week, with gbstats' asymptotic confidence sequence at 95%% (valid at every look, so peeking does not inflate false positives): %d weekly looks, %d units at the last. Data: %s.",
			len(path), path[len(path)-1].Control+path[len(path)-1].Treated, in.Source)}
	sq.Table.Header = []string{"look", "control units", "treatment units", "relative lift", "lower", "upper"}
	var est, lo, hi plotter.XYs
	for i, l := range path {
		x := float64(i + 1)
		est, lo, hi = append(est, plotter.XY{X: x, Y: 100 * l.Estimate}), append(lo, plotter.XY{X: x, Y: 100 * l.Lower}), append(hi, plotter.XY{X: x, Y: 100 * l.Upper})
		sq.Table.Rows = append(sq.Table.Rows, []string{l.Time.UTC().Format(time.DateOnly), count(l.Control), count(l.Treated), pct(l.Estimate), pct(l.Lower), pct(l.Upper)})
	}
	ps := newPlot(sq.Title, "week of the experiment", "relative lift in conversion (%)")
	le, err := plotter.NewLine(est)
	if err != nil {
		return nil, err
	}
	le.LineStyle = draw.LineStyle{Color: pal[0], Width: vg.Points(2)}
	band := func(xy plotter.XYs) (*plotter.Line, error) {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: pal[1], Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		return l, nil
	}
	ll, err := band(lo)
	if err != nil {
		return nil, err
	}
	lh, err := band(hi)
	if err != nil {
		return nil, err
	}
	zl, err := plotter.NewLine(plotter.XYs{{X: 1, Y: 0}, {X: float64(len(path)), Y: 0}})
	if err != nil {
		return nil, err
	}
	zl.LineStyle = draw.LineStyle{Color: rgb(0x777777), Width: vg.Points(0.75)}
	ps.Add(zl, ll, lh, le)
	ps.Legend.Add("estimate", le)
	ps.Legend.Add("always-valid bounds", ll)
	ps.Legend.Top = true
	// The first looks have wide bounds; clip the axis so the later path stays readable.
	ps.Y.Min, ps.Y.Max = clip(lo, -1), clip(hi, 1)
	svg, err = toSVG(ps, width, height, sq.ID, sq.Title, "Line of the estimated lift per week between dashed lines at the always-valid bounds; a grey line marks zero. The table below lists every look.")
	sq.SVG = svg
	return append(figs, sq), err
}

// verticalZero is the zero line of a lift chart spanning n nominal rows.
func verticalZero(n int) plot.Plotter {
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	l.LineStyle = draw.LineStyle{Color: rgb(0x777777), Width: vg.Points(0.75)}
	return l
}

// clip returns the bound of the axis: the most extreme of the later half of the path, with a
// margin (sign -1 for the lower end).
func clip(xy plotter.XYs, sign float64) float64 {
	m := math.Inf(-1)
	for _, p := range xy[len(xy)/2:] {
		m = math.Max(m, sign*p.Y)
	}
	m = math.Max(m, 0) * 1.6
	return sign * math.Max(m, 1)
}

func recsFigure(in *Input) (Figure, error) {
	r := in.Recs
	last := r.Model[len(r.Model)-1]
	f := Figure{ID: "recs-precision-recall", Title: "Recommender: precision and recall at k",
		Caption: fmt.Sprintf("Item-kNN (the library's defaults) against the popularity baseline, on a 75/25 per-customer split of %d customer-item purchase pairs (%d held out), %d test customers scored; items already bought are excluded. Data: %s.",
			r.TrainPairs+r.TestPairs, r.TestPairs, last.Users, in.Source)}
	f.Table.Header = []string{"k", "precision item-kNN", "precision popularity", "recall item-kNN", "recall popularity"}
	series := []struct {
		name string
		get  func(i int) float64
	}{
		{"precision, item-kNN", func(i int) float64 { return r.Model[i].Precision }},
		{"precision, popularity", func(i int) float64 { return r.Popularity[i].Precision }},
		{"recall, item-kNN", func(i int) float64 { return r.Model[i].Recall }},
		{"recall, popularity", func(i int) float64 { return r.Popularity[i].Recall }},
	}
	for i := range r.Model {
		f.Table.Rows = append(f.Table.Rows, []string{strconv.Itoa(i + 1), num(r.Model[i].Precision), num(r.Popularity[i].Precision), num(r.Model[i].Recall), num(r.Popularity[i].Recall)})
	}
	p := newPlot(f.Title, "k (recommendations per customer)", "precision@k, recall@k (%)")
	pal, gl := okabeIto(), glyphs()
	for s, se := range series {
		var xy plotter.XYs
		for i := range r.Model {
			xy = append(xy, plotter.XY{X: float64(i + 1), Y: 100 * se.get(i)})
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return f, err
		}
		col := pal[s/2]
		l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.5)}
		if s%2 == 1 {
			l.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		pts.GlyphStyle = draw.GlyphStyle{Color: col, Shape: gl[s], Radius: vg.Points(2.5)}
		p.Add(l, pts)
		p.Legend.Add(se.name, l, pts)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Y.Min = 0
	svg, err := toSVG(p, width, height, f.ID, f.Title, "Four lines over k = 1 to "+strconv.Itoa(len(r.Model))+": precision (blue) and recall (orange), solid for item-kNN and dashed for popularity. The table below lists the values.")
	f.SVG = svg
	return f, err
}
