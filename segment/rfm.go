package segment

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/tailorkit/tailor/internal/textio"
)

// BinMethod says how FitRFM turns a column of values into scores.
type BinMethod uint8

const (
	// BinsR (the default) is the rfm R package's rule (rsquaredacademy/rfm, rfm_table_order):
	// with q bins the inner cuts are R's type-7 quantiles at p_i = i * (1/q), i = 1..q-1, plus
	// 1 (p_i as R's seq(0, 1, length.out = q+1) computes them: 3 * 0.2 is 0.6000000000000001,
	// not 0.6, which decides the bin of a value equal to a cut); bin i is
	// the half-open interval [lower_i, upper_i) with lower = (min, cuts...) and
	// upper = (cuts..., max+1). Equal values always share a bin. When a column has few distinct
	// values, cuts coincide and the bins between them are empty: scores are skipped, never
	// merged (a frequency column of only 1s and 2s may score 1 and 4, say). A constant column
	// puts everyone in bin 1.
	BinsR BinMethod = iota
	// BinsQcut is pandas.qcut(x, q, duplicates="drop"), as PyMC-Marketing's rfm_segments uses
	// it: edges are numpy's linear quantiles at linspace(0, 1, q + 1); duplicate edges are dropped;
	// bins are right-closed (e_{j-1}, e_j], the first one including e_0. When ties drop edges the
	// scores shrink to 1..k for the k bins left (recency k..1). A constant column (which
	// pandas leaves NaN) puts everyone in the single bin 1.
	BinsQcut
)

// RFMConfig configures FitRFM. The zero value is the rfm R package's default: 5 bins by
// BinsR, recency reversed, segments from TableRFM.
type RFMConfig struct {
	// Bins is the number of quantile bins q, so scores run 1..q; default 5. At most 9 when the
	// table matches codes such as "434".
	Bins int
	// Method is how quantile bins are cut; default BinsR.
	Method BinMethod
	// RecencyCuts, FrequencyCuts and MonetaryCuts, when set, replace the quantile cuts of their
	// column: ascending inner cut points c_1 < ... < c_{q-1} giving q scores, value v in bin i
	// when c_{i-1} <= v < c_i (the rfm package's recency_bins = c(...) convention, without
	// the +1). Recency scores stay reversed.
	RecencyCuts, FrequencyCuts, MonetaryCuts []float64
	// Table names the segments; nil means TableRFM().
	Table *SegmentTable
	// RecencyAttr, FrequencyAttr and MonetaryAttr are the Customer attributes Assign reads;
	// defaults AttrRecencyDays, AttrOrders and AttrRevenue.
	RecencyAttr, FrequencyAttr, MonetaryAttr string
}

// Bins describes how one column was cut: value v gets bin i (1-based) when Lower[i-1] <= v <
// Upper[i-1] (BinsR and custom cuts) or Lower[i-1] < v <= Upper[i-1] (BinsQcut, with the
// first bin also taking v = Lower[0]). Values beyond the ends, when scoring a new customer,
// get the first or last bin. The score is the bin, or (for recency) len(Lower)+1 minus it.
type Bins struct {
	Lower       []float64 `json:"lower"`
	Upper       []float64 `json:"upper"`
	RightClosed bool      `json:"right_closed"`
	Reversed    bool      `json:"reversed"`
}

// Len returns the number of bins, the highest score.
func (b Bins) Len() int { return len(b.Lower) }

// Score returns the score of v (see Bins). NaN, and any value for Bins without bins (the zero
// value), score 0.
func (b Bins) Score(v float64) int {
	if math.IsNaN(v) || len(b.Lower) == 0 || len(b.Upper) < len(b.Lower) {
		return 0
	}
	n := len(b.Lower)
	bin := n // beyond the last upper edge: last bin
	if b.RightClosed {
		for i := range n {
			if v <= b.Upper[i] {
				bin = i + 1
				break
			}
		}
	} else {
		// Bins do not overlap (Upper[i] = Lower[i+1]), so at most one holds v.
		bin = 0
		for i := range n {
			if b.Lower[i] <= v && v < b.Upper[i] {
				bin = i + 1
				break
			}
		}
		switch {
		case bin > 0:
		case v < b.Lower[0]:
			bin = 1
		default:
			bin = n
		}
	}
	if b.Reversed {
		return n + 1 - bin
	}
	return bin
}

// RFM is a fitted RFM model: the bins of each column and the segment table. It is a
// Segmenter reading three number attributes of a Customer. Safe for concurrent use.
type RFM struct {
	Recency   Bins         `json:"recency"`
	Frequency Bins         `json:"frequency"`
	Monetary  Bins         `json:"monetary"`
	Table     SegmentTable `json:"table"`
	attrs     [3]string
}

// rfmJSON is RFM's JSON form, with the attributes Assign reads.
type rfmJSON struct {
	Recency    Bins         `json:"recency"`
	Frequency  Bins         `json:"frequency"`
	Monetary   Bins         `json:"monetary"`
	Table      SegmentTable `json:"table"`
	Attributes [3]string    `json:"attributes"`
}

// MarshalJSON encodes the model with the recency, frequency and monetary attributes Assign
// reads, so that a decoded model assigns customers as the original does.
func (m *RFM) MarshalJSON() ([]byte, error) {
	return json.Marshal(rfmJSON{m.Recency, m.Frequency, m.Monetary, m.Table, m.attrs})
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (m *RFM) UnmarshalJSON(b []byte) error {
	var j rfmJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("segment: RFM: %w", err)
	}
	*m = RFM{Recency: j.Recency, Frequency: j.Frequency, Monetary: j.Monetary, Table: j.Table, attrs: j.Attributes}
	return nil
}

// RFMScore is a customer's three scores, their code and segment.
type RFMScore struct {
	R int `json:"r"`
	F int `json:"f"`
	M int `json:"m"`
	// Code is the scores written one after the other ("434"), PyMC-Marketing's rfm_score.
	Code string `json:"code"`
	// Cell is 100R + 10F + M, the rfm package's integer rfm_score (for up to 9 bins).
	Cell    int    `json:"cell"`
	Segment string `json:"segment"`
}

// ScoredRFM is a customer's values and scores.
type ScoredRFM struct {
	CustomerRFM
	RFMScore
}

// MaxBins is the largest RFMConfig.Bins: beyond a hundred quantile bins of a customer base
// there is nothing left to score (and Bins = 2^40 would allocate terabytes of cut points).
const MaxBins = 100

// Validate reports, as ErrBadConfig naming the field, Bins negative or above MaxBins, an unknown
// Method, or cut points that are not strictly ascending, finite and within
// ±textio.MaxMagnitude.
func (c RFMConfig) Validate() error {
	if c.Bins < 0 || c.Bins > MaxBins {
		return fmt.Errorf("segment: RFMConfig.Bins = %d (want 0 for 5, or 1..%d): %w", c.Bins, MaxBins, ErrBadConfig)
	}
	if c.Method != BinsR && c.Method != BinsQcut {
		return fmt.Errorf("segment: RFMConfig.Method = %d: %w", c.Method, ErrBadConfig)
	}
	for _, f := range [...]struct {
		name string
		cuts []float64
	}{{"RecencyCuts", c.RecencyCuts}, {"FrequencyCuts", c.FrequencyCuts}, {"MonetaryCuts", c.MonetaryCuts}} {
		for i, x := range f.cuts {
			if !textio.InRange(x) || i > 0 && x <= f.cuts[i-1] {
				return fmt.Errorf("segment: RFMConfig.%s[%d] = %v: cut points must be finite, within ±%g and strictly ascending: %w",
					f.name, i, x, textio.MaxMagnitude, ErrBadConfig)
			}
		}
	}
	return nil
}

// FitRFM cuts each column of values into bins as cfg says. Errors: ErrEmpty for no values,
// ErrNotFinite (naming the customer and column) for NaN or infinite values, ErrOutOfRange for
// values beyond ±textio.MaxMagnitude (1e15), ErrBadConfig for Bins negative or above MaxBins,
// an unknown Method or cut points that are not strictly ascending, finite and within
// ±textio.MaxMagnitude.
func FitRFM(values []CustomerRFM, cfg RFMConfig) (*RFM, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("segment: FitRFM: no customers: %w", ErrEmpty)
	}
	q := cfg.Bins
	if q == 0 {
		q = 5
	}
	for _, v := range values {
		for _, f := range [...]struct {
			name string
			x    float64
		}{{"Recency", v.Recency}, {"Frequency", v.Frequency}, {"Monetary", v.Monetary}} {
			if math.IsNaN(f.x) || math.IsInf(f.x, 0) {
				return nil, fmt.Errorf("segment: FitRFM: customer %q: %s = %v: %w", v.ID, f.name, f.x, ErrNotFinite)
			}
			if !textio.InRange(f.x) {
				return nil, fmt.Errorf("segment: FitRFM: customer %q: %s = %v beyond %g: %w", v.ID, f.name, f.x, textio.MaxMagnitude, ErrOutOfRange)
			}
		}
	}
	m := &RFM{attrs: [3]string{
		cmpOr(cfg.RecencyAttr, AttrRecencyDays), cmpOr(cfg.FrequencyAttr, AttrOrders), cmpOr(cfg.MonetaryAttr, AttrRevenue)}}
	if cfg.Table != nil {
		m.Table = *cfg.Table
	} else {
		m.Table = TableRFM()
	}
	col := make([]float64, len(values))
	for k, spec := range []struct {
		dst  *Bins
		get  func(CustomerRFM) float64
		cuts []float64
	}{
		{&m.Recency, func(v CustomerRFM) float64 { return v.Recency }, cfg.RecencyCuts},
		{&m.Frequency, func(v CustomerRFM) float64 { return v.Frequency }, cfg.FrequencyCuts},
		{&m.Monetary, func(v CustomerRFM) float64 { return v.Monetary }, cfg.MonetaryCuts},
	} {
		for i, v := range values {
			col[i] = spec.get(v)
		}
		slices.Sort(col)
		if spec.cuts != nil {
			*spec.dst = halfOpen(col, spec.cuts) // checked by Validate
		} else if cfg.Method == BinsQcut {
			*spec.dst = qcutBins(col, q)
		} else {
			*spec.dst = rBins(col, q)
		}
		spec.dst.Reversed = k == 0
	}
	return m, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// binProb is the i-th of the q+1 probabilities 0, 1/q, ..., 1 exactly as R's
// seq(0, 1, length.out = q + 1) and numpy's linspace(0, 1, q + 1) compute them: i * (1/q), not
// i/q. The two differ in the last bit (3 * 0.2 = 0.6000000000000001, not 0.6), which moves a
// quantile that lands on a data point, and with it the bin of every value equal to the cut.
func binProb(i, q int) float64 {
	if i == q {
		return 1
	}
	return float64(i) * (1 / float64(q))
}

// rBins is rsquaredacademy/rfm's bins(): type-7 quantile cuts plus one, half-open.
func rBins(sorted []float64, q int) Bins {
	cuts := make([]float64, q-1)
	for i := range cuts {
		cuts[i] = quantileR7(sorted, binProb(i+1, q)) + 1
	}
	return halfOpen(sorted, cuts)
}

func halfOpen(sorted, cuts []float64) Bins {
	lower := append([]float64{sorted[0]}, cuts...)
	upper := append(slices.Clone(cuts), sorted[len(sorted)-1]+1)
	return Bins{Lower: lower, Upper: upper}
}

// qcutBins is pandas.qcut(x, q, duplicates="drop").
func qcutBins(sorted []float64, q int) Bins {
	edges := make([]float64, 0, q+1)
	for i := 0; i <= q; i++ {
		e := quantileNumPy(sorted, binProb(i, q))
		if len(edges) == 0 || e != edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	if len(edges) == 1 { // constant column: one bin holding everything
		edges = append(edges, edges[0])
	}
	return Bins{Lower: edges[:len(edges)-1], Upper: edges[1:], RightClosed: true}
}

// Score scores one customer's values and looks up the segment.
func (m *RFM) Score(v CustomerRFM) RFMScore {
	return m.score(v.Recency, v.Frequency, v.Monetary)
}

func (m *RFM) score(recency, frequency, monetary float64) RFMScore {
	s := RFMScore{R: m.Recency.Score(recency), F: m.Frequency.Score(frequency), M: m.Monetary.Score(monetary)}
	s.Cell = 100*s.R + 10*s.F + s.M
	s.Code = codeOf(s.R, s.F, s.M)
	s.Segment = m.Table.Lookup(s.R, s.F, s.M)
	return s
}

// ScoreAll scores every customer, in the order given.
func (m *RFM) ScoreAll(values []CustomerRFM) []ScoredRFM {
	out := make([]ScoredRFM, len(values))
	for i, v := range values {
		out[i] = ScoredRFM{CustomerRFM: v, RFMScore: m.Score(v)}
	}
	return out
}

// Assign scores a Customer from its recency, frequency and monetary attributes (by default
// recency_days, orders and revenue) and returns its segment; false when one is missing or NaN.
// The attributes must measure what the model was fitted on: for a model fitted on PerDay
// values (purchase days, spend per day), set those on the customers and name them in
// RFMConfig.FrequencyAttr and MonetaryAttr; orders and revenue would be scored on the wrong
// scale.
func (m *RFM) Assign(c *Customer) (string, bool) {
	r, ok1 := c.Numbers[m.attrs[0]]
	f, ok2 := c.Numbers[m.attrs[1]]
	mv, ok3 := c.Numbers[m.attrs[2]]
	if !ok1 || !ok2 || !ok3 || math.IsNaN(r+f+mv) {
		return "", false
	}
	return m.score(r, f, mv).Segment, true
}
