package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// testCustomers is the size of the synthetic shop the tests draw.
const testCustomers = 2000

// allFigures are the charts the synthetic shop's report must have.
var allFigures = []string{
	"cohort-retention", "rfm-segments", "rfm-matrix", "clusters", "channel-kpis", "funnel",
	"clv-alive", "clv-frequency-recency", "clv-value", "ab-lifts", "ab-sequential", "recs-precision-recall",
}

var shopReport struct {
	once sync.Once
	path string
	page []byte
	err  error
}

// shopPage runs the program on the synthetic shop once per test binary and returns the path
// and bytes of the page.
func shopPage(t *testing.T) (string, []byte) {
	t.Helper()
	shopReport.once.Do(func() {
		dir, err := os.MkdirTemp("", "report-test")
		if err != nil {
			shopReport.err = err
			return
		}
		shopReport.path = filepath.Join(dir, "report.html")
		var stderr bytes.Buffer
		shopReport.err = run(context.Background(), []string{"-out", shopReport.path, "-customers", strconv.Itoa(testCustomers)}, &bytes.Buffer{}, &stderr)
		if shopReport.err == nil {
			shopReport.page, shopReport.err = os.ReadFile(shopReport.path)
		}
	})
	if shopReport.err != nil {
		t.Fatal(shopReport.err)
	}
	return shopReport.path, shopReport.page
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shopReport.path != "" {
		os.RemoveAll(filepath.Dir(shopReport.path))
	}
	os.Exit(code)
}

// figure is one parsed <figure> of the page.
type figure struct {
	caption, svgTitle, svgDesc string
	svgElements                int
	header                     []string
	rows                       map[string][]string // by the row's first cell
	order                      []string
}

func (f *figure) cell(t *testing.T, row, col string) string {
	t.Helper()
	r, ok := f.rows[row]
	if !ok {
		t.Fatalf("table has no row %q (rows %v)", row, f.order)
	}
	i := slices.Index(f.header, col)
	if i < 0 || i >= len(r) {
		t.Fatalf("row %q has no column %q (header %v)", row, col, f.header)
	}
	return r[i]
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == name }
}

// parseFigures parses the page and returns its figures by id.
func parseFigures(t *testing.T, page []byte) (*html.Node, map[string]*figure) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	figs := map[string]*figure{}
	for _, fn := range find(doc, tag("figure")) {
		f := &figure{rows: map[string][]string{}}
		if c := find(fn, tag("figcaption")); len(c) == 1 {
			f.caption = text(c[0])
		}
		if s := find(fn, tag("svg")); len(s) == 1 {
			f.svgElements = len(find(s[0], func(n *html.Node) bool { return n.Type == html.ElementNode }))
			if ti := find(s[0], tag("title")); len(ti) > 0 {
				f.svgTitle = text(ti[0])
			}
			if d := find(s[0], tag("desc")); len(d) > 0 {
				f.svgDesc = text(d[0])
			}
		}
		if tb := find(fn, tag("table")); len(tb) == 1 {
			for _, th := range find(find(tb[0], tag("thead"))[0], tag("th")) {
				f.header = append(f.header, text(th))
			}
			for _, tr := range find(find(tb[0], tag("tbody"))[0], tag("tr")) {
				var cells []string
				for c := tr.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode {
						cells = append(cells, text(c))
					}
				}
				f.rows[cells[0]] = cells
				f.order = append(f.order, cells[0])
			}
		}
		figs[attr(fn, "id")] = f
	}
	return doc, figs
}

// approx checks a table cell against a value the library computed, to the cell's printed
// precision: "12.3%" is 0.123 to within 0.0005, "0.4567" is 0.4567 to within 0.00005.
func approx(t *testing.T, what, cell string, want float64) {
	t.Helper()
	s, scale := cell, 1.0
	if strings.HasSuffix(s, "%") {
		s, scale = strings.TrimSuffix(s, "%"), 100
	}
	got, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Errorf("%s: cell %q is not a number", what, cell)
		return
	}
	decimals := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = len(s) - i - 1
	}
	tol := 0.5*math.Pow(10, -float64(decimals))*(1+1e-9) + 1e-12*math.Abs(want*scale)
	if math.Abs(got-want*scale) > tol {
		t.Errorf("%s: table says %s, the library %v", what, cell, want)
	}
}

func exactInt(t *testing.T, what, cell string, want int64) {
	t.Helper()
	if cell != strconv.FormatInt(want, 10) {
		t.Errorf("%s: table says %s, the library %d", what, cell, want)
	}
}

func TestPageIsSelfContainedAndComplete(t *testing.T) {
	_, page := shopPage(t)
	doc, figs := parseFigures(t, page)
	for _, id := range allFigures {
		f, ok := figs[id]
		if !ok {
			t.Errorf("figure %q is missing", id)
			continue
		}
		if len(f.caption) < 40 || !strings.Contains(f.caption, "synthetic shop") {
			t.Errorf("%s: caption %q does not say what and from which data", id, f.caption)
		}
		if f.svgTitle == "" || f.svgDesc == "" {
			t.Errorf("%s: the SVG has no <title> or <desc>", id)
		}
		if f.svgElements < 20 {
			t.Errorf("%s: the SVG has only %d elements: nothing drawn?", id, f.svgElements)
		}
		if len(f.header) < 2 || len(f.order) == 0 {
			t.Errorf("%s: no table of the numbers", id)
		}
	}
	if len(figs) != len(allFigures) {
		t.Errorf("%d figures, want %d", len(figs), len(allFigures))
	}
	for _, p := range offlineProblems(doc) {
		t.Error(p)
	}
	if strings.Contains(string(page), "not-shown") {
		t.Error("the synthetic shop's report leaves out a section")
	}
}

// offlineProblems lists every element that would load something: a script, a stylesheet link,
// an image, a frame, a URL attribute pointing off the page, or a CSS url() that is not inline
// data.
func offlineProblems(doc *html.Node) []string {
	var out []string
	external := func(v string) bool {
		v = strings.ToLower(strings.TrimSpace(v))
		return strings.HasPrefix(v, "http:") || strings.HasPrefix(v, "https:") || strings.HasPrefix(v, "//") ||
			strings.HasPrefix(v, "ftp:") || strings.HasPrefix(v, "file:")
	}
	cssURL := func(s string) bool {
		s = strings.ToLower(s)
		if strings.Contains(s, "@import") {
			return true
		}
		for rest := s; ; {
			i := strings.Index(rest, "url(")
			if i < 0 {
				return false
			}
			rest = strings.TrimLeft(rest[i+4:], ` '"`)
			if !strings.HasPrefix(rest, "data:") && !strings.HasPrefix(rest, "#") {
				return true
			}
		}
	}
	for _, n := range find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		switch n.Data {
		case "script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "image", "use", "foreignobject":
			out = append(out, fmt.Sprintf("element <%s> in the page", n.Data))
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case key == "src" || key == "href" || key == "action" || key == "poster" || key == "srcset" || key == "data" || strings.HasSuffix(key, ":href"):
				if external(a.Val) || (!strings.HasPrefix(a.Val, "#") && key != "data") {
					out = append(out, fmt.Sprintf("<%s %s=%q> refers outside the page", n.Data, a.Key, a.Val))
				}
			case key == "style" && cssURL(a.Val):
				out = append(out, fmt.Sprintf("<%s style=%q> loads a URL", n.Data, a.Val))
			}
			if a.Namespace == "xlink" && a.Key == "href" && !strings.HasPrefix(a.Val, "#") {
				out = append(out, fmt.Sprintf("<%s xlink:href=%q> refers outside the page", n.Data, a.Val))
			}
		}
		if n.Data == "style" && cssURL(text(n)) {
			out = append(out, "a <style> element loads a URL")
		}
	}
	return out
}

// TestOfflineCheckCatches makes sure the offline check can fail.
func TestOfflineCheckCatches(t *testing.T) {
	for _, bad := range []string{
		`<img src="https://example.com/x.png">`,
		`<a href="//example.com/">x</a>`,
		`<div style="background:url(http://example.com/x.png)"></div>`,
		`<style>@import "https://fonts.example/x.css";</style>`,
		`<svg><image xlink:href="https://example.com/x.png"/></svg>`,
		`<script>1</script>`,
	} {
		doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><body>" + bad + "</body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		if len(offlineProblems(doc)) == 0 {
			t.Errorf("checkOffline passes %s", bad)
		}
	}
}
