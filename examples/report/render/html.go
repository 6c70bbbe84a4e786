package render

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"
)

// Options configure Write. The zero value titles the report "tailor report".
type Options struct {
	// Title is the page title; default "tailor report".
	Title string
}

// Figures draws every chart that in has the results for, in report order.
func Figures(in *Input) ([]Figure, error) {
	var figs []Figure
	add := func(f ...Figure) { figs = append(figs, f...) }
	if in.Cohorts != nil && len(in.Cohorts.Sizes) > 0 {
		f, err := cohortFigure(in)
		if err != nil {
			return nil, fmt.Errorf("render: cohorts: %w", err)
		}
		add(f)
	}
	if in.RFM != nil {
		f, err := rfmFigures(in)
		if err != nil {
			return nil, fmt.Errorf("render: RFM: %w", err)
		}
		add(f...)
	}
	if in.Clusters != nil {
		f, err := clusterFigure(in)
		if err != nil {
			return nil, fmt.Errorf("render: clusters: %w", err)
		}
		add(f)
	}
	if in.KPIs != nil {
		f, err := kpiFigures(in)
		if err != nil {
			return nil, fmt.Errorf("render: KPIs: %w", err)
		}
		add(f...)
	}
	if in.CLV != nil && len(in.CLV.Predictions) > 0 {
		f, err := clvFigures(in)
		if err != nil {
			return nil, fmt.Errorf("render: lifetime value: %w", err)
		}
		add(f...)
	}
	if in.AB != nil && len(in.AB.Readout.Metrics) > 0 {
		f, err := abFigures(in)
		if err != nil {
			return nil, fmt.Errorf("render: experiment: %w", err)
		}
		add(f...)
	}
	if in.Recs != nil && len(in.Recs.Model) > 0 {
		f, err := recsFigure(in)
		if err != nil {
			return nil, fmt.Errorf("render: recommender: %w", err)
		}
		add(f)
	}
	return figs, nil
}

type page struct {
	Title   string
	Source  string
	Now     string
	Figures []pageFigure
	Missing []string
}

type pageFigure struct {
	Figure
	SVG template.HTML
}

// Write draws the report for in as one self-contained HTML page: inline SVG charts and CSS,
// no script, font, image or link to anything outside the page. Each chart is a <figure> with
// the chart's id, an SVG with <title> and <desc>, a <figcaption> saying what it shows and from
// how much data, and a table of the numbers it draws.
func Write(w io.Writer, in *Input, opts Options) error {
	figs, err := Figures(in)
	if err != nil {
		return err
	}
	pg := page{Title: opts.Title, Source: in.Source}
	if pg.Title == "" {
		pg.Title = "tailor report"
	}
	if !in.Now.IsZero() {
		pg.Now = in.Now.UTC().Format(time.RFC3339)
	}
	for _, f := range figs {
		// The SVG is gonum/plot's output, which escapes its text; the title and description
		// added to it are escaped by toSVG.
		pg.Figures = append(pg.Figures, pageFigure{Figure: f, SVG: template.HTML(f.SVG)})
	}
	keys := make([]string, 0, len(in.Missing))
	for k := range in.Missing {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		pg.Missing = append(pg.Missing, k+": "+in.Missing[k])
	}
	return pageTemplate.Execute(w, pg)
}

var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 62rem; padding: 1rem 1.5rem; color: #111; background: #fff; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.meta { color: #444; margin-top: 0; }
figure { margin: 2rem 0; padding: 1rem; border: 1px solid #ddd; border-radius: 6px; break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { margin: 0.6rem 0; color: #222; }
figcaption strong { display: block; font-size: 1.1rem; }
details summary { cursor: pointer; color: #0a4f8a; }
table { border-collapse: collapse; font-size: 0.8rem; margin-top: 0.4rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.15rem 0.4rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.scroll { overflow-x: auto; }
nav ul { columns: 2; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">Data: {{.Source}}{{if .Now}}; reference time {{.Now}}{{end}}. Every chart is drawn from tailor's results; its numbers are in the table under it.</p>
<nav><ul>{{range .Figures}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}</ul></nav>
{{range .Figures}}
<figure id="{{.ID}}" class="report-chart" aria-labelledby="{{.ID}}-caption">
{{.SVG}}
<figcaption id="{{.ID}}-caption"><strong>{{.Title}}</strong>{{.Caption}}</figcaption>
<details><summary>The numbers (table)</summary>
<div class="scroll"><table id="{{.ID}}-table">
<caption>{{.Title}}</caption>
<thead><tr>{{range .Table.Header}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Table.Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table></div>
</details>
</figure>
{{end}}
{{if .Missing}}<section id="not-shown"><h2>Not shown</h2><ul>{{range .Missing}}<li>{{.}}</li>{{end}}</ul></section>{{end}}
</body>
</html>
`))
