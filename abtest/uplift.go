package abtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"

	"github.com/tailorkit/tailor/internal/textio"
)

// ErrSelfMerge: an accumulator merged into itself (which would count every unit twice).
var ErrSelfMerge = errors.New("abtest: merged into itself")

// AllSegment is the segment name of the rows that count every unit of an arm, whatever its
// segment. A unit cannot be in a segment of that name.
const AllSegment = "all"

// Default bounds of an Uplift accumulator (UpliftConfig.MaxArms, MaxSegments).
const (
	DefaultMaxArms     = 100
	DefaultMaxSegments = 1000
)

// UpliftConfig configures an uplift readout. Control and Outcomes are required; every other
// zero field is the default given beside it.
type UpliftConfig struct {
	// Control is the arm the others are compared with (a holdout, "No E-Mail"). Required.
	Control string
	// Outcomes names the per-unit outcomes (conversion, revenue, visit), in the order of
	// UpliftObservation.Values. Required, each name non-empty and distinct.
	Outcomes []string
	// Alpha is the significance level; intervals have level 1 - Alpha. Default (0) 0.05.
	Alpha float64
	// MaxArms bounds the number of distinct arms, control included. Default (0) DefaultMaxArms.
	MaxArms int
	// MaxSegments bounds the number of distinct segments, so that a mistaken segment column
	// (a customer ID) is an error rather than a readout of a million rows. Default (0)
	// DefaultMaxSegments.
	MaxSegments int
}

// Validate reports a missing control or outcome, a repeated or empty outcome name, an alpha
// outside (0, 1) and negative bounds.
func (c UpliftConfig) Validate() error {
	if c.Control == "" {
		return fmt.Errorf("%w: uplift control arm is empty", ErrInvalidInput)
	}
	if len(c.Outcomes) == 0 {
		return fmt.Errorf("%w: uplift needs at least one outcome", ErrInvalidInput)
	}
	for i, o := range c.Outcomes {
		if o == "" {
			return fmt.Errorf("%w: uplift outcome %d has no name", ErrInvalidInput, i+1)
		}
		if slices.Index(c.Outcomes, o) != i {
			return fmt.Errorf("%w: uplift outcome %q named twice", ErrInvalidInput, o)
		}
	}
	if _, err := checkAlpha(c.Alpha); err != nil {
		return err
	}
	if c.MaxArms < 0 || c.MaxSegments < 0 {
		return fmt.Errorf("%w: uplift bounds must be >= 0 (MaxArms %d, MaxSegments %d)", ErrInvalidInput, c.MaxArms, c.MaxSegments)
	}
	return nil
}

// UpliftObservation is one unit of an experiment or of an offer with its holdout: its arm, its
// segment ("" for none: the unit counts only in the AllSegment rows) and its outcomes, in the
// order of UpliftConfig.Outcomes.
type UpliftObservation struct {
	Arm     string
	Segment string
	Values  []float64
}

type upliftCell struct{ arm, segment string }

// Uplift accumulates the treated-against-control readout of an experiment per arm, segment and
// outcome, from sufficient statistics only (Moments per cell): it holds no unit's identity,
// so it has no Forget. Accumulators built per shard or per day combine with Merge. An Uplift
// is not safe for concurrent use; build one per goroutine and Merge them.
type Uplift struct {
	cfg      UpliftConfig
	cells    map[upliftCell][]Moments
	arms     map[string]bool
	segments map[string]bool
}

// NewUplift validates cfg and returns an empty accumulator.
func NewUplift(cfg UpliftConfig) (*Uplift, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxArms == 0 {
		cfg.MaxArms = DefaultMaxArms
	}
	if cfg.MaxSegments == 0 {
		cfg.MaxSegments = DefaultMaxSegments
	}
	cfg.Outcomes = slices.Clone(cfg.Outcomes)
	return &Uplift{cfg: cfg, cells: map[upliftCell][]Moments{}, arms: map[string]bool{}, segments: map[string]bool{}}, nil
}

// Add records one unit. An empty arm, the segment name AllSegment, a wrong number of values
// and a value that is not finite or beyond textio.MaxMagnitude are errors wrapping
// ErrInvalidInput (the last one also textio.ErrRange), as is a new arm or segment past the
// configured bounds; the unit is then not recorded.
func (u *Uplift) Add(o UpliftObservation) error {
	if o.Arm == "" {
		return fmt.Errorf("%w: uplift unit without an arm", ErrInvalidInput)
	}
	if o.Segment == AllSegment {
		return fmt.Errorf("%w: segment name %q is reserved for everyone", ErrInvalidInput, AllSegment)
	}
	if len(o.Values) != len(u.cfg.Outcomes) {
		return fmt.Errorf("%w: uplift unit has %d values for %d outcomes", ErrInvalidInput, len(o.Values), len(u.cfg.Outcomes))
	}
	for i, v := range o.Values {
		if !textio.InRange(v) {
			return fmt.Errorf("%w: outcome %q = %g: %w", ErrInvalidInput, u.cfg.Outcomes[i], v, textio.ErrRange)
		}
	}
	if !u.arms[o.Arm] && len(u.arms) >= u.cfg.MaxArms {
		return fmt.Errorf("%w: more than %d arms", ErrInvalidInput, u.cfg.MaxArms)
	}
	if o.Segment != "" && !u.segments[o.Segment] && len(u.segments) >= u.cfg.MaxSegments {
		return fmt.Errorf("%w: more than %d segments", ErrInvalidInput, u.cfg.MaxSegments)
	}
	u.arms[o.Arm] = true
	u.add(upliftCell{o.Arm, AllSegment}, o.Values)
	if o.Segment != "" {
		u.segments[o.Segment] = true
		u.add(upliftCell{o.Arm, o.Segment}, o.Values)
	}
	return nil
}

func (u *Uplift) add(c upliftCell, values []float64) {
	m := u.cells[c]
	if m == nil {
		m = make([]Moments, len(values))
		u.cells[c] = m
	}
	for i, v := range values {
		m[i].Add(v)
	}
}

// AddAll records every unit of seq and stops at the first bad one, returning its error
// prefixed with its 1-based position in seq; the units before it stay recorded.
func (u *Uplift) AddAll(seq iter.Seq[UpliftObservation]) error {
	i := 0
	for o := range seq {
		i++
		if err := u.Add(o); err != nil {
			return fmt.Errorf("unit %d: %w", i, err)
		}
	}
	return nil
}

// Merge adds the counts of other, which must have the same control and outcomes, into u.
// Merging u into itself is an error wrapping ErrSelfMerge; bounds are checked as in Add.
func (u *Uplift) Merge(other *Uplift) error {
	if other == u {
		return ErrSelfMerge
	}
	if other.cfg.Control != u.cfg.Control || !slices.Equal(other.cfg.Outcomes, u.cfg.Outcomes) {
		return fmt.Errorf("%w: merging uplift readouts of different control or outcomes", ErrInvalidInput)
	}
	arms, segs := len(u.arms), len(u.segments)
	for a := range other.arms {
		if !u.arms[a] {
			arms++
		}
	}
	for s := range other.segments {
		if !u.segments[s] {
			segs++
		}
	}
	if arms > u.cfg.MaxArms || segs > u.cfg.MaxSegments {
		return fmt.Errorf("%w: merged readout would have %d arms and %d segments (bounds %d, %d)", ErrInvalidInput, arms, segs, u.cfg.MaxArms, u.cfg.MaxSegments)
	}
	for a := range other.arms {
		u.arms[a] = true
	}
	for s := range other.segments {
		u.segments[s] = true
	}
	for c, ms := range other.cells {
		mine := u.cells[c]
		if mine == nil {
			mine = make([]Moments, len(ms))
			u.cells[c] = mine
		}
		for i := range ms {
			mine[i] = mine[i].Merge(ms[i])
		}
	}
	return nil
}

// UpliftRow is the readout of one treated arm against the control in one segment for one
// outcome: the units and mean outcome of each arm, the uplift mean_treated - mean_control
// and its two-sided 1 - Alpha Welch t interval (sample variances with n - 1,
// Welch-Satterthwaite degrees of freedom; WelchTest), with the test's p-value and degrees of
// freedom. A mean of an arm without units is NaN, and so is the uplift then. When the test
// cannot be computed (fewer than 2 units in an arm, an arm whose outcome is constant) Lower,
// Upper, PValue and DF are NaN and Err says why; the row is never dropped. In JSON a NaN is
// null and Err its message.
type UpliftRow struct {
	Treatment   string
	Segment     string
	Outcome     string
	NTreated    int64
	NControl    int64
	MeanTreated float64
	MeanControl float64
	Uplift      float64
	Lower       float64
	Upper       float64
	PValue      float64
	DF          float64
	Err         error
}

// upliftRowJSON is UpliftRow on the wire: snake_case names, null for a non-finite number and
// the error as its message.
type upliftRowJSON struct {
	Treatment   string   `json:"treatment"`
	Segment     string   `json:"segment"`
	Outcome     string   `json:"outcome"`
	NTreated    int64    `json:"n_treated"`
	NControl    int64    `json:"n_control"`
	MeanTreated *float64 `json:"mean_treated"`
	MeanControl *float64 `json:"mean_control"`
	Uplift      *float64 `json:"uplift"`
	Lower       *float64 `json:"lower"`
	Upper       *float64 `json:"upper"`
	PValue      *float64 `json:"p_value"`
	DF          *float64 `json:"df"`
	Err         *string  `json:"error,omitempty"`
}

// MarshalJSON encodes the row with snake_case names, non-finite numbers as null and the error
// as its message.
func (r UpliftRow) MarshalJSON() ([]byte, error) {
	var msg *string
	if r.Err != nil {
		s := r.Err.Error()
		msg = &s
	}
	return json.Marshal(upliftRowJSON{r.Treatment, r.Segment, r.Outcome, r.NTreated, r.NControl,
		finiteOrNil(r.MeanTreated), finiteOrNil(r.MeanControl), finiteOrNil(r.Uplift),
		finiteOrNil(r.Lower), finiteOrNil(r.Upper), finiteOrNil(r.PValue), finiteOrNil(r.DF), msg})
}

// UnmarshalJSON decodes what MarshalJSON wrote: null numbers become NaN and an error message
// an error with that text (no longer matching the sentinels with errors.Is).
func (r *UpliftRow) UnmarshalJSON(b []byte) error {
	var v upliftRowJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = UpliftRow{Treatment: v.Treatment, Segment: v.Segment, Outcome: v.Outcome, NTreated: v.NTreated, NControl: v.NControl,
		MeanTreated: nanIfNil(v.MeanTreated), MeanControl: nanIfNil(v.MeanControl), Uplift: nanIfNil(v.Uplift),
		Lower: nanIfNil(v.Lower), Upper: nanIfNil(v.Upper), PValue: nanIfNil(v.PValue), DF: nanIfNil(v.DF)}
	if v.Err != nil {
		r.Err = errors.New(*v.Err)
	}
	return nil
}

func nanIfNil(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// UpliftReadout is the readout of every treated arm against the control: rows ordered by arm
// (byte order), then segment (AllSegment first, then the others in byte order), then outcome
// (in UpliftConfig.Outcomes order). Every arm gets a row for every segment seen in any arm.
type UpliftReadout struct {
	Control string      `json:"control"`
	Alpha   float64     `json:"alpha"`
	Rows    []UpliftRow `json:"rows"`
}

// Readout computes the rows. It is an error wrapping ErrTooFewUnits when no unit of the control
// or of any other arm was added (the message names the control, never a unit).
func (u *Uplift) Readout() (UpliftReadout, error) {
	alpha, _ := checkAlpha(u.cfg.Alpha) // validated in NewUplift
	out := UpliftReadout{Control: u.cfg.Control, Alpha: alpha}
	if !u.arms[u.cfg.Control] {
		return out, fmt.Errorf("%w: no unit in the control arm %q", ErrTooFewUnits, u.cfg.Control)
	}
	var arms []string
	for a := range u.arms {
		if a != u.cfg.Control {
			arms = append(arms, a)
		}
	}
	if len(arms) == 0 {
		return out, fmt.Errorf("%w: no unit outside the control arm %q", ErrTooFewUnits, u.cfg.Control)
	}
	slices.Sort(arms)
	segments := make([]string, 0, len(u.segments)+1)
	for s := range u.segments {
		segments = append(segments, s)
	}
	slices.Sort(segments)
	segments = append([]string{AllSegment}, segments...)
	k := len(u.cfg.Outcomes)
	for _, arm := range arms {
		for _, seg := range segments {
			t, c := u.cells[upliftCell{arm, seg}], u.cells[upliftCell{u.cfg.Control, seg}]
			for i, name := range u.cfg.Outcomes {
				out.Rows = append(out.Rows, upliftRow(arm, seg, name, at(t, i, k), at(c, i, k), alpha))
			}
		}
	}
	return out, nil
}

func at(ms []Moments, i, k int) Moments {
	if len(ms) != k {
		return Moments{}
	}
	return ms[i]
}

func upliftRow(arm, seg, outcome string, t, c Moments, alpha float64) UpliftRow {
	r := UpliftRow{Treatment: arm, Segment: seg, Outcome: outcome, NTreated: t.N, NControl: c.N,
		MeanTreated: t.Mean(), MeanControl: c.Mean()}
	r.Uplift = r.MeanTreated - r.MeanControl
	e, err := WelchTest(c, t, Config{Alpha: alpha})
	if err != nil {
		r.Lower, r.Upper, r.PValue, r.DF, r.Err = math.NaN(), math.NaN(), math.NaN(), math.NaN(), err
		return r
	}
	r.Lower, r.Upper, r.PValue, r.DF = e.Lower, e.Upper, e.PValue, e.DF
	return r
}

// CostPerIncremental is the cost of an offer per incremental outcome it caused ("discount cost
// per incremental order"): cost / incremental, where incremental is the uplift times the
// number of treated units (uplift x n_treated: the orders the treated had beyond what the
// control's rate predicts). cost must be finite and >= 0. When the offer caused no incremental
// outcome (incremental <= 0) no finite cost per incremental outcome exists: the result is
// +Inf with an error wrapping ErrZeroBaseline.
func CostPerIncremental(cost, incremental float64) (float64, error) {
	if math.IsNaN(cost) || math.IsInf(cost, 0) || cost < 0 || math.IsNaN(incremental) || math.IsInf(incremental, 0) {
		return math.NaN(), fmt.Errorf("%w: cost %g, incremental %g", ErrInvalidInput, cost, incremental)
	}
	if incremental <= 0 {
		return math.Inf(1), fmt.Errorf("%w: no incremental outcome (%g) to spread the cost over", ErrZeroBaseline, incremental)
	}
	return cost / incremental, nil
}

// Incremental is the number of incremental outcomes of a row: Uplift x NTreated (NaN when the
// uplift is undefined).
func (r UpliftRow) Incremental() float64 { return r.Uplift * float64(r.NTreated) }
