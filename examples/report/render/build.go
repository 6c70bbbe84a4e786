package render

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/clv"
	"github.com/tailorkit/tailor/recommend"
	"github.com/tailorkit/tailor/recommend/eval"
	"github.com/tailorkit/tailor/segment"
)

// Data is the raw material of a report: what a shop holds. Every field is optional; a chart
// whose data is missing is left out and the report says why.
type Data struct {
	// Source names the data in every caption ("synthetic shop (seed 1)", a file name).
	Source string
	// Now is the reference time of recency, cohorts and lifetime value; zero means the
	// latest order.
	Now time.Time
	// Orders feed cohorts, RFM, clusters, lifetime value and the recommender.
	Orders []profile.Order
	// Events feed the channel KPIs and the funnel.
	Events []profile.Event
	// Experiment holds experiment aggregates (one row per variant and metric); only the
	// first experiment in it is read out.
	Experiment []abtest.Row
	// Units are the experiment's units in time, for the sequential path of the conversion
	// estimate; the first variant seen in Experiment is the control.
	Units []Unit
}

// Unit is one randomisation unit of an experiment: when it entered, its variant, and when it
// converted (zero if it never did).
type Unit struct {
	ID        string
	Variant   string
	Enrolled  time.Time
	Converted time.Time
}

// Config chooses the parameters of the analyses. The zero value is the documented default of
// every field.
type Config struct {
	// Clusters is the k of k-means; default 4.
	Clusters int
	// Seed seeds k-means and the recommender's train/test split; default 1.
	Seed uint64
	// TopK is the largest cut-off of precision and recall; default 10.
	TopK int
}

// ErrConfig is wrapped by every error of Config.Validate.
var ErrConfig = errors.New("render: invalid config")

// Validate reports an out-of-range field.
func (c Config) Validate() error {
	switch {
	case c.Clusters < 0 || c.Clusters == 1 || c.Clusters > 8:
		return fmt.Errorf("%w: Clusters %d: want 0 (default 4) or 2..8", ErrConfig, c.Clusters)
	case c.TopK < 0 || c.TopK > 50:
		return fmt.Errorf("%w: TopK %d: want 0 (default 10) or 1..50", ErrConfig, c.TopK)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Clusters == 0 {
		c.Clusters = 4
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.TopK == 0 {
		c.TopK = 10
	}
	return c
}

// Input is what Write draws: the library's results. Build fills it from Data; a host with its
// own results (a server with live models) fills it directly. A nil section is left out of the
// report, with the reason from Missing.
type Input struct {
	Source string
	// Now is the reference time shown in the header.
	Now time.Time
	// Orders and Customers count the order history behind the customer charts.
	Orders, Customers int
	// Events counts the events behind the KPI charts.
	Events int

	Cohorts  *segment.Cohorts
	RFM      *RFMResult
	Clusters *ClusterResult
	KPIs     *KPIResult
	CLV      *CLVResult
	AB       *ABResult
	Recs     *RecResult

	// Missing says, per section left out, why ("no events").
	Missing map[string]string
}

// RFMResult is a fitted RFM model with its scored customers and segment summaries.
type RFMResult struct {
	Bins     int
	Scored   []segment.ScoredRFM
	Segments []segment.SegmentSummary
}

// ClusterResult is a k-means fit on scaled customer features, with the principal components
// of the scaled points (PC1, PC2) the chart draws them on.
type ClusterResult struct {
	Features []string
	// Points are the scaled features the model was fitted on.
	Points segment.Points
	Model  *segment.KMeans
	// Projected[i] is point i on the first two components; Centres[j] is centroid j.
	Projected, Centres [][2]float64
	// Explained is the share of variance of PC1 and PC2.
	Explained [2]float64
}

// KPIResult is a metrics report by channel and a funnel.
type KPIResult struct {
	Report   *metrics.Report
	Funnel   metrics.FunnelResult
	Interval metrics.IntervalConfig
}

// CLVResult is a BG/NBD and Gamma-Gamma fit (time in weeks) and its per-customer predictions.
type CLVResult struct {
	BGNBD       clv.BGNBDFit
	GammaGamma  clv.GammaGammaFit
	Predictions []clv.Prediction
	// HorizonWeeks is the horizon of Prediction.Value.
	HorizonWeeks float64
	// MaxT is the largest customer age T, the T of the matrices.
	MaxT float64
	// MaxFrequency is the largest repeat count, the last row of the matrices.
	MaxFrequency int
}

// ABResult is an experiment readout and the sequential path of its conversion lift.
type ABResult struct {
	Readout abtest.ExperimentReadout
	// Path is the always-valid relative lift in conversion, one look per week; empty without
	// Units.
	Path []Look
}

// Look is one look at a running experiment.
type Look struct {
	Time             time.Time
	Control, Treated int64
	Estimate         float64
	Lower, Upper     float64
}

// RecResult compares the item-kNN recommender with the popularity baseline on a held-out
// split: Model[k-1] and Popularity[k-1] are the metrics at cut-off k.
type RecResult struct {
	TrainPairs, TestPairs int
	Model, Popularity     []eval.Metrics
}

// Build runs every analysis Data allows. A section whose data is missing or too small is left
// out and noted in Input.Missing; an error is returned only for a bad Config, a cancelled ctx
// or invalid data the library rejects.
func Build(ctx context.Context, d Data, cfg Config) (*Input, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	in := &Input{Source: d.Source, Now: d.Now, Missing: map[string]string{}}
	if len(d.Orders) == 0 {
		for _, s := range []string{SectionCohorts, SectionRFM, SectionClusters, SectionCLV, SectionRecs} {
			in.Missing[s] = "no orders"
		}
	} else if err := buildCustomers(ctx, d, cfg, in); err != nil {
		return nil, err
	}
	if len(d.Events) == 0 {
		in.Missing[SectionKPIs] = "no events"
	} else if err := buildKPIs(ctx, d, in); err != nil {
		return nil, err
	}
	if len(d.Experiment) == 0 {
		in.Missing[SectionAB] = "no experiment aggregates"
	} else if err := buildAB(ctx, d, in); err != nil {
		return nil, err
	}
	return in, ctx.Err()
}

func buildCustomers(ctx context.Context, d Data, cfg Config, in *Input) error {
	act, err := segment.CollectActivity(ctx, slices.Values(d.Orders), segment.CollectConfig{Now: d.Now})
	if err != nil {
		return err
	}
	for _, o := range d.Orders {
		if !o.IsReturn() && o.CustomerID != "" {
			in.Orders++
		}
		if d.Now.IsZero() && o.Time.After(in.Now) {
			in.Now = o.Time
		}
	}
	in.Customers = act.Len()
	if in.Cohorts, err = act.Cohorts(segment.CohortConfig{}); err != nil {
		return err
	}
	values, err := act.RFM(segment.RFMValuesConfig{})
	if err != nil {
		return err
	}
	if model, err := segment.FitRFM(values, segment.RFMConfig{}); err != nil {
		in.Missing[SectionRFM] = err.Error()
	} else {
		scored := model.ScoreAll(values)
		in.RFM = &RFMResult{Bins: 5, Scored: scored, Segments: model.Summary(scored)}
	}
	if c, err := Cluster(ctx, values, cfg.Clusters, cfg.Seed); err != nil {
		in.Missing[SectionClusters] = err.Error()
	} else {
		in.Clusters = c
	}
	if c, err := LifetimeValue(ctx, d.Orders, d.Now); err != nil {
		in.Missing[SectionCLV] = err.Error()
	} else {
		in.CLV = c
	}
	if r, err := EvaluateRecommender(ctx, d.Orders, cfg.TopK, cfg.Seed); err != nil {
		in.Missing[SectionRecs] = err.Error()
	} else {
		in.Recs = r
	}
	return ctx.Err()
}

// clusterFeatures are the customer features k-means clusters, in column order.
var clusterFeatures = [...]string{"recency_days", "orders", "revenue"}

// Cluster fits k-means on each customer's (recency in days, orders, revenue), log1p and
// z-scored, and projects the points and centres on the first two principal components of the
// scaled points (gonum's stat.PC).
func Cluster(ctx context.Context, values []segment.CustomerRFM, k int, seed uint64) (*ClusterResult, error) {
	rows := make([][]float64, 0, len(values))
	for _, v := range values {
		rows = append(rows, []float64{math.Max(v.Recency, 0), float64(v.Orders), math.Max(v.Revenue, 0)})
	}
	if len(rows) < 2*k {
		return nil, fmt.Errorf("%d customers: too few for %d clusters", len(rows), k)
	}
	p, err := segment.PointsFromRows(rows)
	if err != nil {
		return nil, err
	}
	sc, err := segment.FitScaler(p, segment.ScalerConfig{Log1p: true})
	if err != nil {
		return nil, err
	}
	p = sc.TransformPoints(p)
	m, err := segment.FitKMeans(ctx, p, segment.KMeansConfig{K: k, Seed: seed, Restarts: 4})
	if err != nil {
		return nil, err
	}
	proj, centres, explained, err := principal2(p, m.Centroids)
	if err != nil {
		return nil, err
	}
	return &ClusterResult{Features: clusterFeatures[:], Points: p, Model: m, Projected: proj, Centres: centres, Explained: explained}, nil
}

// principal2 projects the centred points and centres on the first two principal components.
func principal2(p, centres segment.Points) (proj, cproj [][2]float64, explained [2]float64, err error) {
	n, dim := p.Len(), p.Dim
	x := mat.NewDense(n, dim, slices.Clone(p.Data))
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		return nil, nil, explained, errors.New("principal components did not converge")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	total := 0.0
	for _, v := range vars {
		total += v
	}
	if total > 0 {
		explained = [2]float64{vars[0] / total, vars[1] / total}
	}
	mean := make([]float64, dim)
	for j := range dim {
		mean[j] = stat.Mean(mat.Col(nil, j, x), nil)
	}
	project := func(row []float64) [2]float64 {
		var out [2]float64
		for c := range 2 {
			for j := range dim {
				out[c] += (row[j] - mean[j]) * vecs.At(j, c)
			}
		}
		return out
	}
	for i := range n {
		proj = append(proj, project(p.Row(i)))
	}
	for j := range centres.Len() {
		cproj = append(cproj, project(centres.Row(j)))
	}
	return proj, cproj, explained, nil
}

// LifetimeValue summarises the orders per day in weeks up to now (zero: the latest order),
// fits BG/NBD and Gamma-Gamma and predicts each customer's value over 52 weeks.
func LifetimeValue(ctx context.Context, orders []profile.Order, now time.Time) (*CLVResult, error) {
	customers, err := clv.Summarize(clv.FromOrders(slices.Values(orders)), clv.SummaryConfig{End: now, Period: clv.Day, Unit: clv.Week})
	if err != nil {
		return nil, err
	}
	bg, err := clv.FitBGNBD(ctx, customers, clv.FitConfig{})
	if err != nil {
		return nil, fmt.Errorf("BG/NBD: %w", err)
	}
	gg, err := clv.FitGammaGamma(ctx, customers, clv.FitConfig{})
	if err != nil {
		return nil, fmt.Errorf("Gamma-Gamma: %w", err)
	}
	preds, err := clv.Predict(bg.BGNBD, gg.GammaGamma, customers, clv.ValueConfig{Horizon: 52, PeriodLength: 1})
	if err != nil {
		return nil, fmt.Errorf("lifetime value: %w", err)
	}
	res := &CLVResult{BGNBD: bg, GammaGamma: gg, HorizonWeeks: 52, Predictions: preds}
	for _, c := range customers {
		res.MaxT = math.Max(res.MaxT, c.T)
		res.MaxFrequency = max(res.MaxFrequency, c.Frequency)
	}
	return res, nil
}

// FunnelSteps are the steps of the report's funnel.
func FunnelSteps() []profile.EventType {
	return []profile.EventType{profile.View, profile.AddToCart, profile.Checkout, profile.Purchase}
}

func buildKPIs(ctx context.Context, d Data, in *Input) error {
	acc, err := metrics.NewAccumulator(metrics.Config{})
	if err != nil {
		return err
	}
	fun, err := metrics.NewFunnel(metrics.FunnelConfig{Steps: FunnelSteps()})
	if err != nil {
		return err
	}
	for i := range d.Events {
		fun.Add(&d.Events[i])
	}
	if err := acc.AddAll(ctx, slices.Values(d.Events)); err != nil {
		return err
	}
	in.Events = len(d.Events)
	in.KPIs = &KPIResult{Report: acc.Report(metrics.ByChannel()), Funnel: fun.Result()}
	return nil
}

func buildAB(ctx context.Context, d Data, in *Input) error {
	ro, err := abtest.Analyze(ctx, slices.Values(d.Experiment), abtest.ReadoutConfig{})
	if err != nil {
		return err
	}
	if len(ro.Experiments) == 0 {
		in.Missing[SectionAB] = "no experiment in the aggregates"
		return nil
	}
	res := &ABResult{Readout: ro.Experiments[0]}
	if len(d.Units) > 0 && len(res.Readout.Variants) >= 2 {
		res.Path = SequentialPath(d.Units, res.Readout.Variants[0], res.Readout.Variants[1])
	}
	if len(res.Path) == 0 {
		in.Missing[SectionAB+" sequential path"] = "no per-unit enrolment and conversion times (aggregates only)"
	}
	in.AB = res
	return nil
}

// SequentialPath looks at the experiment at the end of every week from the first enrolment:
// the units enrolled so far, converted so far, and gbstats' always-valid confidence sequence
// (abtest.ConfidenceSequence) of the relative lift in conversion of treatment over control.
// Looks where the sequence is not defined yet (no conversions in the control) are left out.
func SequentialPath(units []Unit, control, treatment string) []Look {
	if len(units) == 0 {
		return nil
	}
	sorted := slices.Clone(units)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Enrolled.Before(sorted[j].Enrolled) })
	start := sorted[0].Enrolled.Truncate(24 * time.Hour)
	end := sorted[0].Enrolled
	for _, u := range sorted {
		end = maxTime(end, maxTime(u.Enrolled, u.Converted))
	}
	var path []Look
	for at := start.AddDate(0, 0, 7); ; at = at.AddDate(0, 0, 7) {
		last := !at.Before(end)
		if last {
			at = end.Add(time.Nanosecond)
		}
		var c, t abtest.Moments
		for _, u := range sorted {
			if !u.Enrolled.Before(at) {
				break
			}
			x := 0.0
			if !u.Converted.IsZero() && u.Converted.Before(at) {
				x = 1
			}
			switch u.Variant {
			case control:
				c.Add(x)
			case treatment:
				t.Add(x)
			}
		}
		if r, err := abtest.ConfidenceSequence(c, t, abtest.SequentialConfig{Relative: true}); err == nil {
			path = append(path, Look{Time: at, Control: c.N, Treated: t.N, Estimate: r.Estimate, Lower: r.Lower, Upper: r.Upper})
		}
		if last {
			return path
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Interactions turns the order lines bought (positive quantity, with an item) into one
// purchase interaction per customer and item, at its first purchase, sorted by user, time
// and item.
func Interactions(orders []profile.Order) []recommend.Interaction {
	type key struct{ user, item string }
	first := map[key]recommend.Interaction{}
	for _, o := range orders {
		if o.CustomerID == "" {
			continue
		}
		for _, l := range o.Lines {
			if l.Quantity <= 0 || l.ItemID == "" {
				continue
			}
			k := key{o.CustomerID, l.ItemID}
			if old, ok := first[k]; !ok || o.Time.Before(old.Time) {
				first[k] = recommend.Interaction{User: o.CustomerID, Item: l.ItemID, Kind: string(profile.Purchase), Time: o.Time, Category: l.Category}
			}
		}
	}
	out := make([]recommend.Interaction, 0, len(first))
	for _, in := range first {
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.User != b.User {
			return a.User < b.User
		}
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.Item < b.Item
	})
	return out
}

// EvaluateRecommender splits the purchase interactions 75/25 per user (eval.StratifiedSplit),
// fits item-kNN with the library's defaults on the training part and scores, at every
// cut-off 1..topK, its top items for each test user (seen items excluded) and the popularity
// baseline (the library's fallback for an empty history, the user's training items
// excluded).
func EvaluateRecommender(ctx context.Context, orders []profile.Order, topK int, seed uint64) (*RecResult, error) {
	data := Interactions(orders)
	if len(data) == 0 {
		return nil, errors.New("no order lines with an item ID")
	}
	train, test := eval.StratifiedSplit(data, 0.75, seed)
	if len(test) == 0 {
		return nil, errors.New("no customer bought more than one item: nothing to hold out")
	}
	m, err := recommend.FitSlice(ctx, train, recommend.Config{})
	if err != nil {
		return nil, err
	}
	seen := map[string][]string{}
	for _, it := range train {
		seen[it.User] = append(seen[it.User], it.Item)
	}
	truth := eval.NewTruth(slices.Values(test))
	model, pop := map[string][]string{}, map[string][]string{}
	for user := range truth {
		model[user] = items(m.ForUser(user, topK, recommend.ExcludeSeen()))
		pop[user] = items(m.ForHistory(nil, topK, recommend.Exclude(seen[user]...)))
	}
	res := &RecResult{TrainPairs: len(train), TestPairs: len(test)}
	for k := 1; k <= topK; k++ {
		res.Model = append(res.Model, eval.Score(truth, model, k, m.NumItems()))
		res.Popularity = append(res.Popularity, eval.Score(truth, pop, k, m.NumItems()))
	}
	return res, ctx.Err()
}

func items(recs []recommend.Rec) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Item
	}
	return out
}
