package shoptest_test

import (
	"os"
	"strings"
	"testing"
)

// checkReadmeShows fails unless README.md at the module root holds, verbatim, the lines of file
// between the begin and end markers; with dedent, one leading tab is removed from each line
// first (for a block inside a function, which the README shows unindented).
func checkReadmeShows(t *testing.T, file, begin, end string, dedent bool) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip("README.md not found beside the module:", err)
	}
	s := string(src)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q block", file, begin, end)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s[i+len(begin):j]), "\n") {
		if dedent {
			l = strings.TrimPrefix(l, "\t")
		}
		lines = append(lines, l)
	}
	if !strings.Contains(string(readme), strings.Join(lines, "\n")) {
		t.Errorf("README.md no longer shows %s between its README:begin and README:end markers; copy it there", file)
	}
}
