// Package interactsim generates MovieLens-shaped implicit-feedback data sets (users, items,
// ratings, times) for tailor's recommender tests and benchmarks: power-law item popularity mixed
// with latent taste clusters, deterministic for a seed. It is separate from the synthetic shop
// (internal/shopsim) so that recommend's tests can use it without importing profile.
package interactsim

import (
	"iter"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/tailorkit/tailor/internal/wsample"
)

// InteractionConfig describes an implicit-feedback data set: users who each touch a number of
// distinct items, drawn by power-law popularity mixed with latent taste clusters.
type InteractionConfig struct {
	Seed  uint64 // random seed; 0 means 1
	Users int    // number of users
	Items int    // number of items
	// MeanPerUser is the mean number of distinct items per user; the count is MinPerUser plus a
	// log-normal excess, capped at Items/2.
	MeanPerUser float64
	MinPerUser  int
	// Clusters is the number of latent taste clusters; each user prefers two of them.
	Clusters int
	// Taste is the probability that an interaction comes from a preferred cluster rather than
	// from overall popularity.
	Taste float64
	// Exponent is the Zipf exponent of item popularity.
	Exponent float64
	// Start is the unix time of the first interaction; users' histories are spread over Span
	// seconds.
	Start, Span int64
}

// ML20M is the shape of MovieLens-20M used by tailor's recommender benchmarks: 138,493 users,
// 26,744 items and about 16 million distinct user-item pairs, each user with at least 20.
func ML20M() InteractionConfig {
	return InteractionConfig{Seed: 1, Users: 138493, Items: 26744, MeanPerUser: 115, MinPerUser: 20,
		Clusters: 96, Taste: 0.6, Exponent: 1.0, Start: 1104537600, Span: 10 * 365 * 86400}
}

// Small is a data set for tests: 3,000 users, 1,500 items, about 100k interactions.
func Small() InteractionConfig {
	return InteractionConfig{Seed: 1, Users: 3000, Items: 1500, MeanPerUser: 33, MinPerUser: 5,
		Clusters: 24, Taste: 0.6, Exponent: 1.0, Start: 1104537600, Span: 2 * 365 * 86400}
}

// Interaction is one user-item pair with a MovieLens-like rating (1 to 5 in halves) and a unix
// time. Users and items are dense indices; UserID and ItemID give the string IDs.
type Interaction struct {
	User, Item int32
	Weight     float32
	Time       int64
}

// UserID formats a user index as the string ID used in files: "u123".
func UserID(u int32) string { return "u" + strconv.Itoa(int(u)) }

// ItemID formats an item index as the string ID used in files: "i456".
func ItemID(i int32) string { return "i" + strconv.Itoa(int(i)) }

// Interactions yields the data set user by user, each user's items in time order. Each user has
// a random source of its own, so the output is deterministic for a seed.
func Interactions(cfg InteractionConfig) iter.Seq[Interaction] {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	return func(yield func(Interaction) bool) {
		if cfg.Users <= 0 || cfg.Items <= 0 {
			return
		}
		g := newInteractionGen(cfg)
		mark := make([]int32, cfg.Items) // mark[item] == user+1 when the user already has it
		items := make([]int32, 0, 64)
		for u := range int32(cfg.Users) {
			items = g.user(u, mark, items[:0])
			r := rand.New(rand.NewPCG(cfg.Seed^0xabcdef, uint64(u)))
			t := cfg.Start + r.Int64N(max(cfg.Span/2, 1))
			for _, it := range items {
				t += 1 + r.Int64N(max(cfg.Span/int64(4*len(items)+1), 1))
				w := float32(math.Round(min(5, max(1, 3.6+0.9*r.NormFloat64()))*2) / 2)
				if !yield(Interaction{User: u, Item: it, Weight: w, Time: t}) {
					return
				}
			}
		}
	}
}

type interactionGen struct {
	cfg     InteractionConfig
	all     wsample.Sampler
	cluster []wsample.Sampler
	lnMu    float64
	lnSigma float64
}

func newInteractionGen(cfg InteractionConfig) *interactionGen {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x17e))
	rank := r.Perm(cfg.Items)
	pop := make([]float64, cfg.Items)
	clusters := max(cfg.Clusters, 1)
	members := make([][]int, clusters)
	for i := range cfg.Items {
		pop[i] = 1 / math.Pow(float64(rank[i])+10, cfg.Exponent)
		c := r.IntN(clusters)
		members[c] = append(members[c], i)
	}
	g := &interactionGen{cfg: cfg, all: wsample.New(pop), cluster: make([]wsample.Sampler, clusters)}
	for c, m := range members {
		g.cluster[c] = wsample.Items(m, pop)
	}
	// The excess over MinPerUser is log-normal with sigma 1.1 and the requested mean.
	g.lnSigma = 1.1
	excess := math.Max(cfg.MeanPerUser-float64(cfg.MinPerUser), 1)
	g.lnMu = math.Log(excess) - g.lnSigma*g.lnSigma/2
	return g
}

// user draws the distinct items of user u in random order.
func (g *interactionGen) user(u int32, mark []int32, items []int32) []int32 {
	r := rand.New(rand.NewPCG(g.cfg.Seed, uint64(u)))
	n := g.cfg.MinPerUser + int(math.Exp(g.lnMu+g.lnSigma*r.NormFloat64()))
	n = min(n, g.cfg.Items/2)
	clusters := len(g.cluster)
	fav := [2]int{r.IntN(clusters), r.IntN(clusters)}
	for tries := 0; len(items) < n && tries < 20*n; tries++ {
		var it int
		if cs := g.cluster[fav[r.IntN(2)]]; r.Float64() < g.cfg.Taste && !cs.Empty() {
			it = cs.Draw(r)
		} else {
			it = g.all.Draw(r)
		}
		if mark[it] == u+1 {
			continue
		}
		mark[it] = u + 1
		items = append(items, int32(it))
	}
	return items
}
