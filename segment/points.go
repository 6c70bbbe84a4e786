package segment

import (
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/textio"
)

// Points is a row-major matrix of n points in Dim dimensions: point i is
// Data[i*Dim : (i+1)*Dim]. It is how k-means, scalers and silhouettes take their data without
// a slice per point.
type Points struct {
	Data []float64 `json:"data"`
	Dim  int       `json:"dim"`
}

// PointsFromRows copies rows into a Points. All rows must have the same, non-zero length.
func PointsFromRows(rows [][]float64) (Points, error) {
	if len(rows) == 0 {
		return Points{}, fmt.Errorf("segment: no points: %w", ErrEmpty)
	}
	d := len(rows[0])
	if d == 0 {
		return Points{}, fmt.Errorf("segment: points have no columns: %w", ErrEmpty)
	}
	p := Points{Data: make([]float64, 0, len(rows)*d), Dim: d}
	for i, r := range rows {
		if len(r) != d {
			return Points{}, fmt.Errorf("segment: row %d has %d columns, row 0 has %d: %w", i, len(r), d, ErrBadConfig)
		}
		p.Data = append(p.Data, r...)
	}
	return p, nil
}

// Len returns the number of points (0 when Dim is 0).
func (p Points) Len() int {
	if p.Dim <= 0 {
		return 0
	}
	return len(p.Data) / p.Dim
}

// Row returns point i, sharing memory with p.
func (p Points) Row(i int) []float64 { return p.Data[i*p.Dim : (i+1)*p.Dim : (i+1)*p.Dim] }

// check reports empty input, a ragged Data and the first NaN or infinity (ErrNotFinite) or
// value beyond ±textio.MaxMagnitude (ErrOutOfRange), by row and column: within it every squared
// distance and every sum of them over 2^53 points stays finite.
func (p Points) check() error {
	if p.Dim <= 0 || len(p.Data) == 0 {
		return fmt.Errorf("segment: no points: %w", ErrEmpty)
	}
	if len(p.Data)%p.Dim != 0 {
		return fmt.Errorf("segment: %d values is not a whole number of %d-dimensional points: %w", len(p.Data), p.Dim, ErrBadConfig)
	}
	for i, v := range p.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("segment: point %d, column %d = %v: %w", i/p.Dim, i%p.Dim, v, ErrNotFinite)
		}
		if !textio.InRange(v) {
			return fmt.Errorf("segment: point %d, column %d = %v beyond %g: %w", i/p.Dim, i%p.Dim, v, textio.MaxMagnitude, ErrOutOfRange)
		}
	}
	return nil
}

// sqDist is the squared Euclidean distance between two points of the same length. Four
// independent sums let the CPU overlap the multiply-adds; eight dimensions (a common feature
// count) get a straight-line version.
func sqDist(a, b []float64) float64 {
	if len(a) == 8 && len(b) >= 8 {
		b = b[:8]
		d0, d1, d2, d3 := a[0]-b[0], a[1]-b[1], a[2]-b[2], a[3]-b[3]
		d4, d5, d6, d7 := a[4]-b[4], a[5]-b[5], a[6]-b[6], a[7]-b[7]
		return (d0*d0 + d4*d4) + (d1*d1 + d5*d5) + (d2*d2 + d6*d6) + (d3*d3 + d7*d7)
	}
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+3 < len(a); i += 4 {
		d0, d1, d2, d3 := a[i]-b[i], a[i+1]-b[i+1], a[i+2]-b[i+2], a[i+3]-b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}
