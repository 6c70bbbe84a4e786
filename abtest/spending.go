package abtest

import (
	"fmt"
	"math"
)

// SpendingFunction is a Lan-DeMets alpha-spending function alpha(t) for information fraction
// t in (0, 1], with alpha(1) = alpha. The zero value is OBrienFleming.
type SpendingFunction int

const (
	// OBrienFleming is the Lan-DeMets O'Brien-Fleming type: per side
	// 2 - 2 Phi(z_{1-a/2}/sqrt t) with a the one-sided level (alpha/2 per side for a
	// two-sided design, as ldbounds and gsDesign do). It spends almost nothing early, so early
	// looks need overwhelming evidence.
	OBrienFleming SpendingFunction = iota
	// Pocock is the Lan-DeMets Pocock type: alpha ln(1 + (e - 1) t). Nearly constant bounds.
	Pocock
	// PowerFamily is alpha t^rho (Kim-DeMets); rho = 2 is what Spotify's confidence uses.
	PowerFamily
)

// SpendingConfig configures GroupSequentialBounds. The zero value is a two-sided
// O'Brien-Fleming design at alpha 0.05.
type SpendingConfig struct {
	// Alpha is the total (two-sided or one-sided) false-positive rate. Default (0) 0.05.
	Alpha float64
	// Function is the spending function. Default OBrienFleming.
	Function SpendingFunction
	// Rho is PowerFamily's exponent. Default (0) 2.
	Rho float64
	// OneSided asks for upper bounds only (H1: treatment > control). Default two-sided
	// symmetric bounds.
	OneSided bool
	// GridPoints is the number of points per unit of the score scale in the numerical
	// integration. Default (0) 200; larger is slower and more precise.
	GridPoints int
}

// Bound is the group-sequential boundary at one look.
type Bound struct {
	// Fraction is the information fraction t_k.
	Fraction float64 `json:"fraction"`
	// Z is the critical |z| (or z for one-sided) at this look: stop and reject when the
	// standardized statistic crosses it. +Inf when the look spends no alpha.
	Z float64 `json:"z"`
	// NominalAlpha is the per-look p-value threshold equivalent to Z: 2(1 - Phi(Z))
	// two-sided, 1 - Phi(Z) one-sided.
	NominalAlpha float64 `json:"nominal_alpha"`
	// Spent is the cumulative alpha(t_k).
	Spent float64 `json:"spent"`
}

func (c SpendingConfig) spend(alpha, t float64) float64 {
	t = math.Min(t, 1)
	switch c.Function {
	case Pocock:
		return alpha * math.Log1p((math.E-1)*t)
	case PowerFamily:
		rho := c.Rho
		if rho == 0 {
			rho = 2
		}
		return alpha * math.Pow(t, rho)
	default:
		if c.OneSided {
			return 2 * normSF(normUpper(alpha/2)/math.Sqrt(t))
		}
		return 4 * normSF(normUpper(alpha/4)/math.Sqrt(t))
	}
}

// GroupSequentialBounds computes Lan-DeMets alpha-spending boundaries at the given increasing
// information fractions 0 < t_1 < ... < t_K <= 1 (for example cumulative sample / planned
// sample, capped at 1 when the experiment runs over). The probability of crossing first at
// look k under H0 equals alpha(t_k) - alpha(t_{k-1}); it is computed by the
// Armitage-McPherson-Rowe recursion on the score S_k = Z_k sqrt(t_k), a Brownian motion with
// independent N(0, t_k - t_{k-1}) increments, integrating its density over the continuation
// region with Simpson's rule, and each bound is found by bisection. The first bound is exact:
// z_{1 - alpha(t_1)/2}. Accuracy is about 1e-6 in z at the default grid.
func GroupSequentialBounds(fractions []float64, cfg SpendingConfig) ([]Bound, error) {
	alpha, err := checkAlpha(cfg.Alpha)
	if err != nil {
		return nil, err
	}
	if cfg.Function < OBrienFleming || cfg.Function > PowerFamily {
		return nil, fmt.Errorf("%w: spending function %d", ErrInvalidInput, int(cfg.Function))
	}
	if cfg.Function == PowerFamily && (cfg.Rho < 0 || !finite(cfg.Rho)) {
		return nil, fmt.Errorf("%w: rho %v", ErrInvalidInput, cfg.Rho)
	}
	for i, t := range fractions {
		if !(t > 0 && t <= 1) || (i > 0 && !(t > fractions[i-1])) {
			return nil, fmt.Errorf("%w: information fractions must increase within (0, 1], got %v", ErrInvalidInput, fractions)
		}
	}
	perUnit := cfg.GridPoints
	if perUnit == 0 {
		perUnit = 200
	}
	if perUnit < 10 || perUnit > 100000 {
		return nil, fmt.Errorf("%w: grid points %d", ErrInvalidInput, cfg.GridPoints)
	}
	sides := 2.0
	if cfg.OneSided {
		sides = 1
	}
	out := make([]Bound, 0, len(fractions))
	var grid, dens []float64 // score values and sub-density of not having stopped yet
	prevT, spent := 0.0, 0.0
	for k, t := range fractions {
		target := cfg.spend(alpha, t) - spent
		b := Bound{Fraction: t, Spent: cfg.spend(alpha, t)}
		dt := t - prevT
		sd := math.Sqrt(dt)
		// cross returns P(first crossing at this look) for the z bound c.
		cross := func(c float64) float64 {
			s := c * math.Sqrt(t)
			if k == 0 {
				p := normSF(s / sd)
				if !cfg.OneSided {
					p *= 2
				}
				return p
			}
			f := make([]float64, len(grid))
			for i, u := range grid {
				f[i] = dens[i] * normSF((s-u)/sd)
				if !cfg.OneSided {
					f[i] += dens[i] * normCDF((-s-u)/sd)
				}
			}
			return simpson(f, grid[1]-grid[0])
		}
		switch {
		case target <= 0:
			b.Z = math.Inf(1)
		case k == 0:
			b.Z = normUpper(target / sides)
		default:
			b.Z = bisect(func(c float64) float64 { return target - cross(c) }, 0, 40)
		}
		b.NominalAlpha = sides * normSF(b.Z)
		out = append(out, b)
		if k == len(fractions)-1 {
			break
		}
		// Propagate the density of S_k on the continuation region to the next look.
		hiS := b.Z * math.Sqrt(t)
		if math.IsInf(hiS, 1) {
			hiS = 10 * math.Sqrt(t)
		}
		loS := -hiS
		if cfg.OneSided {
			loS = -10 * math.Sqrt(t)
		}
		m := int(math.Ceil((hiS-loS)*float64(perUnit)/math.Sqrt(t)))/2*2 + 1
		ng := make([]float64, m)
		nd := make([]float64, m)
		h := (hiS - loS) / float64(m-1)
		for i := range ng {
			ng[i] = loS + float64(i)*h
			if k == 0 {
				nd[i] = normPDF(ng[i]/sd) / sd
				continue
			}
			f := make([]float64, len(grid))
			for j, u := range grid {
				f[j] = dens[j] * normPDF((ng[i]-u)/sd) / sd
			}
			nd[i] = simpson(f, grid[1]-grid[0])
		}
		grid, dens = ng, nd
		prevT, spent = t, b.Spent
	}
	return out, nil
}

// simpson integrates samples f at spacing h with Simpson's rule (len(f) odd).
func simpson(f []float64, h float64) float64 {
	n := len(f)
	if n < 3 {
		return 0
	}
	s := f[0] + f[n-1]
	for i := 1; i < n-1; i++ {
		if i%2 == 1 {
			s += 4 * f[i]
		} else {
			s += 2 * f[i]
		}
	}
	return s * h / 3
}
