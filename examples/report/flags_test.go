package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xls"}, `-format "xls"`},
		{[]string{"-k", "1"}, "-k 1"},
		{[]string{"-k", "9"}, "-k 9"},
		{[]string{"-top", "0"}, "-top 0"},
		{[]string{"-customers", "0"}, "-customers 0"},
		{[]string{"-seed", "0"}, "-seed 0"},
		{[]string{"-out", ""}, "-out"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-orders", "/nonexistent/orders.jsonl"}, "no such file"},
	} {
		err := run(context.Background(), c.args, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("report %v: error %v, want one mentioning %q", c.args, err, c.want)
		}
	}
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, f := range []string{"-out", "-orders", "-format", "-events", "-experiment", "-customers", "-seed", "-k", "-top"} {
		if !strings.Contains(stderr.String(), f[1:]) {
			t.Errorf("-h does not document %s", f)
		}
	}
}

// TestWrongFormatSaysSo reads a CDNOW file as the tailor format (-format tailor given): no
// orders, and an error that names the format. Without -format the same file is detected as
// CDNOW and read.
func TestWrongFormatSaysSo(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "cdnow.txt", func(b *bytes.Buffer) error {
		_, err := b.WriteString("00001 19970101 1 11.77\n00002 19970112 2 20.50\n")
		return err
	})
	err := run(context.Background(), []string{"-orders", path, "-format", "tailor", "-out", dir + "/r.html"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-format tailor") {
		t.Errorf("error %v, want one naming -format tailor", err)
	}
	if err := run(context.Background(), []string{"-orders", path, "-out", dir + "/r.html"}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Errorf("the same file with its format detected: %v", err)
	}
}
