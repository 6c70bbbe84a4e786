package segment

import (
	"fmt"
	"math"
)

// ScaleMethod is how a Scaler standardises each column.
type ScaleMethod uint8

const (
	// ScaleZ (the default) maps x to (x - mean) / sd, with the population standard deviation
	// (scikit-learn's StandardScaler). A constant column maps to 0.
	ScaleZ ScaleMethod = iota
	// ScaleMinMax maps x to (x - min) / (max - min), into [0, 1] on the fitted data
	// (scikit-learn's MinMaxScaler). A constant column maps to 0.
	ScaleMinMax
	// ScaleNone leaves columns as they are (after Log1p, if set).
	ScaleNone
)

// ScalerConfig configures FitScaler. The zero value is a z-score without log transform.
type ScalerConfig struct {
	// Log1p applies log(1 + x) to every value first: for skewed, non-negative features such as
	// revenue and order counts. Values <= -1 are an error.
	Log1p bool
	// Method standardises each column; default ScaleZ.
	Method ScaleMethod
}

// Validate reports a Method other than ScaleZ, ScaleMinMax and ScaleNone as ErrBadConfig.
func (c ScalerConfig) Validate() error {
	switch c.Method {
	case ScaleZ, ScaleMinMax, ScaleNone:
		return nil
	}
	return fmt.Errorf("segment: ScalerConfig.Method = %d: %w", c.Method, ErrBadConfig)
}

// Scaler maps a point x to (f(x) - Center) / Scale column by column, where f is log1p when
// Log1p is set and the identity otherwise. Fit it on training data with FitScaler and apply the
// same Scaler to new points. Safe for concurrent use.
type Scaler struct {
	Log1p  bool      `json:"log1p"`
	Center []float64 `json:"center"`
	Scale  []float64 `json:"scale"`
}

// FitScaler learns the centre and scale of every column of p. Errors: ErrEmpty, ErrNotFinite
// for NaN or infinite values or a value <= -1 with Log1p, naming the point and column.
func FitScaler(p Points, cfg ScalerConfig) (*Scaler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	d, n := p.Dim, p.Len()
	s := &Scaler{Log1p: cfg.Log1p, Center: make([]float64, d), Scale: make([]float64, d)}
	for j := range s.Scale {
		s.Scale[j] = 1
	}
	if cfg.Log1p {
		for i, v := range p.Data {
			if v <= -1 {
				return nil, fmt.Errorf("segment: point %d, column %d = %v: log1p undefined: %w", i/d, i%d, v, ErrNotFinite)
			}
		}
	}
	f := func(v float64) float64 {
		if cfg.Log1p {
			return math.Log1p(v)
		}
		return v
	}
	switch cfg.Method {
	case ScaleZ:
		// Two passes (mean, then squared deviations) for accuracy on large offsets.
		mean := make([]float64, d)
		for i := range n {
			for j, v := range p.Row(i) {
				mean[j] += f(v)
			}
		}
		for j := range mean {
			mean[j] /= float64(n)
		}
		ss := make([]float64, d)
		for i := range n {
			for j, v := range p.Row(i) {
				dv := f(v) - mean[j]
				ss[j] += dv * dv
			}
		}
		for j := range d {
			s.Center[j] = mean[j]
			if sd := math.Sqrt(ss[j] / float64(n)); sd > 0 {
				s.Scale[j] = sd
			}
		}
	case ScaleMinMax:
		lo, hi := make([]float64, d), make([]float64, d)
		copy(lo, p.Row(0))
		copy(hi, p.Row(0))
		for j := range d {
			lo[j], hi[j] = f(lo[j]), f(hi[j])
		}
		for i := range n {
			for j, v := range p.Row(i) {
				v = f(v)
				lo[j] = min(lo[j], v)
				hi[j] = max(hi[j], v)
			}
		}
		for j := range d {
			s.Center[j] = lo[j]
			if r := hi[j] - lo[j]; r > 0 {
				s.Scale[j] = r
			}
		}
	}
	return s, nil
}

// Transform writes the scaled x into dst (which may be x) and returns dst; dst is allocated
// when nil. x must have the fitted number of columns. A value <= -1 with Log1p gives NaN.
func (s *Scaler) Transform(dst, x []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	for j, v := range x {
		if s.Log1p {
			if v <= -1 {
				v = math.NaN()
			} else {
				v = math.Log1p(v)
			}
		}
		dst[j] = (v - s.Center[j]) / s.Scale[j]
	}
	return dst
}

// TransformPoints returns a scaled copy of p.
func (s *Scaler) TransformPoints(p Points) Points {
	out := Points{Data: make([]float64, len(p.Data)), Dim: p.Dim}
	for i := range p.Len() {
		s.Transform(out.Row(i), p.Row(i))
	}
	return out
}
