package segment

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// SilhouetteConfig configures Silhouette. The zero value computes exactly up to 2,000 points
// and on a random sample of 2,000 above that.
type SilhouetteConfig struct {
	// SampleSize is the largest number of points scored exactly; above it a random sample of
	// that many points (without replacement, drawn with Seed) is scored among themselves, as
	// scikit-learn's silhouette_score(sample_size=...) does. Default (0) 2000; negative is an
	// error.
	SampleSize int
	// Seed draws the sample.
	Seed uint64
}

// Validate reports a negative SampleSize as ErrBadConfig.
func (c SilhouetteConfig) Validate() error {
	if c.SampleSize < 0 {
		return fmt.Errorf("segment: SilhouetteConfig.SampleSize = %d: %w", c.SampleSize, ErrBadConfig)
	}
	return nil
}

// Silhouette returns the mean silhouette coefficient of the labelled points (Rousseeuw 1987):
// for point i with a(i) the mean distance to the other points of its cluster and b(i) the
// smallest mean distance to the points of another cluster,
//
//	s(i) = (b(i) - a(i)) / max(a(i), b(i)),  and s(i) = 0 when i is alone in its cluster,
//
// in [-1, 1], higher meaning tighter, better separated clusters. Distances are Euclidean.
// Errors: ErrEmpty, ErrNotFinite, ErrOutOfRange, and ErrBadConfig when labels and points
// differ in length, a label is negative, SampleSize is negative, or the (sampled) points do
// not have between 2 and n-1 clusters. The work is SampleSize² distances at most (4 million by
// default); ChooseK also stops it when its context is done.
func Silhouette(p Points, labels []int, cfg SilhouetteConfig) (float64, error) {
	return silhouette(context.Background(), p, labels, cfg)
}

func silhouette(ctx context.Context, p Points, labels []int, cfg SilhouetteConfig) (float64, error) {
	if err := p.check(); err != nil {
		return 0, err
	}
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	n := p.Len()
	if len(labels) != n {
		return 0, fmt.Errorf("segment: Silhouette: %d labels for %d points: %w", len(labels), n, ErrBadConfig)
	}
	size := cfg.SampleSize
	if size == 0 {
		size = 2000
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if n > size {
		rng := rand.New(rand.NewPCG(cfg.Seed, 0x5111))
		// Partial Fisher-Yates: the first size entries are a uniform sample.
		for i := range size {
			j := i + rng.IntN(n-i)
			idx[i], idx[j] = idx[j], idx[i]
		}
		idx = idx[:size]
		slices.Sort(idx)
	}
	// Relabel to 0..L-1 over the sample.
	ids := map[int]int{}
	lab := make([]int, len(idx))
	for s, i := range idx {
		if labels[i] < 0 {
			return 0, fmt.Errorf("segment: Silhouette: label[%d] = %d: %w", i, labels[i], ErrBadConfig)
		}
		id, ok := ids[labels[i]]
		if !ok {
			id = len(ids)
			ids[labels[i]] = id
		}
		lab[s] = id
	}
	m, L := len(idx), len(ids)
	if L < 2 || L > m-1 {
		return 0, fmt.Errorf("segment: Silhouette: %d clusters among %d points, need 2 to %d: %w", L, m, m-1, ErrBadConfig)
	}
	count := make([]int, L)
	for _, l := range lab {
		count[l]++
	}
	scores := make([]float64, m)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			sum := make([]float64, L)
			for s := w; s < m; s += workers {
				clear(sum)
				x := p.Row(idx[s])
				for t, i := range idx {
					if t != s {
						sum[lab[t]] += math.Sqrt(sqDist(x, p.Row(i)))
					}
					if t%4096 == 4095 && ctx.Err() != nil {
						return
					}
				}
				own := lab[s]
				if count[own] == 1 {
					continue // s = 0 for a singleton
				}
				a := sum[own] / float64(count[own]-1)
				b := math.Inf(1)
				for l := range L {
					if l != own {
						b = min(b, sum[l]/float64(count[l]))
					}
				}
				if den := max(a, b); den > 0 {
					scores[s] = (b - a) / den
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("segment: Silhouette: %w", err)
	}
	var total float64
	for _, v := range scores {
		total += v
	}
	return total / float64(m), nil
}

// KChoice is the fit of one k tried by ChooseK.
type KChoice struct {
	K          int     `json:"k"`
	Inertia    float64 `json:"inertia"`    // of the best restart (KMeans.Inertia)
	Silhouette float64 `json:"silhouette"` // of its labels, by ChooseK's SilhouetteConfig
}

// ChooseK fits k-means for each k in ks (each >= 2) with cfg (whose K is ignored) and scores
// each fit by its silhouette; it returns the k with the highest silhouette (the smallest k on
// ties) and every fit's scores, for an elbow plot of Inertia as well. cfg.Progress counts
// restarts over all the fits: total = len(ks) * Restarts. Errors are FitKMeans's and
// Silhouette's, and ErrBadConfig for an empty ks or a k below 2.
func ChooseK(ctx context.Context, p Points, ks []int, cfg KMeansConfig, sil SilhouetteConfig) (int, []KChoice, error) {
	if len(ks) == 0 {
		return 0, nil, fmt.Errorf("segment: ChooseK: no k to try: %w", ErrBadConfig)
	}
	if err := cfg.Validate(); err != nil {
		return 0, nil, err
	}
	if err := sil.Validate(); err != nil {
		return 0, nil, err
	}
	out := make([]KChoice, 0, len(ks))
	best := -1
	for i, k := range ks {
		if k < 2 {
			return 0, nil, fmt.Errorf("segment: ChooseK: k = %d, need at least 2: %w", k, ErrBadConfig)
		}
		c := cfg
		c.K = k
		if cfg.Progress != nil {
			c.Progress = func(done, total int) { cfg.Progress(i*total+done, len(ks)*total) }
		}
		m, err := FitKMeans(ctx, p, c)
		if err != nil {
			return 0, nil, err
		}
		s, err := silhouette(ctx, p, m.Labels, sil)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, KChoice{K: k, Inertia: m.Inertia, Silhouette: s})
		if i := len(out) - 1; best < 0 || s > out[best].Silhouette || s == out[best].Silhouette && k < out[best].K {
			best = i
		}
	}
	return out[best].K, out, nil
}
