package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// browserNames are the headless Chromium binaries the browser test looks for, in order;
// TAILOR_CHROMIUM names another.
var browserNames = []string{"chromium-headless-shell", "chromium", "chromium-browser", "headless_shell", "google-chrome"}

// findBrowser returns a Chromium binary, or "" when there is none. With
// TAILOR_REQUIRE_BROWSER=1 a missing browser fails the test instead of skipping it.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TAILOR_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no headless Chromium found (looked for %s on PATH, and TAILOR_CHROMIUM); install one with apt-get install chromium-headless-shell (or chromium)", strings.Join(browserNames, ", "))
	if os.Getenv("TAILOR_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + "; TAILOR_REQUIRE_BROWSER=1 makes that a failure")
	}
	t.Skip(msg)
	return ""
}

// probe is injected into the test's copy of the page, never into the report itself: after
// load it writes each chart's box in page pixels, and the page size, into <pre id="chart-boxes">.
const probe = `<script>
window.addEventListener('load', function () {
  var charts = [];
  document.querySelectorAll('figure.report-chart').forEach(function (f) {
    var s = f.querySelector('svg'), r = s ? s.getBoundingClientRect() : {left: 0, top: 0, width: 0, height: 0};
    var cap = f.querySelector('figcaption');
    charts.push({id: f.id, x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,
      elements: s ? s.querySelectorAll('*').length : 0, caption: cap ? cap.textContent.length : 0});
  });
  var pre = document.createElement('pre');
  pre.id = 'chart-boxes';
  pre.textContent = JSON.stringify({width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight, charts: charts});
  document.body.appendChild(pre);
});
</script>`

type chartBox struct {
	ID         string
	X, Y, W, H float64
	Elements   int
	Caption    int
}

type boxes struct {
	Width, Height float64
	Charts        []chartBox
}

// chromium runs the browser on a local file with the network cut off (every host resolves to
// nothing, every request goes to a closed proxy).
func chromium(ctx context.Context, t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=5000",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--no-first-run", "--no-default-browser-check",
		"--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-dev-shm-usage",
		"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
		"--hide-scrollbars", "--force-device-scale-factor=1"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr.String())
	}
	return stdout.Bytes()
}

func TestBrowserDrawsEveryChart(t *testing.T) {
	bin := findBrowser(t)
	_, page := shopPage(t)
	dir := t.TempDir()
	probed := strings.Replace(string(page), "</body>", probe+"\n</body>", 1)
	if probed == string(page) {
		t.Fatal("the page has no </body>")
	}
	file := filepath.Join(dir, "probed.html")
	if err := os.WriteFile(file, []byte(probed), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + file
	const width = 1100

	dom := chromium(t.Context(), t, bin, dir, "--window-size="+strconv.Itoa(width)+",900", "--dump-dom", url)
	b := readBoxes(t, dom)
	seen := map[string]chartBox{}
	for _, c := range b.Charts {
		seen[c.ID] = c
	}
	for _, id := range allFigures {
		c, ok := seen[id]
		switch {
		case !ok:
			t.Errorf("%s: not in the DOM after load", id)
		case c.W < 200 || c.H < 100:
			t.Errorf("%s: the chart is %.0f x %.0f pixels", id, c.W, c.H)
		case c.Elements < 20 || c.Caption < 40:
			t.Errorf("%s: %d SVG elements, a caption of %d characters", id, c.Elements, c.Caption)
		}
	}
	if t.Failed() {
		return
	}

	// A window as tall as the page puts every chart in one screenshot.
	height := int(b.Height) + 50
	shot := filepath.Join(dir, "shot.png")
	chromium(t.Context(), t, bin, dir, fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+shot, url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range allFigures {
		c := seen[id]
		r := image.Rect(int(c.X), int(c.Y), int(c.X+c.W), int(c.Y+c.H))
		if !r.In(img.Bounds()) {
			t.Errorf("%s: box %v outside the %v screenshot", id, r, img.Bounds())
			continue
		}
		if ink, variance := inked(img, r); ink < 0.02 || variance < 100 {
			t.Errorf("%s: the screenshot is blank in the chart's box %v (%.2f%% of pixels inked, luminance variance %.1f)", id, r, 100*ink, variance)
		}
	}
}

func readBoxes(t *testing.T, dom []byte) boxes {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatalf("the DOM dump does not parse: %v", err)
	}
	pre := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == "chart-boxes" })
	if len(pre) != 1 {
		t.Fatalf("the probe wrote no chart boxes: did the page load? DOM starts %.300s", dom)
	}
	var b boxes
	if err := json.Unmarshal([]byte(text(pre[0])), &b); err != nil {
		t.Fatalf("chart boxes: %v", err)
	}
	return b
}

// inked returns the share of pixels of r that differ clearly from white and the variance of
// their luminance (0..255 squared).
func inked(img image.Image, r image.Rectangle) (share, variance float64) {
	var n, ink float64
	var sum, sum2 float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			l := float64(g.Y)
			n++
			sum += l
			sum2 += l * l
			if l < 200 {
				ink++
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	mean := sum / n
	return ink / n, sum2/n - mean*mean
}

// TestInkedTellsBlank makes sure the blankness check can fail.
func TestInkedTellsBlank(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	if ink, v := inked(img, img.Bounds()); ink != 0 || v != 0 {
		t.Errorf("a white image: ink %v, variance %v", ink, v)
	}
	for x := range 100 {
		for y := 40; y < 60; y++ {
			img.Set(x, y, color.Black)
		}
	}
	if ink, v := inked(img, img.Bounds()); ink < 0.19 || v < 100 {
		t.Errorf("a striped image: ink %v, variance %v", ink, v)
	}
}
