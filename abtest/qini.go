package abtest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"

	"github.com/tailorkit/tailor/internal/textio"
)

// ErrNoUplift: a normalised uplift score (QiniAUCScore, UpliftAUCScore) does not exist because
// the perfect curve has no area above the random baseline (no unit responded differently under
// treatment, or with negative effects excluded, no positive incremental outcome at all).
var ErrNoUplift = errors.New("abtest: the perfect curve does not rise above the random baseline")

// ScoredUnit is one unit of a scored population for the uplift metrics: the score that ranks it
// (a predicted uplift, a rule, P(alive), any host model: higher means target first), whether it
// was treated, and its outcome (1 or 0 for a conversion; scikit-uplift requires binary
// outcomes, here any outcome within textio.MaxMagnitude is accepted and the same formulas are
// applied).
type ScoredUnit struct {
	Score   float64
	Treated bool
	Outcome float64
}

// Curve is a curve as scikit-uplift returns it: X the number of units targeted (or, for
// PerfectQiniCurve without negative effects, the points scikit-uplift defines), Y the curve's
// value there.
type Curve struct {
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
}

// UpliftStrategy is how uplift at k and uplift by percentile take the top of the ranking, as
// scikit-uplift's strategy argument. The zero value is Overall.
type UpliftStrategy int

const (
	// Overall ('overall'): the top k units of the whole population, then the treated and the
	// control among them.
	Overall UpliftStrategy = iota
	// ByGroup ('by_group'): the top k of the treated and the top k of the control, ranked
	// separately.
	ByGroup
)

// String returns scikit-uplift's name of the strategy.
func (s UpliftStrategy) String() string {
	switch s {
	case Overall:
		return "overall"
	case ByGroup:
		return "by_group"
	}
	return fmt.Sprintf("UpliftStrategy(%d)", int(s))
}

// MarshalText encodes the strategy as its name.
func (s UpliftStrategy) MarshalText() ([]byte, error) {
	if s != Overall && s != ByGroup {
		return nil, fmt.Errorf("%w: unknown uplift strategy %d", ErrInvalidInput, int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "overall" or "by_group".
func (s *UpliftStrategy) UnmarshalText(b []byte) error {
	switch string(b) {
	case "overall":
		*s = Overall
	case "by_group":
		*s = ByGroup
	default:
		return fmt.Errorf("%w: unknown uplift strategy %q", ErrInvalidInput, b)
	}
	return nil
}

// ranked is a validated scored population in scikit-uplift's order:
// np.argsort(score, kind="mergesort")[::-1], that is by score descending with tied units in
// reverse input order.
type ranked struct {
	units      []ScoredUnit
	nT, nC     int
	sumT, sumC float64
}

func rank(seq iter.Seq[ScoredUnit]) (ranked, error) {
	var r ranked
	i := 0
	for u := range seq {
		i++
		if math.IsNaN(u.Score) || math.IsInf(u.Score, 0) {
			return r, fmt.Errorf("%w: unit %d: score %g is not finite", ErrInvalidInput, i, u.Score)
		}
		if !textio.InRange(u.Outcome) {
			return r, fmt.Errorf("%w: unit %d: outcome %g: %w", ErrInvalidInput, i, u.Outcome, textio.ErrRange)
		}
		if u.Treated {
			r.nT++
			r.sumT += u.Outcome
		} else {
			r.nC++
			r.sumC += u.Outcome
		}
		r.units = append(r.units, u)
	}
	if r.nT == 0 || r.nC == 0 {
		return r, fmt.Errorf("%w: uplift metrics need treated and control units (got %d treated, %d control)", ErrTooFewUnits, r.nT, r.nC)
	}
	r.units = sklearnOrder(r.units)
	return r, nil
}

// sklearnOrder returns the units in the order of np.argsort(score, kind="mergesort")[::-1]:
// by score descending, ties in reverse input order. It sorts (score, position) keys, which is
// the same order without a stable sort's extra cost.
func sklearnOrder(units []ScoredUnit) []ScoredUnit {
	idx := make([]int, len(units))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(units[b].Score, units[a].Score); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	out := make([]ScoredUnit, len(units))
	for i, j := range idx {
		out[i] = units[j]
	}
	return out
}

// cumulative returns, at each last position of a run of equal scores, the units so far, the
// treated so far and their outcome sums.
func (r ranked) cumulative(point func(n, nT, yT, nC, yC float64)) {
	var nT, yT, nC, yC float64
	for i, u := range r.units {
		if u.Treated {
			nT++
			yT += u.Outcome
		} else {
			nC++
			yC += u.Outcome
		}
		if i == len(r.units)-1 || r.units[i+1].Score != u.Score {
			point(float64(i+1), nT, yT, nC, yC)
		}
	}
}

func div0(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// startAtOrigin prepends (0, 0) as scikit-uplift does.
func startAtOrigin(c Curve) Curve {
	if len(c.X) == 0 || c.X[0] != 0 || c.Y[0] != 0 {
		c.X = append([]float64{0}, c.X...)
		c.Y = append([]float64{0}, c.Y...)
	}
	return c
}

func (r ranked) qini() Curve {
	var c Curve
	r.cumulative(func(n, nT, yT, nC, yC float64) {
		c.X = append(c.X, n)
		c.Y = append(c.Y, yT-yC*div0(nT, nC))
	})
	return startAtOrigin(c)
}

func (r ranked) uplift() Curve {
	var c Curve
	r.cumulative(func(n, nT, yT, nC, yC float64) {
		c.X = append(c.X, n)
		c.Y = append(c.Y, (div0(yT, nT)-div0(yC, nC))*n)
	})
	return startAtOrigin(c)
}

// QiniCurve is scikit-uplift's qini_curve (Radcliffe 2007): ranking the units by score, at the
// end of each run of equal scores (n units targeted, n_t of them treated with outcome sum y_t,
// n_c control with outcome sum y_c)
//
//	Q(n) = y_t - y_c n_t/n_c   (y_t when n_c = 0)
//
// starting at (0, 0): the incremental outcomes among the top n, scaling the control to the
// treated count. Needs at least one treated and one control unit (ErrTooFewUnits); a score or
// outcome that is not finite is ErrInvalidInput.
func QiniCurve(units iter.Seq[ScoredUnit]) (Curve, error) {
	r, err := rank(units)
	if err != nil {
		return Curve{}, err
	}
	return r.qini(), nil
}

// UpliftCurve is scikit-uplift's uplift_curve: at the end of each run of equal scores
//
//	U(n) = (y_t/n_t - y_c/n_c) n   (a ratio with a zero count is 0)
//
// starting at (0, 0). Errors as QiniCurve.
func UpliftCurve(units iter.Seq[ScoredUnit]) (Curve, error) {
	r, err := rank(units)
	if err != nil {
		return Curve{}, err
	}
	return r.uplift(), nil
}

// oracle builds the ranked population of a perfect curve: the same units, in their input
// order, scored by score. Ranking the input again keeps scikit-uplift's tie order.
func oracle(units []ScoredUnit, score func(ScoredUnit) float64) ranked {
	o := ranked{units: make([]ScoredUnit, len(units))}
	for i, u := range units {
		o.units[i] = ScoredUnit{Score: score(u), Treated: u.Treated, Outcome: u.Outcome}
	}
	o.units = sklearnOrder(o.units)
	return o
}

func collect(seq iter.Seq[ScoredUnit]) ([]ScoredUnit, ranked, error) {
	units := slices.Collect(seq)
	r, err := rank(slices.Values(units))
	return units, r, err
}

func treatedInd(u ScoredUnit) float64 {
	if u.Treated {
		return 1
	}
	return 0
}

// perfectQini is perfect_qini_curve from the input-order units.
func perfectQini(units []ScoredUnit, r ranked, negativeEffect bool) (Curve, error) {
	if negativeEffect {
		// Treated responders first, control responders last: y t - y (1 - t).
		return oracle(units, func(u ScoredUnit) float64 {
			t := treatedInd(u)
			return u.Outcome*t - u.Outcome*(1-t)
		}).qini(), nil
	}
	inc := r.sumT - float64(r.nT)*r.sumC/float64(r.nC)
	if inc < 0 {
		return Curve{}, fmt.Errorf("%w: incremental outcome %g < 0 with negative effects excluded", ErrNoUplift, inc)
	}
	n := float64(len(units))
	return Curve{X: []float64{0, inc, n}, Y: []float64{0, inc, inc}}, nil
}

// PerfectQiniCurve is scikit-uplift's perfect_qini_curve. With negativeEffect (scikit-uplift's
// default, true) it is the Qini curve of the oracle score y t - y (1 - t): treated responders
// first, then everyone else, control responders last, so the curve rises to its peak and comes
// down to the overall incremental outcome. Without negative effects it is the three points
// (0, 0), (I, I), (n, I) with I = y_t - n_t y_c/n_c over everyone, as scikit-uplift defines
// it; I < 0 makes those points non-monotonic (scikit-uplift's auc then fails) and is an error
// wrapping ErrNoUplift. Other errors as QiniCurve.
func PerfectQiniCurve(units iter.Seq[ScoredUnit], negativeEffect bool) (Curve, error) {
	in, r, err := collect(units)
	if err != nil {
		return Curve{}, err
	}
	return perfectQini(in, r, negativeEffect)
}

// perfectUplift is perfect_uplift_curve from the input-order units.
func perfectUplift(units []ScoredUnit) Curve {
	var controlResponders, treatedNonResponders int
	for _, u := range units {
		if !u.Treated && u.Outcome == 1 {
			controlResponders++
		}
		if u.Treated && u.Outcome == 0 {
			treatedNonResponders++
		}
	}
	return oracle(units, func(u ScoredUnit) float64 {
		t := treatedInd(u)
		s := 0.0
		if u.Outcome == t {
			s = 2
		}
		if controlResponders > treatedNonResponders {
			return s + u.Outcome
		}
		return s + t
	}).uplift()
}

// PerfectUpliftCurve is scikit-uplift's perfect_uplift_curve: the uplift curve of the oracle
// score 2 [y = t] + s, where s is y when the control responders outnumber the treated
// non-responders and t otherwise. Errors as QiniCurve.
func PerfectUpliftCurve(units iter.Seq[ScoredUnit]) (Curve, error) {
	in, _, err := collect(units)
	if err != nil {
		return Curve{}, err
	}
	return perfectUplift(in), nil
}

// trapezoid is the area under a curve by the trapezoidal rule (sklearn.metrics.auc, np.trapz).
func trapezoid(c Curve) float64 {
	a := 0.0
	for i := 1; i < len(c.X); i++ {
		a += (c.X[i] - c.X[i-1]) * (c.Y[i] + c.Y[i-1]) / 2
	}
	return a
}

// normalised is scikit-uplift's (area(actual) - area(random)) / (area(perfect) - area(random)),
// the random baseline being the straight line from (0, 0) to the perfect curve's last point.
func normalised(actual, perfect Curve) (float64, error) {
	last := len(perfect.X) - 1
	base := perfect.X[last] * perfect.Y[last] / 2
	den := trapezoid(perfect) - base
	if den == 0 || math.IsNaN(den) {
		return 0, fmt.Errorf("%w: perfect area %g equals the random baseline's", ErrNoUplift, trapezoid(perfect))
	}
	v := (trapezoid(actual) - base) / den
	if math.IsNaN(v) || math.IsInf(v, 0) {
		// Outcomes near the accepted bound, over many units, make the areas overflow float64.
		return 0, fmt.Errorf("%w: the curves' areas (%g, perfect %g) do not fit a float64", ErrOverflow, trapezoid(actual), trapezoid(perfect))
	}
	return v, nil
}

// QiniAUCScore is scikit-uplift's qini_auc_score, the Qini coefficient normalised to the
// perfect curve:
//
//	(A(Qini) - A(random)) / (A(perfect Qini) - A(random))
//
// with A the trapezoidal area, the perfect curve PerfectQiniCurve(units, negativeEffect)
// (scikit-uplift's default is negativeEffect true) and random the straight line from (0, 0) to
// the perfect curve's last point. A random ranking scores about 0 and the perfect ranking 1;
// worse than random is negative. When the perfect curve has no area above the random line the
// score does not exist: 0 with an error wrapping ErrNoUplift; when the areas overflow float64
// (outcomes near 1e15 over many units) it is 0 with ErrOverflow. Other errors as QiniCurve.
func QiniAUCScore(units iter.Seq[ScoredUnit], negativeEffect bool) (float64, error) {
	in, r, err := collect(units)
	if err != nil {
		return 0, err
	}
	p, err := perfectQini(in, r, negativeEffect)
	if err != nil {
		return 0, err
	}
	return normalised(r.qini(), p)
}

// UpliftAUCScore is scikit-uplift's uplift_auc_score: QiniAUCScore's normalisation applied to
// UpliftCurve and PerfectUpliftCurve. Errors as QiniAUCScore.
func UpliftAUCScore(units iter.Seq[ScoredUnit]) (float64, error) {
	in, r, err := collect(units)
	if err != nil {
		return 0, err
	}
	return normalised(r.uplift(), perfectUplift(in))
}

func checkStrategy(s UpliftStrategy) error {
	if s != Overall && s != ByGroup {
		return fmt.Errorf("%w: unknown uplift strategy %d", ErrInvalidInput, int(s))
	}
	return nil
}

// UpliftAtK is scikit-uplift's uplift_at_k with k a fraction in (0, 1): the mean outcome of the
// treated minus that of the control among the top of the ranking. Overall takes the first
// floor(n k) units of everyone (Python's int(n * k)); ByGroup the first floor(n_t k) treated
// and floor(n_c k) control units, each group ranked on its own. Ties are in scikit-uplift's
// order (reverse input order). When the top holds no treated or no control unit scikit-uplift
// returns NaN: here 0 with an error wrapping ErrTooFewUnits. k outside (0, 1) or an unknown
// strategy is ErrInvalidInput; other errors as QiniCurve.
func UpliftAtK(units iter.Seq[ScoredUnit], k float64, strategy UpliftStrategy) (float64, error) {
	if !(k > 0 && k < 1) {
		return 0, fmt.Errorf("%w: uplift at k needs k in (0, 1), got %g", ErrInvalidInput, k)
	}
	if err := checkStrategy(strategy); err != nil {
		return 0, err
	}
	r, err := rank(units)
	if err != nil {
		return 0, err
	}
	if strategy == Overall {
		return r.topOverall(int(float64(len(r.units)) * k))
	}
	return r.topByGroup(int(float64(r.nT)*k), int(float64(r.nC)*k))
}

// UpliftAtCount is UpliftAtK with k a number of units, as scikit-uplift's integer k: count
// must be in (0, n) with n all units; ByGroup takes count units of each group, and a count above
// a group's size is ErrInvalidInput.
func UpliftAtCount(units iter.Seq[ScoredUnit], count int, strategy UpliftStrategy) (float64, error) {
	if err := checkStrategy(strategy); err != nil {
		return 0, err
	}
	r, err := rank(units)
	if err != nil {
		return 0, err
	}
	if count <= 0 || count >= len(r.units) {
		return 0, fmt.Errorf("%w: uplift at count needs 0 < count < %d, got %d", ErrInvalidInput, len(r.units), count)
	}
	if strategy == Overall {
		return r.topOverall(count)
	}
	if count > r.nT || count > r.nC {
		return 0, fmt.Errorf("%w: count %d exceeds a group (%d treated, %d control)", ErrInvalidInput, count, r.nT, r.nC)
	}
	return r.topByGroup(count, count)
}

func (r ranked) topOverall(size int) (float64, error) {
	var t, c Moments
	for _, u := range r.units[:size] {
		if u.Treated {
			t.Add(u.Outcome)
		} else {
			c.Add(u.Outcome)
		}
	}
	return diffOfMeans(t, c)
}

func (r ranked) topByGroup(nT, nC int) (float64, error) {
	var t, c Moments
	for _, u := range r.units {
		if u.Treated && t.N < int64(nT) {
			t.Add(u.Outcome)
		}
		if !u.Treated && c.N < int64(nC) {
			c.Add(u.Outcome)
		}
	}
	return diffOfMeans(t, c)
}

func diffOfMeans(t, c Moments) (float64, error) {
	if t.N == 0 || c.N == 0 {
		return 0, fmt.Errorf("%w: the top holds %d treated and %d control units", ErrTooFewUnits, t.N, c.N)
	}
	return t.Mean() - c.Mean(), nil
}

// PercentileRow is one bin of UpliftByPercentile, with scikit-uplift's column names: the
// treated and control units in the bin, their response rates (mean outcomes; NaN for a group
// without units in the bin), the uplift (their difference) and the standard deviations
// sqrt(r (1 - r)/n) of the rates and sqrt(var_t + var_c) of the uplift (scikit-uplift's
// binomial formula, meaningful for binary outcomes). In JSON a NaN is null.
type PercentileRow struct {
	Percentile            string
	NTreatment, NControl  int
	ResponseRateTreatment float64
	ResponseRateControl   float64
	Uplift                float64
	StdTreatment          float64
	StdControl            float64
	StdUplift             float64
}

// MarshalJSON encodes the row with scikit-uplift's column names and NaN as null.
func (p PercentileRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Percentile            string   `json:"percentile"`
		NTreatment            int      `json:"n_treatment"`
		NControl              int      `json:"n_control"`
		ResponseRateTreatment *float64 `json:"response_rate_treatment"`
		ResponseRateControl   *float64 `json:"response_rate_control"`
		Uplift                *float64 `json:"uplift"`
		StdTreatment          *float64 `json:"std_treatment"`
		StdControl            *float64 `json:"std_control"`
		StdUplift             *float64 `json:"std_uplift"`
	}{p.Percentile, p.NTreatment, p.NControl, finiteOrNil(p.ResponseRateTreatment),
		finiteOrNil(p.ResponseRateControl), finiteOrNil(p.Uplift), finiteOrNil(p.StdTreatment),
		finiteOrNil(p.StdControl), finiteOrNil(p.StdUplift)})
}

// PercentileReadout is UpliftByPercentile's result: one row per bin, best-scored first, and
// the total over everyone.
type PercentileReadout struct {
	Strategy UpliftStrategy  `json:"strategy"`
	Bins     []PercentileRow `json:"bins"`
	Total    PercentileRow   `json:"total"`
}

// UpliftByPercentile is scikit-uplift's uplift_by_percentile (with std and total): the ranking
// cut into bins as np.array_split cuts (the first n mod bins bins one unit larger), of everyone
// (Overall) or of each group separately (ByGroup), each bin labelled as scikit-uplift labels
// it ("0-10", "10-20", ... with Python's round-half-to-even of p 100/bins). Total is the bins = 1
// row labelled "total"; its standard deviations are those of its own rates (scikit-uplift's
// total row instead sums the bins' standard deviations). bins must be in [1, n) with n all
// units (ErrInvalidInput), as must the strategy; other errors as QiniCurve.
func UpliftByPercentile(units iter.Seq[ScoredUnit], bins int, strategy UpliftStrategy) (PercentileReadout, error) {
	if err := checkStrategy(strategy); err != nil {
		return PercentileReadout{}, err
	}
	r, err := rank(units)
	if err != nil {
		return PercentileReadout{}, err
	}
	if bins < 1 || bins >= len(r.units) {
		return PercentileReadout{}, fmt.Errorf("%w: uplift by percentile needs 1 <= bins < %d, got %d", ErrInvalidInput, len(r.units), bins)
	}
	out := PercentileReadout{Strategy: strategy, Bins: r.percentiles(bins, strategy)}
	out.Total = r.percentiles(1, strategy)[0]
	out.Total.Percentile = "total"
	return out, nil
}

// WeightedAverageUplift is scikit-uplift's weighted_average_uplift: the bins' uplifts of
// UpliftByPercentile averaged with the bins' treated counts as weights. When a bin's uplift is
// undefined (a group without units in it) scikit-uplift returns NaN: here 0 with an error
// wrapping ErrTooFewUnits. Other errors as UpliftByPercentile.
func WeightedAverageUplift(units iter.Seq[ScoredUnit], bins int, strategy UpliftStrategy) (float64, error) {
	p, err := UpliftByPercentile(units, bins, strategy)
	if err != nil {
		return 0, err
	}
	var num, den float64
	for _, b := range p.Bins {
		if math.IsNaN(b.Uplift) {
			return 0, fmt.Errorf("%w: bin %s has %d treated and %d control units", ErrTooFewUnits, b.Percentile, b.NTreatment, b.NControl)
		}
		num += float64(b.NTreatment) * b.Uplift
		den += float64(b.NTreatment)
	}
	return num / den, nil
}

// arraySplit returns the bounds of np.array_split(a, bins) for len(a) = n.
func arraySplit(n, bins int) [][2]int {
	out := make([][2]int, bins)
	size, extra, lo := n/bins, n%bins, 0
	for i := range out {
		hi := lo + size
		if i < extra {
			hi++
		}
		out[i] = [2]int{lo, hi}
		lo = hi
	}
	return out
}

func (r ranked) percentiles(bins int, strategy UpliftStrategy) []PercentileRow {
	rows := make([]PercentileRow, bins)
	labels := percentileLabels(bins)
	t, c := make([]Moments, bins), make([]Moments, bins)
	if strategy == Overall {
		for b, s := range arraySplit(len(r.units), bins) {
			for _, u := range r.units[s[0]:s[1]] {
				if u.Treated {
					t[b].Add(u.Outcome)
				} else {
					c[b].Add(u.Outcome)
				}
			}
		}
	} else {
		var treated, control []float64
		for _, u := range r.units {
			if u.Treated {
				treated = append(treated, u.Outcome)
			} else {
				control = append(control, u.Outcome)
			}
		}
		for b, s := range arraySplit(len(treated), bins) {
			t[b] = MomentsOf(treated[s[0]:s[1]])
		}
		for b, s := range arraySplit(len(control), bins) {
			c[b] = MomentsOf(control[s[0]:s[1]])
		}
	}
	for b := range rows {
		rt, rc := t[b].Mean(), c[b].Mean()
		vt, vc := rt*(1-rt)/float64(t[b].N), rc*(1-rc)/float64(c[b].N)
		rows[b] = PercentileRow{Percentile: labels[b], NTreatment: int(t[b].N), NControl: int(c[b].N),
			ResponseRateTreatment: rt, ResponseRateControl: rc, Uplift: rt - rc,
			StdTreatment: math.Sqrt(vt), StdControl: math.Sqrt(vc), StdUplift: math.Sqrt(vt + vc)}
	}
	return rows
}

// percentileLabels are scikit-uplift's string percentiles: p_i = round(i 100/bins) with
// Python's round (half to even), labels "0-p_1", "p_1-p_2", ...
func percentileLabels(bins int) []string {
	p := make([]int, bins)
	for i := range p {
		p[i] = int(math.RoundToEven(float64(i+1) * 100 / float64(bins)))
	}
	out := make([]string, bins)
	for i := range out {
		lo := 0
		if i > 0 {
			lo = p[i-1]
		}
		out[i] = fmt.Sprintf("%d-%d", lo, p[i])
	}
	return out
}
