package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// writeShop writes one small synthetic shop's orders in every order format clv reads, as
// quickstart -export does, and returns the paths by format.
func writeShop(t *testing.T) map[string]string {
	t.Helper()
	shop := shopsim.New(shopsim.Config{Customers: 400, Seed: 7})
	dir := t.TempDir()
	paths := map[string]string{}
	for name, write := range map[string]func(io.Writer) error{
		"orders.csv":   func(w io.Writer) error { return profile.WriteOnlineRetail(w, shop.Orders()) },
		"cdnow.txt":    func(w io.Writer) error { return profile.WriteCDNOW(w, shop.Orders()) },
		"orders.jsonl": func(w io.Writer) error { return profile.WriteOrdersJSONL(w, shop.Orders()) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := write(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths[name] = f.Name()
	}
	return paths
}

func runJSON(t *testing.T, args ...string) report {
	t.Helper()
	text, err := runCLI(t, append(args, "-json")...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, text)
	}
	var rep report
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, text)
	}
	return rep
}

// The same orders in the three formats give the same customers and the same BG/NBD fit, with
// the format detected from the file (the one rule of every example program) or named by
// -format; -orders/-now and the older -transactions/-end are the same flags.
func TestFormatsDetectedAndEquivalent(t *testing.T) {
	paths := writeShop(t)
	const now = "2025-12-31"
	var first *report
	for _, c := range []struct{ file, format string }{
		{"orders.csv", "online-retail"}, {"cdnow.txt", "cdnow"}, {"orders.jsonl", "tailor"},
	} {
		detected := runJSON(t, "-orders", paths[c.file], "-now", now)
		named := runJSON(t, "-transactions", paths[c.file], "-format", c.format, "-end", now)
		if detected.Format != c.format || named.Format != c.format {
			t.Errorf("%s: read as %q (detected) and %q (-format), want %q", c.file, detected.Format, named.Format, c.format)
		}
		if detected.Customers != named.Customers || detected.Purchase.LogLikelihood != named.Purchase.LogLikelihood {
			t.Errorf("%s: detected and named formats differ: %+v vs %+v", c.file, detected, named)
		}
		if detected.End != now || detected.Customers == 0 {
			t.Errorf("%s: end %q, %d customers", c.file, detected.End, detected.Customers)
		}
		if first == nil {
			first = &detected
			continue
		}
		if detected.Customers != first.Customers || detected.Repeaters != first.Repeaters ||
			math.Abs(detected.Purchase.LogLikelihood-first.Purchase.LogLikelihood) > 1e-6*math.Abs(first.Purchase.LogLikelihood) {
			t.Errorf("%s gives %d customers, %d repeaters, LL %v; orders.csv %d, %d, %v", c.file,
				detected.Customers, detected.Repeaters, detected.Purchase.LogLikelihood,
				first.Customers, first.Repeaters, first.Purchase.LogLikelihood)
		}
	}
}

// A bad row is skipped and reported with its line, field and value and the count; a wrong
// header, an empty file and a file without a good row are errors (a non-zero exit).
func TestBadInputReported(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shopCDNOW, err := os.ReadFile(writeShop(t)["cdnow.txt"])
	if err != nil {
		t.Fatal(err)
	}
	badLine := strings.Count(string(shopCDNOW), "\n") + 1
	text, err := runCLI(t, "-orders", file("one-bad.txt", string(shopCDNOW)+"c1 19970105 x 3.00\n"))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if want := fmt.Sprintf(`one-bad.txt: skipped 1 bad row: line %d: field "quantity" = "x"`, badLine); !strings.Contains(text, want) {
		t.Errorf("bad row not reported as %q:\n%s", want, text)
	}
	for _, c := range []struct {
		name, text string
		want       error
		msg        string
	}{
		{"empty.txt", "", cli.ErrNoRows, "empty"},
		{"all-bad.txt", "c1 1997-01-01 1 2\nc2 x 1 2\n", cli.ErrNoRows, "all 2 rows were bad"},
		{"header.csv", "InvoiceNo,StockCode,Quantity\n1,2,3\n", textio.ErrHeader, "header.csv"},
	} {
		_, err := runCLI(t, "-orders", file(c.name, c.text))
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err = %v, want %v mentioning %q", c.name, err, c.want, c.msg)
		}
	}
}

func TestFormatAndAliasFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-orders", "x", "-format", "xml"}, "want online-retail, cdnow or tailor"},
		{[]string{"-format", "cdnow"}, "-format needs -orders"},
		{[]string{"-orders", "a", "-transactions", "b"}, "same flag"},
		{[]string{"-now", "1997-01-01", "-end", "1997-01-02"}, "same flag"},
		{[]string{"-now", "1997/01/01"}, `-now "1997/01/01": want YYYY-MM-DD`},
	} {
		_, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	text, _ := runCLI(t, "-h")
	for _, f := range []string{"-orders", "-transactions", "-format", "-now", "-end", "-period", "-horizon", "-discount", "-top", "-penalizer", "-model", "-json", "-out"} {
		if !strings.Contains(text, "\n  "+f+" ") && !strings.Contains(text, "\n  "+f+"\n") {
			t.Errorf("-h does not document %s:\n%s", f, text)
		}
	}
}
