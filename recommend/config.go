package recommend

import (
	"fmt"
	"maps"
	"math"
	"runtime"
	"time"
)

// Algorithm chooses how item-item weights are learned.
type Algorithm int

const (
	// ItemKNN keeps the top Neighbors items per item under a Similarity. It is the default.
	ItemKNN Algorithm = iota
	// EASE learns dense item-item weights by ridge regression (Steck 2019); see the EASE doc in
	// ease.go and Config.EASELambda, Config.EASEMaxItems.
	EASE
)

// String returns "knn" or "ease".
func (a Algorithm) String() string {
	switch a {
	case ItemKNN:
		return "knn"
	case EASE:
		return "ease"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Weighting re-weights each user's contribution to the co-occurrence of two items.
type Weighting int

const (
	// NoWeighting counts every user once: C(i,j) = #users who have both i and j.
	NoWeighting Weighting = iota
	// TFIDF weighs user u by idf(u) = ln(N_items) - ln(1 + |h(u)|), so users who touch much of
	// the catalog say less about any pair (implicit's tfidf_weight on binary data):
	// w(u,i) = idf(u). Under a Weighting, C(i,j) = sum over users u with i and j of
	// w(u,i) * w(u,j) (so idf(u)^2 here) and c_i = C(i,i).
	TFIDF
	// BM25 weighs user u by idf(u) as TFIDF and item i by the BM25 length normalisation
	// (implicit's bm25_weight on binary data, items as documents, users as terms):
	//
	//	w(u,i) = idf(u) * (K1 + 1) / (K1 * ((1 - B) + B * n(i) / mean(n)) + 1)
	//
	// with n(i) the item's user count, K1 = Config.BM25K1, B = Config.BM25B.
	BM25
)

// Scoring is the direction in which kept neighbour lists turn into a user's scores.
type Scoring int

const (
	// DefaultScoring picks Pull, or Push for RP3Beta and EASE.
	DefaultScoring Scoring = iota
	// Push: every history item i votes for the items of its own list,
	// score(j) = sum over history i of affinity(i) * sim(i,j) for j in top(i)
	// (implicit's and SAR's convention).
	Push
	// Pull: each candidate j sums its similarity to the history items among its own list,
	// score(j) = sum over history i in top(j) of affinity(i) * sim(j,i)
	// (LensKit's and Mahout's convention). Measured better for the cosine family.
	Pull
)

// Config configures Fit. Its zero value is the default model (the best settings measured; see
// the package doc). Every field documents its default.
type Config struct {
	// Algorithm is ItemKNN (default) or EASE.
	Algorithm Algorithm
	// Similarity is the item-item measure of ItemKNN; the zero value DefaultSimilarity means
	// AsymmetricCosine with Alpha 0.1 and Shrink 2 unless those are set (see the package doc for
	// the measurements behind it).
	Similarity Similarity
	// Neighbors is the number of neighbours kept per item; default 100 for ItemKNN. For EASE
	// it keeps the weights largest in magnitude (negative weights matter too), default 500:
	// measured as accurate as all n-1 (NDCG@10 within -0.3%..+0.9% at 200 on three data
	// sets) at 16*500 bytes per item instead of 16*n; set it >= the catalog size for the exact
	// model.
	Neighbors int
	// Alpha is the exponent of AsymmetricCosine (default 0.1) and of RP3Beta's transition
	// probabilities (default 1). It must lie in [0, 1] for AsymmetricCosine.
	Alpha float64
	// Beta is RP3Beta's popularity penalty exponent (default 0.5).
	Beta float64
	// Shrink is added to the denominator of Cosine, AsymmetricCosine, Jaccard,
	// ConditionalProbability and Lift, damping pairs seen together only a few times (default 0,
	// except 2 for the default similarity). Other measures ignore it.
	Shrink float64
	// MinSupport drops pairs that fewer than MinSupport users share (default 1: every pair seen
	// together at least once). With Weighting it still counts users, not weights.
	MinSupport int
	// Weighting re-weights users in the co-occurrence (default NoWeighting). LogLikelihood and
	// RP3Beta count users and refuse a Weighting.
	Weighting Weighting
	// BM25K1 and BM25B are BM25's parameters (defaults 100 and 0.8, as implicit's). Zero
	// selects the default, as for Alpha, Beta and Shrink above; for an effective 0 give a
	// tiny positive value such as 1e-12.
	BM25K1, BM25B float64
	// Scoring selects how a user's score is summed from the kept lists (default: Pull for every
	// Similarity but RP3Beta, which is defined as a walk from the history and uses Push; EASE
	// always uses Push, its rows being the regression weights).
	Scoring Scoring
	// Binary scores every positive affinity as 1 at query time, ignoring how strong it is
	// (ratings, quantities, event kinds then only decide whether a pair counts). Default false:
	// a user's score for j is the sum over history items i of affinity(u,i) * weight(i,j).
	// Similarities are always computed on the binary matrix.
	Binary bool
	// KindWeights weighs interactions by Kind (default DefaultKindWeights()). See Interaction.
	// Fit copies the map: editing it afterwards does not change the model.
	KindWeights map[string]float64
	// ByQuantity multiplies each interaction's weight (Weight, or the weight of Kind) by its
	// |Quantity|, a Quantity of 0 counting as 1: three units bought weigh three purchases.
	// Default false: Quantity is ignored.
	ByQuantity bool
	// HalfLife, when positive, decays each interaction's weight by 0.5^(age/HalfLife), age
	// measured back from Now (SAR uses 30 days). Default 0: no decay.
	HalfLife time.Duration
	// Now is the reference time of the decay; the zero value means the latest interaction time
	// of the Fit input. It stays fixed for Add and Forget. Model.Config reports the time used,
	// in whole seconds and UTC, or the zero Time when HalfLife is 0 (nothing decays, so no
	// reference time is kept and models fitted at different times can be merged).
	Now time.Time
	// EASELambda is EASE's L2 penalty (default 500, Steck's setting for MovieLens-sized data).
	EASELambda float64
	// EASEMaxItems is the largest catalog EASE accepts (default 20000; it needs 8*n*n bytes).
	EASEMaxItems int
	// Workers is the number of goroutines of a fit (default runtime.GOMAXPROCS(0)).
	Workers int
	// Progress, when not nil, is called by Fit and Merge with (done, total): for ItemKNN the
	// items whose neighbours are computed out of all items, for EASE the stages done out of 3
	// (Gram matrix, inverse, weights). done never goes back and the last call has
	// done == total unless the fit is cancelled or fails. Calls are serialised but come from
	// the fit's worker goroutines. Add and Forget do not call it. Default nil: no reports.
	Progress func(done, total int)
}

// Validate reports the first field out of range, as an error wrapping ErrConfig: a negative
// Neighbors, MinSupport, EASEMaxItems, Workers or HalfLife, an Alpha, Beta, Shrink, BM25K1,
// BM25B or EASELambda that is negative or not finite, an unknown enum value, a combination
// the models refuse, or a kind weight that is not finite. Zero fields are the documented
// defaults, never an error. Fit calls it.
func (c Config) Validate() error {
	_, err := c.resolved()
	return err
}

// resolved returns the config with defaults filled in, or an error wrapping ErrConfig. It
// replaces only zero values: any other out-of-range value is an error.
func (c Config) resolved() (Config, error) {
	if c.Similarity == DefaultSimilarity {
		c.Similarity = AsymmetricCosine
		if c.Alpha == 0 {
			c.Alpha = 0.1
		}
		if c.Shrink == 0 {
			c.Shrink = 2
		}
	}
	if c.Scoring == DefaultScoring {
		c.Scoring = Pull
		if c.Similarity == RP3Beta || c.Algorithm == EASE {
			c.Scoring = Push
		}
	}
	if c.Scoring < DefaultScoring || c.Scoring > Pull {
		return c, fmt.Errorf("%w: unknown scoring %d", ErrConfig, int(c.Scoring))
	}
	if c.Algorithm == EASE && c.Scoring == Pull {
		return c, fmt.Errorf("%w: EASE's weights B(i,j) say how much i predicts j: they score by Push", ErrConfig)
	}
	if c.Similarity < DefaultSimilarity || c.Similarity > RP3Beta {
		return c, fmt.Errorf("%w: unknown similarity %d", ErrConfig, int(c.Similarity))
	}
	if c.Algorithm != ItemKNN && c.Algorithm != EASE {
		return c, fmt.Errorf("%w: unknown algorithm %d", ErrConfig, int(c.Algorithm))
	}
	if c.Neighbors == 0 {
		c.Neighbors = 100
		if c.Algorithm == EASE {
			c.Neighbors = 500
		}
	}
	if c.Neighbors < 0 {
		return c, fmt.Errorf("%w: Neighbors = %d is negative", ErrConfig, c.Neighbors)
	}
	if c.Alpha == 0 {
		switch c.Similarity {
		case AsymmetricCosine:
			c.Alpha = 0.1
		case RP3Beta:
			c.Alpha = 1
		}
	}
	if c.Beta == 0 && c.Similarity == RP3Beta {
		c.Beta = 0.5
	}
	if c.BM25K1 == 0 {
		c.BM25K1 = 100
	}
	if c.BM25B == 0 {
		c.BM25B = 0.8
	}
	if c.MinSupport < 0 {
		return c, fmt.Errorf("%w: MinSupport = %d is negative", ErrConfig, c.MinSupport)
	}
	if c.MinSupport == 0 {
		c.MinSupport = 1
	}
	if c.EASELambda == 0 {
		c.EASELambda = 500
	}
	if c.EASEMaxItems < 0 {
		return c, fmt.Errorf("%w: EASEMaxItems = %d is negative", ErrConfig, c.EASEMaxItems)
	}
	if c.EASEMaxItems == 0 {
		c.EASEMaxItems = 20000
	}
	if c.Workers < 0 {
		return c, fmt.Errorf("%w: Workers = %d is negative", ErrConfig, c.Workers)
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	// The model keeps its own copy: a host that later edits its map must not change how the
	// model weighs Add, nor race with it.
	if c.KindWeights == nil {
		c.KindWeights = DefaultKindWeights()
	} else {
		c.KindWeights = maps.Clone(c.KindWeights)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Alpha", c.Alpha}, {"Beta", c.Beta}, {"Shrink", c.Shrink}, {"BM25K1", c.BM25K1}, {"BM25B", c.BM25B}, {"EASELambda", c.EASELambda}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return c, fmt.Errorf("%w: %s = %v must be finite and not negative", ErrConfig, f.name, f.v)
		}
	}
	if c.Similarity == AsymmetricCosine && c.Alpha > 1 {
		return c, fmt.Errorf("%w: Alpha = %v must be in [0, 1] for AsymmetricCosine", ErrConfig, c.Alpha)
	}
	if c.Weighting < NoWeighting || c.Weighting > BM25 {
		return c, fmt.Errorf("%w: unknown weighting %d", ErrConfig, int(c.Weighting))
	}
	if c.Weighting != NoWeighting && (c.Similarity == LogLikelihood || c.Similarity == RP3Beta) {
		return c, fmt.Errorf("%w: %v counts users and cannot be combined with a Weighting", ErrConfig, c.Similarity)
	}
	if c.HalfLife < 0 {
		return c, fmt.Errorf("%w: HalfLife = %v is negative", ErrConfig, c.HalfLife)
	}
	for k, w := range c.KindWeights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return c, fmt.Errorf("%w: KindWeights[%q] = %v is not finite", ErrConfig, k, w)
		}
	}
	return c, nil
}
