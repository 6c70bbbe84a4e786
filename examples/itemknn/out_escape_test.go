package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

// Users and items named like formulas: before, -out wrote "=cmd" and "@SUM(A1)" verbatim into a
// file people open in spreadsheets.
func TestOutEscapesFormulas(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.tsv")
	var tr strings.Builder
	users := []string{"=cmd", "+u", "-u", "@u", "'u", "plain"}
	items := []string{"@SUM(A1)", "=HYPERLINK(1)", "-1", "+2", "'3", "i"}
	for ui, u := range users {
		for k := range 4 {
			tr.WriteString(u + "\t" + items[(ui+k)%len(items)] + "\t1\t1000\n")
		}
	}
	if err := os.WriteFile(train, []byte(tr.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	recs := filepath.Join(dir, "recs.tsv")
	var out, errb bytes.Buffer
	if err := run([]string{"-train", train, "-k", "2", "-out", recs}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	b, err := os.ReadFile(recs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			t.Fatalf("bad line %q", l)
		}
		for _, c := range []string{f[0], f[2]} {
			if strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Fatalf("cell %q in %q starts a formula", c, l)
			}
		}
		seen[textio.UnescapeCell(f[0])] = true
		if it := textio.UnescapeCell(f[2]); !strings.Contains(strings.Join(items, "\n"), it) {
			t.Fatalf("item %q is not an input item after unescaping", it)
		}
	}
	for _, u := range users {
		if !seen[u] {
			t.Errorf("user %q missing after unescaping (lines %q)", u, lines)
		}
	}
}
