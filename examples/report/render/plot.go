package render

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// okabeIto is the Okabe-Ito palette, distinguishable with every common colour-vision
// deficiency (Okabe and Ito 2008, "Color Universal Design"); black last.
func okabeIto() []color.Color {
	return []color.Color{
		rgb(0x0072B2), rgb(0xE69F00), rgb(0x009E73), rgb(0xCC79A7),
		rgb(0x56B4E9), rgb(0xD55E00), rgb(0xF0E442), rgb(0x000000),
	}
}

// glyphs give each series a shape of its own as well as a colour.
func glyphs() []draw.GlyphDrawer {
	return []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{},
		draw.PlusGlyph{}, draw.RingGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{}}
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

// viridis is matplotlib's perceptually uniform, colour-blind-safe sequential map, sampled at
// nine stops and interpolated linearly to 64 colours.
type viridis struct{}

func (viridis) Colors() []color.Color {
	stops := []uint32{0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725}
	const n = 64
	out := make([]color.Color, n)
	for i := range n {
		f := float64(i) / (n - 1) * float64(len(stops)-1)
		j := min(int(f), len(stops)-2)
		t := f - float64(j)
		a, b := rgb(stops[j]), rgb(stops[j+1])
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
		out[i] = color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
	}
	return out
}

// textOn returns black or white, whichever reads better on viridis at share f in [0, 1].
func textOn(f float64) color.Color {
	if f > 0.55 {
		return color.Black
	}
	return color.White
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Title.TextStyle.Font.Size = vg.Points(13)
	return p
}

// toSVG renders p and returns the <svg> element, titled and described for screen readers.
func toSVG(p *plot.Plot, w, h vg.Length, id, title, desc string) (string, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("render: %s: no <svg> element in the plot output", id)
	}
	s = s[i:]
	end := strings.IndexByte(s, '>')
	head := strings.Replace(s[:end], "<svg", fmt.Sprintf(`<svg role="img" aria-labelledby="%s-svg-title %s-svg-desc" class="chart"`, id, id), 1)
	return head + ">" + fmt.Sprintf(`<title id="%s-svg-title">%s</title><desc id="%s-svg-desc">%s</desc>`,
		id, html.EscapeString(title), id, html.EscapeString(desc)) + s[end+1:], nil
}

// grid is a heat map's cells: Z(c, r) for column c and row r, NaN for an empty cell.
type grid struct {
	cols, rows int
	z          func(c, r int) float64
}

func (g grid) Dims() (int, int)   { return g.cols, g.rows }
func (g grid) Z(c, r int) float64 { return g.z(c, r) }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }
func (g grid) Min() (m float64)   { return g.extreme(math.Min, math.Inf(1)) }
func (g grid) Max() (m float64)   { return g.extreme(math.Max, math.Inf(-1)) }
func (g grid) extreme(f func(a, b float64) float64, m float64) float64 {
	for c := range g.cols {
		for r := range g.rows {
			if v := g.z(c, r); !math.IsNaN(v) {
				m = f(m, v)
			}
		}
	}
	return m
}

// heatmap adds the cells of g to p on the viridis scale from lo to hi, with label(c, r) written
// in each non-empty cell when label is not nil and the cells are big enough.
func heatmap(p *plot.Plot, g grid, lo, hi float64, label func(c, r int) string) error {
	h := plotter.NewHeatMap(g, viridis{})
	h.Min, h.Max = lo, hi
	h.NaN = color.Transparent
	h.Overflow = color.Gray{Y: 0xdd} // cells above the scale (a cohort's month 0) in neutral grey
	p.Add(h)
	if label == nil {
		return nil
	}
	var xy plotter.XYLabels
	var styles []text.Style
	for c := range g.cols {
		for r := range g.rows {
			v := g.z(c, r)
			if math.IsNaN(v) {
				continue
			}
			xy.XYs = append(xy.XYs, plotter.XY{X: float64(c), Y: float64(r)})
			xy.Labels = append(xy.Labels, label(c, r))
			st := text.Style{Color: textOn((v - lo) / math.Max(hi-lo, 1e-300)), XAlign: draw.XCenter, YAlign: draw.YCenter,
				Font: plot.DefaultFont, Handler: plot.DefaultTextHandler}
			st.Font.Size = vg.Points(7)
			styles = append(styles, st)
		}
	}
	if len(xy.XYs) == 0 {
		return nil
	}
	lb, err := plotter.NewLabels(xy)
	if err != nil {
		return err
	}
	lb.TextStyle = styles
	p.Add(lb)
	return nil
}

// ticks labels the integer positions 0..len(names)-1, writing at most about max labels.
func ticks(names []string, maxLabels int) plot.ConstantTicks {
	step := max(1, (len(names)+maxLabels-1)/maxLabels)
	var t plot.ConstantTicks
	for i, n := range names {
		if i%step != 0 {
			n = ""
		}
		t = append(t, plot.Tick{Value: float64(i), Label: n})
	}
	return t
}

// errorBars is a set of points with their interval ends, for plotter's error bars.
type errorBars struct {
	xy     plotter.XYs
	lo, hi []float64 // absolute ends
}

func (e errorBars) Len() int                    { return len(e.xy) }
func (e errorBars) XY(i int) (float64, float64) { return e.xy[i].X, e.xy[i].Y }
func (e errorBars) YError(i int) (float64, float64) {
	return e.xy[i].Y - e.lo[i], e.hi[i] - e.xy[i].Y
}
func (e errorBars) XError(i int) (float64, float64) {
	return e.xy[i].X - e.lo[i], e.hi[i] - e.xy[i].X
}
