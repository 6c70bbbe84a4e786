// Command sessionrec recommends the next items of anonymous sessions with tailor's session
// kNN (package recommend/session) and scores them with session-rec's next-item protocol.
//
// Usage:
//
//	sessionrec -train TRAIN -test TEST [-k 20] [-out PREDS] [-method vstan] [parameters]
//	sessionrec            (no files: the synthetic shop)
//
// TRAIN and TEST are session<TAB>item<TAB>unix_seconds, no header (the shared scorer's
// format). The program indexes TRAIN, then for every test session and every prefix
// p = 1..len-1 recommends the top k next items, writes them to PREDS as
// session<TAB>position<TAB>rank<TAB>item<TAB>score, and prints HR@k and MRR@k (over all
// next-item events, as score.py counts them), item coverage, the mean popularity of what was
// recommended and the time taken. A bad line in either file stops the program with its line
// number before anything is indexed.
//
// Without -train and -test it runs on tailor's synthetic shop: the product views, clicks and
// cart additions of its sessions, the sessions of the last 7 days held out as the test set;
// it prints the same scores and then the next items for one anonymous visitor's session.
//
// Unless GOGC is set, the program runs with GOGC=400: it holds the whole input while it
// indexes, and collecting less often saves about a tenth of its time.
//
// Every parameter of session.Config is a flag; a flag left at 0 (or empty) takes the
// library's default, so the defaults measured are the library's.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/recommend/eval"
	"github.com/tailorkit/tailor/recommend/session"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "sessionrec:", err)
		os.Exit(1)
	}
}

// summary is what the program prints, as JSON with -json.
type summary struct {
	Data      string              `json:"data"`
	Config    session.Config      `json:"config"`
	Train     session.Stats       `json:"train"`
	Report    eval.NextItemReport `json:"report"`
	LoadSec   float64             `json:"load_s"` // the test set (and the shop's simulation)
	FitSec    float64             `json:"fit_s"`  // reading the training file and indexing it
	PredSec   float64             `json:"predict_s"`
	Anonymous *anonymous          `json:"anonymous,omitempty"`
}

type anonymous struct {
	Visitor string          `json:"visitor"`
	Seen    []session.Click `json:"seen"`
	Next    []session.Rec   `json:"next"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sessionrec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		trainPath = fs.String("train", "", "training sessions `TSV` (session, item, unix_seconds); empty: the synthetic shop")
		testPath  = fs.String("test", "", "test sessions `TSV`, same format; required with -train")
		outPath   = fs.String("out", "", "write every list to this `file` as session, position, rank, item, score")
		k         = fs.Int("k", 20, "length of each list (HR@k, MRR@k)")
		method    = fs.String("method", "vstan", "vstan, stan, vsknn, sknn or sr")
		workers   = fs.Int("workers", 0, "queries run at once (0: all cores)")
		asJSON    = fs.Bool("json", false, "print the summary as JSON")
		cpuProf   = fs.String("cpuprofile", "", "write a CPU profile of the run to this `file`")
		cfg       session.Config
		simName   = fs.String("similarity", "", "SKNN similarity: cosine or jaccard (empty: cosine)")
		posW      = fs.String("position-weight", "", "VSKNN position weight: same, div, linear, log, quadratic (empty: quadratic)")
		distW     = fs.String("distance-weight", "", "VSKNN distance weight: same, div, linear, log, quadratic (empty: div)")
		ruleW     = fs.String("rule-weight", "", "SR rule weight by distance: same, div, linear, log, quadratic (empty: div)")
		recency   = fs.Float64("session-recency", 0, "STAN/VSTAN lambda_snh in `days` (0: 80 for vstan, 20 for stan)")
		gap       = fs.Duration("gap", 0, "pause that splits a visitor's events into sessions when no session ID is given (0: 30m)")
	)
	fs.IntVar(&cfg.Neighbors, "neighbors", 0, "neighbour sessions that vote, k (0: vstan 500, stan 500, vsknn 500, sknn 100)")
	fs.IntVar(&cfg.SampleSize, "sample", 0, "most recent sessions sharing an item that are compared, for sr holding the last item (0: vstan 2500, stan 10000, vsknn 5000, sknn 500, sr 10000)")
	fs.Float64Var(&cfg.IDFWeight, "idf-weight", 0, "VSKNN/VSTAN IDF weight lambda_idf (0: vstan 10, vsknn 5)")
	fs.Float64Var(&cfg.SessionPositionDecay, "session-position-decay", 0, "STAN/VSTAN lambda_spw (0: vstan 4.9, stan 1.225)")
	fs.Float64Var(&cfg.ItemPositionDecay, "item-position-decay", 0, "STAN/VSTAN lambda_inh (0: 4.9)")
	fs.Float64Var(&cfg.MatchPositionDecay, "match-position-decay", 0, "VSTAN lambda_ipw (0: 1.225)")
	fs.IntVar(&cfg.Steps, "steps", 0, "SR steps (0: 25)")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", 0, "sessions kept in the index, the oldest age out (0: 1000000)")
	fs.IntVar(&cfg.MaxLength, "max-length", 0, "events kept per session, the latest (0: 200)")
	fs.BoolVar(&cfg.NoFallback, "no-fallback", false, "do not fill short lists with popular items")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sessionrec -train TRAIN -test TEST [-k 20] [-out PREDS] [flags]\n"+
			"       sessionrec   (the synthetic shop)\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if cfg.Method, err = session.ParseMethod(*method); err != nil {
		return err
	}
	if *simName != "" {
		if err := cfg.Similarity.UnmarshalText([]byte(*simName)); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		s   string
		dst *session.Decay
	}{{*posW, &cfg.PositionWeight}, {*distW, &cfg.DistanceWeight}, {*ruleW, &cfg.RuleWeight}} {
		if d.s != "" {
			if *d.dst, err = session.ParseDecay(d.s); err != nil {
				return err
			}
		}
	}
	if *recency < 0 || *recency > 1e6 {
		return fmt.Errorf("-session-recency %v: must be in [0, 1e6] days", *recency)
	}
	cfg.SessionRecency = time.Duration(*recency * 24 * float64(time.Hour))
	cfg.Gap = *gap
	if err := cfg.Validate(); err != nil {
		return err
	}
	if *k <= 0 {
		return fmt.Errorf("-k %d: must be positive", *k)
	}
	if (*trainPath == "") != (*testPath == "") {
		return errors.New("-train and -test go together")
	}

	if os.Getenv("GOGC") == "" {
		// the index is long-lived and small next to the input: collect less often
		debug.SetGCPercent(400)
	}
	if *cpuProf != "" {
		f, err := os.Create(*cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sum := summary{Data: "synthetic shop"}
	t0 := time.Now()
	var test []session.Event
	var train iter.Seq[session.Event]
	var trainErr error
	anon := map[string]bool{}
	if *trainPath != "" {
		sum.Data = *trainPath
		if test, err = load(*testPath); err != nil {
			return err
		}
		// the training file streams into Fit; a bad line stops it and the model is dropped
		train = func(yield func(session.Event) bool) { trainErr = stream(*trainPath, yield) }
	} else {
		var evs []session.Event
		evs, test = shop(anon)
		train = slices.Values(evs)
	}
	t1 := time.Now()
	m, err := session.Fit(ctx, train, cfg)
	if trainErr != nil {
		return trainErr
	}
	if err != nil {
		return err
	}
	t2 := time.Now()
	sum.Config, sum.Train = m.Config(), m.Stats()

	var w *bufio.Writer
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = bufio.NewWriterSize(f, 1<<20)
	}
	maxPop := 1.0 // the most popular item's events: the first popularity fallback's score
	if top := m.Recommend(nil, 1); len(top) > 0 {
		maxPop = top[0].Score
	}
	var buf []byte
	ecfg := eval.NextItemConfig{
		K: *k, Workers: *workers, CatalogSize: sum.Train.Items,
		Popularity: func(item string) float64 { return float64(m.Popularity(item)) / maxPop },
	}
	if w != nil {
		ecfg.OnList = func(s string, p int, recs []session.Rec) error {
			for r, x := range recs {
				buf = append(buf[:0], s...)
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, int64(p), 10)
				buf = append(buf, '\t')
				buf = strconv.AppendInt(buf, int64(r+1), 10)
				buf = append(buf, '\t')
				buf = append(buf, x.Item...)
				buf = append(buf, '\t')
				buf = strconv.AppendFloat(buf, x.Score, 'g', -1, 64)
				buf = append(buf, '\n')
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
			return nil
		}
	}
	rep, err := eval.NextItem(ctx, m, slices.Values(test), ecfg)
	if err != nil {
		return err
	}
	if w != nil {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	t3 := time.Now()
	sum.Report = rep
	sum.LoadSec, sum.FitSec, sum.PredSec = t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds(), t3.Sub(t2).Seconds()
	if *trainPath == "" {
		sum.Anonymous = showAnonymous(m, test, anon)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	fmt.Fprintf(stdout, "data: %s (%d sessions, %d events, %d items indexed)\n",
		sum.Data, sum.Train.Sessions, sum.Train.Events, sum.Train.Items)
	fmt.Fprintf(stdout, "method: %s  neighbors %d  sample %d\n", sum.Config.Method, sum.Config.Neighbors, sum.Config.SampleSize)
	fmt.Fprintf(stdout, "HR@%d %.4f  MRR@%d %.4f  (%d next-item events in %d sessions, %d predicted)\n",
		rep.K, rep.HR, rep.K, rep.MRR, rep.Events, rep.Sessions, rep.Predicted)
	fmt.Fprintf(stdout, "coverage %.4f  mean popularity %.4f\n", rep.Coverage, rep.MeanPopularity)
	fmt.Fprintf(stdout, "time: load test %.2f s, load and fit train %.2f s, predict+write %.2f s\n", sum.LoadSec, sum.FitSec, sum.PredSec)
	if a := sum.Anonymous; a != nil {
		fmt.Fprintf(stdout, "\nanonymous visitor %s viewed:", a.Visitor)
		for _, c := range a.Seen {
			fmt.Fprintf(stdout, " %s", c.Item)
		}
		fmt.Fprintf(stdout, "\nnext items:\n")
		for r, x := range a.Next {
			fmt.Fprintf(stdout, "  %d. %-10s %.3f  %s\n", r+1, x.Item, x.Score, x.Source)
		}
	}
	return nil
}

// load reads a sessions file whole: the first bad line is an error naming it, and then
// nothing is returned.
func load(path string) ([]session.Event, error) {
	var evs []session.Event
	err := stream(path, func(e session.Event) bool {
		evs = append(evs, e)
		return true
	})
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// stream yields the events of a sessions file until yield returns false or a line is bad;
// the error names the file and the line.
func stream(path string, yield func(session.Event) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for e, err := range session.ReadTSV(f) {
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if !yield(e) {
			return nil
		}
	}
	return nil
}

// shop turns the synthetic shop's product events into session events and splits off the
// sessions of the last 7 days; anon gets the sessions that began anonymous.
func shop(anon map[string]bool) (train, test []session.Event) {
	var evs []session.Event
	for e := range shopsim.New(shopsim.Config{}).Events() {
		if e.SessionID == "" || e.ItemID == "" {
			continue
		}
		switch e.Type {
		case profile.View, profile.Click, profile.AddToCart:
		default:
			continue
		}
		if _, ok := anon[e.SessionID]; !ok {
			anon[e.SessionID] = e.CustomerID == ""
		}
		evs = append(evs, session.Event{Session: e.SessionID, Visitor: e.Person(), Item: e.ItemID, Time: e.Time})
	}
	return eval.SplitSessionsByTime(evs, 7*24*time.Hour)
}

// showAnonymous recommends the next items after the first three clicks of the first test
// session that began anonymous (or the first test session).
func showAnonymous(m *session.Model, test []session.Event, anon map[string]bool) *anonymous {
	pick := ""
	for _, e := range test {
		if anon[e.Session] {
			pick = e.Session
			break
		}
	}
	if pick == "" && len(test) > 0 {
		pick = test[0].Session
	}
	a := &anonymous{}
	for _, e := range test {
		if e.Session == pick && len(a.Seen) < 3 {
			a.Visitor = e.Visitor
			a.Seen = append(a.Seen, session.Click{Item: e.Item, Time: e.Time})
		}
	}
	if len(a.Seen) == 0 {
		return nil
	}
	a.Next = m.Recommend(a.Seen, 5)
	return a
}
