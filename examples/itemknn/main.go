// Command itemknn fits tailor's item-based recommender on an interactions file, an order file
// or an events file, writes top-k recommendations and, given held-out interactions, scores them.
//
// Usage:
//
//	itemknn [-train FILE | -orders FILE [-format F] | -events FILE] [-test FILE | -split RATIO]
//	        [-model knn|ease] [-k 10] [-neighbors N] [-similarity NAME] [-half-life DURATION]
//	        [-out recs.tsv] [-json]
//
// Training data, one of (or none: the synthetic shop):
//
//	-train FILE    interactions TSV without a header, one interaction per line,
//	               user<TAB>item<TAB>weight<TAB>unix_seconds (weight and time optional;
//	               MovieLens u.data is exactly this)
//	-orders FILE   an order file: one interaction of kind "purchase" per order line of a known
//	               customer (a line with a negative quantity is a "return"), weighed by the
//	               model's default kind weights; guest orders are left out. -format names its
//	               format: online-retail (the UCI Online Retail CSV), cdnow or tailor (the
//	               orders.jsonl that quickstart -export writes). Without -format the format is
//	               detected by the rule every example program that reads orders uses: a name
//	               ending in .jsonl, or a first line starting with "{", is tailor; a first line
//	               starting with the Online Retail header's InvoiceNo column is online-retail;
//	               anything else is cdnow. CDNOW records no items, so it gives no interaction
//	               and is refused with that reason.
//	-events FILE   tailor events (JSON Lines, profile.ReadEventsJSONL; the events.jsonl that
//	               quickstart -export writes): one interaction per event that names an item
//	               and a person (profile.Interactions: the customer, else the anonymous ID),
//	               of the event's kind, weighed by the default kind weights
//
// "-" reads any of them from standard input. The held-out -test file is an interactions TSV.
//
// The program fits on the training data, recommends the top -k items for every user of -test
// (or of the training data when there is no test set), seen items removed, writes them as
// user<TAB>rank<TAB>item<TAB>score to -out, and prints the fit time, the peak memory (maximum
// resident set size) and, with a test set, precision@k, recall@k, NDCG@k, MAP, hit rate and
// catalog coverage as defined in package recommend/eval. Without -test, -split 0.75 splits the
// training data per user at random (seed 42) into 75% train and 25% test (-split and -test
// exclude each other). With no flags at all it runs on tailor's synthetic shop, split 0.75 the
// same way (or at -split).
//
// A bad row of any input file is skipped; the count and the first few (line, field and value)
// are printed on stderr. A wrong header, an empty file, a file without a single good row and
// a training file that gives no interaction are errors (exit status 1).
//
// Weights are ratings, quantities or counts; like the reference item-kNN and EASE scripts this
// program scores with binary implicit feedback (every positive user-item pair counts 1),
// except with -half-life, where a user's affinity to an item is the sum of its weights, each
// decayed by 0.5^(age/half-life) from the latest training timestamp (as SAR does).
// Progress goes to stderr when stderr is a terminal.
//
// JSON (-json): {data, format, train_rows, test_rows, users, items, model, similarity,
// neighbors, fit_seconds, recommend_seconds, peak_rss_mb, rec_users, metrics}; train_rows
// counts interactions (order lines, events), not file lines.
//
// The -out file is also opened in spreadsheets, so a user or item ID that would start with '=',
// '+', '-', '@', a tab, a carriage return or a single quote is written with one more single
// quote in front (OWASP's rule against formula injection); a script matching the file against
// the input IDs removes one leading single quote from the user and item columns. IDs of other
// shapes (MovieLens' numbers among them) are written unchanged.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/interactsim"
	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/recommend"
	"github.com/tailorkit/tailor/recommend/eval"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "itemknn:", err)
		os.Exit(1)
	}
}

type result struct {
	Data       string        `json:"data"`
	Format     string        `json:"format,omitempty"` // tsv, online-retail, cdnow or tailor
	TrainRows  int           `json:"train_rows"`
	TestRows   int           `json:"test_rows"`
	Users      int           `json:"users"`
	Items      int           `json:"items"`
	Model      string        `json:"model"`
	Similarity string        `json:"similarity,omitempty"`
	Neighbors  int           `json:"neighbors"`
	FitSeconds float64       `json:"fit_seconds"`
	RecSeconds float64       `json:"recommend_seconds"`
	PeakMB     float64       `json:"peak_rss_mb"`
	RecUsers   int           `json:"rec_users"`
	Metrics    *eval.Metrics `json:"metrics,omitempty"`
	// Fit says what the fit read and ignored (interactions that weighed 0, by kind).
	Fit recommend.FitReport `json:"fit"`
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("itemknn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: itemknn [-train FILE | -orders FILE [-format F] | -events FILE] [-test FILE | -split RATIO]\n"+
			"               [-model knn|ease] [-k 10] [-neighbors N] [-similarity NAME] [-half-life DURATION] [-out recs.tsv] [-json]\n"+
			"Fits tailor's item-based recommender on an interactions TSV (user<TAB>item<TAB>weight<TAB>unix_seconds,\n"+
			"MovieLens u.data format), an order file or a tailor events file, writes top-k recommendations\n"+
			"and scores them against a test set.\n"+
			"With no flags it runs on the built-in synthetic shop.")
		fs.PrintDefaults()
	}
	train := fs.String("train", "", "training interactions TSV (user, item, weight, unix_seconds; \"-\" = stdin); none of -train, -orders, -events = synthetic shop")
	orders := fs.String("orders", "", "train on an order `file` instead (\"-\" = stdin): one purchase interaction per order line of a known customer")
	format := fs.String("format", "", "-orders `format`: online-retail, cdnow or tailor (default: detected; .jsonl or a first line starting with { is tailor, the InvoiceNo header online-retail, else cdnow)")
	events := fs.String("events", "", "train on a tailor events `file` instead (events.jsonl, \"-\" = stdin): one interaction per event naming an item, weighed by its kind")
	test := fs.String("test", "", "held-out interactions TSV to recommend for and score against")
	split := fs.Float64("split", 0, "without -test: share of each user's interactions kept for training (e.g. 0.75); the rest is the test set (0 = no split; the synthetic shop is always split, 0.75 by default)")
	model := fs.String("model", "knn", "knn (item-kNN) or ease (Steck's EASE; catalogs up to 20000 items)")
	k := fs.Int("k", 10, "number of recommendations per user")
	neighbors := fs.Int("neighbors", 0, "neighbours kept per item (0 = the model's default: 100 for knn, 500 for ease)")
	similarity := fs.String("similarity", "default", "similarity of -model knn: default (asymmetric-cosine, alpha 0.1, shrink 2), cosine, asymmetric-cosine, jaccard, lift, conditional-probability, cooccurrence, llr, rp3beta")
	halfLife := fs.Duration("half-life", 0, "time decay half-life, e.g. 720h (0 = no decay)")
	out := fs.String("out", "", "write recommendations as user<TAB>rank<TAB>item<TAB>score to this file")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	given := 0
	for _, f := range []string{*train, *orders, *events} {
		if f != "" {
			given++
		}
	}
	if given > 1 {
		return errors.New("-train, -orders and -events exclude each other: give one training file")
	}
	if *format != "" && *orders == "" {
		return errors.New("-format needs -orders FILE")
	}
	if f := *format; f != "" && f != cli.FormatOnlineRetail && f != cli.FormatCDNOW && f != cli.FormatTailor {
		return fmt.Errorf("-format %q: want online-retail, cdnow or tailor", f)
	}
	if *k <= 0 {
		return fmt.Errorf("-k %d: must be positive", *k)
	}
	if *split != 0 && !(*split > 0 && *split < 1) { // also catches NaN
		return fmt.Errorf("-split %v: want a ratio between 0 and 1", *split)
	}
	if *split != 0 && *test != "" {
		return errors.New("-split and -test exclude each other: the test set is either split off -train or read from -test")
	}
	if *model == "ease" && *similarity != "default" {
		return fmt.Errorf("-similarity %s: EASE learns its weights, similarities are for -model knn", *similarity)
	}
	// Binary feedback as the reference scripts use it, unless a half-life asks for decayed
	// affinities (SAR's scheme), which only mean something when their sizes count.
	cfg := recommend.Config{Neighbors: *neighbors, HalfLife: *halfLife, Binary: *halfLife == 0}
	switch *model {
	case "knn":
	case "ease":
		cfg.Algorithm = recommend.EASE
	default:
		return fmt.Errorf("-model %q: want knn or ease", *model)
	}
	sim, err := recommend.ParseSimilarity(*similarity)
	if err != nil {
		return err
	}
	cfg.Similarity = sim
	cfg.Progress = cli.Progress(stderr, "fitting") // nil unless stderr is a terminal

	res := result{Model: *model}
	var trainData, testData []recommend.Interaction
	var trainSeq iter.Seq[recommend.Interaction]
	var in trainInput
	if given > 0 {
		if in, err = openTrain(*train, *orders, *format, *events, os.Stdin); err != nil {
			return err
		}
		defer in.Close()
		res.Data, res.Format = *train+*orders+*events, in.Format
	}
	switch {
	case given == 0:
		res.Data = "synthetic shop (interactsim.Small)"
		ratio := 0.75
		if *split != 0 {
			ratio = *split
		}
		trainData, testData = eval.StratifiedSplit(synthetic(), ratio, 42)
	case *split != 0:
		trainData = slices.Collect(in.Seq)
		if err := in.Check(stderr); err != nil {
			return err
		}
		trainData, testData = eval.StratifiedSplit(trainData, *split, 42)
	default:
		// Stream the training file straight into the fit: a 16M-line file never sits in
		// memory as interactions.
		trainSeq = func(yield func(recommend.Interaction) bool) {
			for x := range in.Seq {
				res.TrainRows++
				if !yield(x) {
					return
				}
			}
		}
		if *test != "" {
			if testData, err = readFile(*test, stderr); err != nil {
				return err
			}
		}
	}
	if trainSeq == nil {
		trainSeq = slices.Values(trainData)
		res.TrainRows = len(trainData)
	}
	res.TestRows = len(testData)

	start := time.Now()
	m, fitRep, err := recommend.FitWithReport(context.Background(), trainSeq, cfg)
	if given > 0 && *split == 0 {
		// The file's bad rows (or a wrong header, an empty file) come before what the fit
		// made of the rest.
		if cerr := in.Check(stderr); cerr != nil {
			return cerr
		}
	}
	res.Fit = fitRep
	if err != nil {
		return err
	}
	res.FitSeconds = time.Since(start).Seconds()
	res.Users, res.Items = m.NumUsers(), m.NumItems()
	if cfg.Algorithm == recommend.ItemKNN {
		res.Similarity = m.Config().Similarity.String()
	}
	res.Neighbors = m.Config().Neighbors

	users := usersOf(testData)
	if testData == nil {
		users = m.Users()
	}
	start = time.Now()
	recs := recommendAll(m, users, *k)
	res.RecSeconds = time.Since(start).Seconds()
	res.RecUsers = len(users)
	if *out != "" {
		if err := writeRecs(*out, users, recs); err != nil {
			return err
		}
	}
	if testData != nil {
		byUser := make(map[string][]string, len(users))
		for n, u := range users {
			items := make([]string, len(recs[n]))
			for r, rec := range recs[n] {
				items[r] = rec.Item
			}
			byUser[u] = items
		}
		met := eval.Score(eval.NewTruth(slices.Values(testData)), byUser, *k, m.NumItems())
		res.Metrics = &met
	}
	res.PeakMB = peakRSSMB()

	if *asJSON {
		return cli.WriteJSON(stdout, res)
	}
	data := res.Data
	if res.Format != "" {
		data += " (" + res.Format + ")"
	}
	fmt.Fprintf(stdout, "data        %s: %d train rows, %d test rows\n", data, res.TrainRows, res.TestRows)
	fmt.Fprintf(stdout, "model       %s (similarity %s, neighbors %d): %d users, %d items\n", res.Model, res.Similarity, res.Neighbors, res.Users, res.Items)
	fmt.Fprintf(stdout, "fit         %.3f s\n", res.FitSeconds)
	if n := res.Fit.Ignored(); n > 0 {
		fmt.Fprintf(stdout, "ignored     %d of %d interactions weighed 0 (unknown kinds %v, zero weights %v)\n", n, res.Fit.Read, res.Fit.UnknownKinds, res.Fit.ZeroWeight)
	}
	fmt.Fprintf(stdout, "recommend   %.3f s for %d users\n", res.RecSeconds, res.RecUsers)
	fmt.Fprintf(stdout, "peak memory %.0f MB\n", res.PeakMB)
	if mt := res.Metrics; mt != nil {
		fmt.Fprintf(stdout, "metrics@%d  precision %.4f  recall %.4f  ndcg %.4f  map %.4f  hit-rate %.4f  coverage %.4f  (%d users)\n",
			mt.K, mt.Precision, mt.Recall, mt.NDCG, mt.MAP, mt.HitRate, mt.Coverage, mt.Users)
	}
	return nil
}

// synthetic is the built-in data: tailor's synthetic shop, ratings as weights.
func synthetic() []recommend.Interaction {
	var data []recommend.Interaction
	for in := range interactsim.Interactions(interactsim.Small()) {
		data = append(data, recommend.Interaction{User: interactsim.UserID(in.User), Item: interactsim.ItemID(in.Item),
			Weight: float64(in.Weight), Time: time.Unix(in.Time, 0).UTC()})
	}
	return data
}

// readFile reads a held-out interactions TSV, reporting its bad rows on stderr.
func readFile(path string, stderr io.Writer) ([]recommend.Interaction, error) {
	r, closeFn, err := cli.Open(path, os.Stdin)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	var rep recommend.ReadReport
	data := slices.Collect(recommend.SkipBad(recommend.ReadTSV(r), &rep))
	if err := cli.CheckRead(stderr, path, &rep); err != nil {
		return nil, err
	}
	return data, nil
}

func usersOf(data []recommend.Interaction) []string {
	seen := map[string]bool{}
	var users []string
	for _, in := range data {
		if !seen[in.User] {
			seen[in.User] = true
			users = append(users, in.User)
		}
	}
	return users
}

// recommendAll queries the model for every user on all cores; the model is safe for
// concurrent use.
func recommendAll(m *recommend.Model, users []string, k int) [][]recommend.Rec {
	recs := make([][]recommend.Rec, len(users))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := w; n < len(users); n += workers {
				recs[n] = m.ForUser(users[n], k, recommend.ExcludeSeen())
			}
		}()
	}
	wg.Wait()
	return recs
}

func writeRecs(path string, users []string, recs [][]recommend.Rec) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for n, u := range users {
		for r, rec := range recs[n] {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", textio.EscapeCell(u), r+1, textio.EscapeCell(rec.Item), strconv.FormatFloat(rec.Score, 'g', 9, 64))
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports kilobytes
}
