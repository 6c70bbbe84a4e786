package abtest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tailorkit/tailor/internal/textio"
)

// Bucket maps a unit to a position in [0, 1) for an experiment's salt:
//
//	h = SHA-256(salt + ":" + unit)             (UTF-8 bytes, no trailing newline)
//	u = (first 8 bytes of h as a big-endian uint64 >> 11) / 2^53
//
// This definition is part of the package's compatibility promise: it will not change across
// versions, so a unit keeps its variant when the code is upgraded, and any language can
// reproduce it (Python: int.from_bytes(hashlib.sha256(f"{salt}:{unit}".encode()).digest()[:8],
// "big") >> 11) / 2**53). Different salts give independent positions. Because of the ":"
// separator, salt "a:b" with unit "c" collides with salt "a" and unit "b:c"; NewAssigner
// therefore refuses salts containing ':'. Safe for concurrent use.
func Bucket(salt, unit string) float64 {
	h := sha256.Sum256([]byte(salt + ":" + unit))
	return float64(binary.BigEndian.Uint64(h[:8])>>11) / (1 << 53)
}

// LayerRange places an experiment in a layer: the units whose Bucket(Salt, unit) falls in
// [Start, End) are eligible. Experiments that share a layer salt and have disjoint ranges are
// mutually exclusive: no unit is in two of them.
type LayerRange struct {
	Salt       string
	Start, End float64
}

// Experiment describes how units are assigned to named variants. The first variant is the
// control.
type Experiment struct {
	// Salt identifies the experiment in the hash (use the experiment key). Required: two
	// experiments with different salts assign independently.
	Salt string
	// Variants are the variants' names, the control first: the names Assign returns and that
	// the aggregates file and Analyze's readout show. Each must be non-empty and unique
	// (ErrInvalidInput). Default (nil) "control" and "treatment", which needs Weights to be nil
	// or of length 2.
	Variants []string
	// Weights are the variants' traffic shares in the order of Variants, normalised to sum 1:
	// one per variant (ErrWeights otherwise). Default (nil) equal shares. Each must be in
	// [0, 1e15] and the sum positive (ErrWeights).
	Weights []float64
	// Coverage is the fraction of eligible units that enter the experiment, in (0, 1].
	// Default (0) 1. Variant i owns [c_i, c_i + Coverage w_i) where c_i is the sum of the
	// earlier weights, so raising Coverage adds units without moving anyone already in.
	Coverage float64
	// Layer, when not nil, restricts the experiment to a slice of a layer. NewAssigner copies
	// the range, so editing it afterwards changes nothing (build a new Assigner instead).
	Layer *LayerRange
}

// Assigner assigns units to the variants of one experiment. It is immutable after
// NewAssigner and safe for concurrent use: it keeps its own copies of the variant names, the
// weights' ranges and the layer range, never the caller's Experiment slices or Layer pointer.
type Assigner struct {
	salt     string
	names    []string
	lower    []float64
	upper    []float64
	layer    LayerRange // copied from Experiment.Layer; used only when hasLayer
	hasLayer bool
}

// NewAssigner validates exp and precomputes its bucket ranges. The Assigner holds copies of
// everything it uses: changing exp.Layer or exp.Weights afterwards neither moves units nor
// bypasses this validation.
func NewAssigner(exp Experiment) (*Assigner, error) {
	if exp.Salt == "" || strings.Contains(exp.Salt, ":") {
		return nil, fmt.Errorf("%w: experiment salt %q must be non-empty and free of ':'", ErrInvalidInput, exp.Salt)
	}
	names := slices.Clone(exp.Variants) // validated and used from the same copy
	if names == nil {
		if exp.Weights != nil && len(exp.Weights) != 2 {
			return nil, fmt.Errorf("%w: experiment %q has %d weights and no variant names (the default names are control and treatment)", ErrWeights, exp.Salt, len(exp.Weights))
		}
		names = []string{"control", "treatment"}
	}
	if len(names) < 2 {
		return nil, fmt.Errorf("%w: experiment %q has %d variants, want 2 or more", ErrInvalidInput, exp.Salt, len(names))
	}
	for i, n := range names {
		if n == "" {
			return nil, fmt.Errorf("%w: experiment %q variant %d has an empty name", ErrInvalidInput, exp.Salt, i)
		}
		if j := slices.Index(names, n); j < i {
			return nil, fmt.Errorf("%w: experiment %q names variant %q twice (%d and %d)", ErrInvalidInput, exp.Salt, n, j, i)
		}
	}
	w := slices.Clone(exp.Weights) // validated and used from the same copy
	if w == nil {
		w = make([]float64, len(names))
		for i := range w {
			w[i] = 1
		}
	}
	if len(w) != len(names) {
		return nil, fmt.Errorf("%w: experiment %q has %d weights for %d variants", ErrWeights, exp.Salt, len(w), len(names))
	}
	sum := 0.0
	for i, x := range w {
		if !textio.InRange(x) || x < 0 {
			return nil, fmt.Errorf("%w: experiment %q weight %d = %v (accepted: 0 to 1e15)", ErrWeights, exp.Salt, i, x)
		}
		sum += x
	}
	if !(sum > 0) || !finite(sum) {
		return nil, fmt.Errorf("%w: experiment %q weights sum to %v", ErrWeights, exp.Salt, sum)
	}
	cov := exp.Coverage
	if cov == 0 {
		cov = 1
	}
	if !(cov > 0 && cov <= 1) {
		return nil, fmt.Errorf("%w: experiment %q coverage %v not in (0, 1]", ErrInvalidInput, exp.Salt, exp.Coverage)
	}
	var layer LayerRange
	if exp.Layer != nil {
		layer = *exp.Layer // one read of the caller's range: validate and keep the same copy
		l := &layer
		if l.Salt == "" || strings.Contains(l.Salt, ":") || !(l.Start >= 0 && l.Start < l.End && l.End <= 1) {
			return nil, fmt.Errorf("%w: experiment %q layer %+v", ErrInvalidInput, exp.Salt, *l)
		}
		if l.Salt == exp.Salt {
			return nil, fmt.Errorf("%w: experiment %q uses its own salt as layer salt; positions would not be independent", ErrInvalidInput, exp.Salt)
		}
	}
	a := &Assigner{salt: exp.Salt, names: names, layer: layer, hasLayer: exp.Layer != nil}
	c := 0.0
	for _, x := range w {
		share := x / sum
		a.lower = append(a.lower, c)
		a.upper = append(a.upper, c+cov*share)
		c += share
	}
	return a, nil
}

// Variants returns the variant names, the control first (a copy).
func (a *Assigner) Variants() []string { return slices.Clone(a.names) }

// Assign returns the name of the unit's variant, or "" when the unit is outside the
// experiment's layer range or coverage (variant names are never empty). The same unit always
// gets the same answer. An empty unit ID is an error wrapping ErrEmptyUnit: it would otherwise
// put every unidentified visitor in one variant.
func (a *Assigner) Assign(unit string) (variant string, err error) {
	i, err := a.Index(unit)
	if err != nil || i < 0 {
		return "", err
	}
	return a.names[i], nil
}

// Index is Assign as the variant's position in Variants (0 is the control), or -1 when the unit
// is outside the experiment. An empty unit ID is an error wrapping ErrEmptyUnit.
func (a *Assigner) Index(unit string) (int, error) {
	if unit == "" {
		return -1, fmt.Errorf("%w: experiment %q", ErrEmptyUnit, a.salt)
	}
	if a.hasLayer {
		u := Bucket(a.layer.Salt, unit)
		if u < a.layer.Start || u >= a.layer.End {
			return -1, nil
		}
	}
	u := Bucket(a.salt, unit)
	for i := range a.lower {
		if u >= a.lower[i] && u < a.upper[i] {
			return i, nil
		}
	}
	return -1, nil
}

// GrowthBookHash is GrowthBook's SDK hash (spec 0.7.0), for hosts migrating from GrowthBook
// that must keep their users' variants:
//
//	version 1: fnv1a32(value + seed) % 1000 / 1000
//	version 2: fnv1a32(decimal string of fnv1a32(seed + value)) % 10000 / 10000
//
// FNV-1a 32-bit over UTF-8 bytes (offset 2166136261, prime 16777619). Any other version is
// ErrHashVersion.
func GrowthBookHash(seed, value string, version int) (float64, error) {
	switch version {
	case 1:
		return float64(fnv1a32(value+seed)%1000) / 1000, nil
	case 2:
		return float64(fnv1a32(fmt.Sprint(fnv1a32(seed+value)))%10000) / 10000, nil
	}
	return 0, fmt.Errorf("%w: %d", ErrHashVersion, version)
}

func fnv1a32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// GrowthBookBucketRanges is GrowthBook's getBucketRanges: range i = [c_i, c_i + coverage w_i)
// with c_i the sum of earlier weights. Coverage is clamped to [0, 1]; weights that are missing,
// of the wrong length or summing outside [0.99, 1.01] are replaced by equal weights.
func GrowthBookBucketRanges(numVariations int, coverage float64, weights []float64) [][2]float64 {
	if numVariations <= 0 {
		return nil
	}
	coverage = math.Max(0, math.Min(1, coverage))
	equal := make([]float64, numVariations)
	for i := range equal {
		equal[i] = 1 / float64(numVariations)
	}
	if len(weights) == numVariations {
		s := 0.0
		for _, w := range weights {
			s += w
		}
		if s >= 0.99 && s <= 1.01 {
			equal = weights
		}
	}
	out := make([][2]float64, numVariations)
	c := 0.0
	for i, w := range equal {
		out[i] = [2]float64{c, c + coverage*w}
		c += w
	}
	return out
}

// GrowthBookChooseVariation returns the index of the first range with lo <= n < hi, or -1.
func GrowthBookChooseVariation(n float64, ranges [][2]float64) int {
	for i, r := range ranges {
		if n >= r[0] && n < r[1] {
			return i
		}
	}
	return -1
}

// GrowthBookInNamespace reports whether a user falls in GrowthBook namespace [start, end):
// start <= GrowthBookHash("__"+namespace, userID, 1) < end.
func GrowthBookInNamespace(userID, namespace string, start, end float64) bool {
	n, _ := GrowthBookHash("__"+namespace, userID, 1)
	return n >= start && n < end
}
