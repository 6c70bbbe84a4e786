package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunContract: the scorer's command line on small files writes one list per next-item
// event in the contract's format and prints HR/MRR. Train: a->b twice, a->c once, so after
// a sequential rules put b first; test session 10 = a, b (target b at rank 1), 11 = c, a
// (a follows c once in train: rank 1).
func TestRunContract(t *testing.T) {
	dir := t.TempDir()
	train := write(t, dir, "train.tsv", "1\ta\t100\n1\tb\t101\n2\ta\t200\n2\tb\t201\n3\ta\t300\n3\tc\t301\n4\tc\t400\n4\ta\t401\n")
	test := write(t, dir, "test.tsv", "10\ta\t1000\n10\tb\t1001\n11\tc\t1100\n11\ta\t1101\n")
	out := filepath.Join(dir, "preds.tsv")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-train", train, "-test", test, "-k", "2", "-out", out, "-method", "sr"}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d rows:\n%s", len(lines), b)
	}
	if !strings.HasPrefix(lines[0], "10\t1\t1\tb\t") || !strings.HasPrefix(lines[2], "11\t1\t1\t") {
		t.Fatalf("rows:\n%s", b)
	}
	for _, l := range lines {
		if len(strings.Split(l, "\t")) != 5 {
			t.Fatalf("row %q", l)
		}
	}
	if !strings.Contains(stdout.String(), "HR@2 1.0000") {
		t.Fatalf("output:\n%s", stdout.String())
	}
}

// TestRunBadLine: a bad line stops the program with the file and line, before indexing.
func TestRunBadLine(t *testing.T) {
	dir := t.TempDir()
	train := write(t, dir, "train.tsv", "1\ta\t100\n1\tb\tNaN\n")
	test := write(t, dir, "test.tsv", "10\ta\t1000\n10\tb\t1001\n")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-train", train, "-test", test, "-out", filepath.Join(dir, "p.tsv")}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "train.tsv: line 2") || !strings.Contains(err.Error(), "time") {
		t.Fatalf("err %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "p.tsv")); statErr == nil || stdout.Len() > 0 {
		t.Fatalf("output written despite the bad line")
	}
}

// TestRunFlags: -h lists every flag; bad values are errors.
func TestRunFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, f := range []string{"-train", "-test", "-k", "-out", "-method", "-neighbors", "-sample", "-similarity",
		"-position-weight", "-distance-weight", "-idf-weight", "-session-position-decay", "-session-recency",
		"-item-position-decay", "-match-position-decay", "-steps", "-rule-weight", "-max-sessions", "-max-length",
		"-gap", "-no-fallback", "-workers", "-json"} {
		if !strings.Contains(stderr.String(), f+" ") && !strings.Contains(stderr.String(), f+"\n") {
			t.Errorf("-h does not document %s", f)
		}
	}
	for _, args := range [][]string{{"-method", "gru4rec"}, {"-k", "0"}, {"-neighbors", "-3"}, {"-train", "x"},
		{"-idf-weight", "NaN"}, {"-session-recency", "-1"}} {
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestRunShop: with no files it runs on the synthetic shop and shows an anonymous visitor's
// next items.
func TestRunShop(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates the shop")
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	s := stdout.String()
	if !strings.Contains(s, "synthetic shop") || !strings.Contains(s, "anonymous visitor") || !strings.Contains(s, "next items:\n  1. ") {
		t.Fatalf("output:\n%s", s)
	}
}
