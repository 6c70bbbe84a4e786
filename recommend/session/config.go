package session

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrConfig is wrapped by every error Config.Validate returns.
var ErrConfig = errors.New("session: invalid config")

// Method chooses how the next items are scored.
type Method uint8

const (
	// VSTAN (the default) is STAN with the item position weight in the current session and
	// IDF weighting of V-SKNN (Ludewig, Latifi, Jannach et al. 2021).
	VSTAN Method = iota
	// STAN: sequence- and time-aware neighbourhood (Garg et al. 2019).
	STAN
	// VSKNN: vector-multiplication session kNN (Ludewig & Jannach 2018).
	VSKNN
	// SKNN: session kNN on sets of items (Jannach & Ludewig 2017).
	SKNN
	// SR: sequential rules, the items that followed the last item within Steps events in
	// indexed sessions (Ludewig & Jannach 2018). The cheap baseline.
	SR
)

var methodNames = [...]string{"vstan", "stan", "vsknn", "sknn", "sr"}

// String returns "vstan", "stan", "vsknn", "sknn" or "sr".
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// MarshalText encodes the method as its name.
func (m Method) MarshalText() ([]byte, error) {
	if int(m) >= len(methodNames) {
		return nil, fmt.Errorf("%w: method %d", ErrConfig, int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes a method name as String writes it.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseMethod returns the Method a name (as String writes it) stands for.
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown method %q (vstan, stan, vsknn, sknn, sr)", ErrConfig, s)
}

// Decay is a weighting of a position or a distance, as session-rec names them. For a
// position i (1-based) in a session of n events (Config.PositionWeight):
//
//	Same 1, Div i/n, Linear 1-0.1(n-i) for i <= 10 else 0, Log 1/log10(n-i+1.7), Quadratic (i/n)^2
//
// and for a distance d >= 1 (Config.DistanceWeight, Config.RuleWeight):
//
//	Same 1, Div 1/d, Linear 1-0.1d for d <= 100 else 0, Log 1/log10(d+1.7), Quadratic 1/d^2
type Decay uint8

const (
	// DefaultDecay selects the field's documented default.
	DefaultDecay Decay = iota
	// Same weighs everything 1.
	Same
	// Div is i/n for a position, 1/d for a distance.
	Div
	// Linear is 1-0.1(n-i) (positions up to 10) or 1-0.1d (distances up to 100).
	Linear
	// Log is 1/log10(n-i+1.7) or 1/log10(d+1.7).
	Log
	// Quadratic is (i/n)^2 or 1/d^2.
	Quadratic
)

var decayNames = [...]string{"default", "same", "div", "linear", "log", "quadratic"}

// String returns the decay's name: "default", "same", "div", "linear", "log", "quadratic".
func (d Decay) String() string {
	if int(d) < len(decayNames) {
		return decayNames[d]
	}
	return fmt.Sprintf("Decay(%d)", int(d))
}

// MarshalText encodes the decay as its name.
func (d Decay) MarshalText() ([]byte, error) {
	if int(d) >= len(decayNames) {
		return nil, fmt.Errorf("%w: decay %d", ErrConfig, int(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a decay name as String writes it.
func (d *Decay) UnmarshalText(b []byte) error {
	v, err := ParseDecay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDecay returns the Decay a name (as String writes it) stands for.
func ParseDecay(s string) (Decay, error) {
	for i, n := range decayNames {
		if n == s {
			return Decay(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown decay %q (same, div, linear, log, quadratic)", ErrConfig, s)
}

func (d Decay) position(i, n int) float64 {
	switch d {
	case Same:
		return 1
	case Div:
		return float64(i) / float64(n)
	case Linear:
		if i <= 10 {
			return 1 - 0.1*float64(n-i)
		}
		return 0
	case Log:
		return 1 / math.Log10(float64(n-i)+1.7)
	case Quadratic:
		q := float64(i) / float64(n)
		return q * q
	}
	return 1
}

func (d Decay) distance(k int) float64 {
	switch d {
	case Same:
		return 1
	case Div:
		return 1 / float64(k)
	case Linear:
		if k <= 100 {
			return 1 - 0.1*float64(k)
		}
		return 0
	case Log:
		return 1 / math.Log10(float64(k)+1.7)
	case Quadratic:
		return 1 / float64(k*k)
	}
	return 1
}

// Similarity is SKNN's session similarity.
type Similarity uint8

const (
	// Cosine (the default): |A and B| / sqrt(|A| |B|) over the sets of items.
	Cosine Similarity = iota
	// Jaccard: |A and B| / |A or B|.
	Jaccard
)

// String returns "cosine" or "jaccard".
func (s Similarity) String() string {
	switch s {
	case Cosine:
		return "cosine"
	case Jaccard:
		return "jaccard"
	}
	return fmt.Sprintf("Similarity(%d)", int(s))
}

// MarshalText encodes the similarity as its name.
func (s Similarity) MarshalText() ([]byte, error) {
	if s > Jaccard {
		return nil, fmt.Errorf("%w: similarity %d", ErrConfig, int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "cosine" or "jaccard".
func (s *Similarity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "cosine":
		*s = Cosine
	case "jaccard":
		*s = Jaccard
	default:
		return fmt.Errorf("%w: unknown similarity %q (cosine, jaccard)", ErrConfig, b)
	}
	return nil
}

// Config configures a Model. Its zero value is the default model: VSTAN with the parameters
// the package doc explains. Every field documents its default; a default that depends on the
// Method is given per method. Zero always means the default: to switch a weighting off, give
// a value that makes it 1 everywhere (a huge decay constant) or tiny (1e-300 for IDFWeight).
type Config struct {
	// Method is the scoring method (default VSTAN).
	Method Method `json:"method"`
	// Neighbors is the number of most similar sessions that vote (k). Defaults: VSTAN 500,
	// STAN 500, VSKNN 500, SKNN 100. SR does not use it.
	Neighbors int `json:"neighbors,omitempty"`
	// SampleSize is how many of the most recent sessions sharing an item with the current
	// session are compared with it (the candidates). Defaults: VSTAN 2500, STAN 10000, VSKNN
	// 5000, SKNN 500. For SR it is how many of the most recent sessions holding the last item
	// are counted (default 10000; every one on Diginetica, whose most viewed item is in 729).
	SampleSize int `json:"sample_size,omitempty"`

	// Similarity is SKNN's similarity (default Cosine).
	Similarity Similarity `json:"similarity,omitempty"`
	// PositionWeight weighs an item of the current session by its position in VSKNN's
	// similarity (default Quadratic).
	PositionWeight Decay `json:"position_weight,omitempty"`
	// DistanceWeight decays a VSKNN neighbour's vote by the distance from the end of the
	// current session to the latest item it shares (default Div).
	DistanceWeight Decay `json:"distance_weight,omitempty"`
	// IDFWeight multiplies each voted item's score by 1 + IDFWeight * idf(item), idf =
	// ln(sessions / events of the item), in VSKNN and VSTAN. Defaults: VSTAN 10, VSKNN 5.
	IDFWeight float64 `json:"idf_weight,omitempty"`

	// SessionPositionDecay is STAN's lambda_spw: an item of the current session at position
	// i of n weighs exp((i-n)/SessionPositionDecay) in the similarity. Defaults: VSTAN 4.9,
	// STAN 1.225.
	SessionPositionDecay float64 `json:"session_position_decay,omitempty"`
	// SessionRecency is STAN's lambda_snh: a neighbour that ended dt before the newest of
	// the query and the candidates weighs exp(-dt/SessionRecency). Defaults: VSTAN 80 days,
	// STAN 20 days.
	SessionRecency time.Duration `json:"session_recency,omitempty"`
	// ItemPositionDecay is STAN's lambda_inh: an item of a neighbour at distance d from the
	// neighbour's last item shared with the current session weighs exp(-d/ItemPositionDecay).
	// Default 4.9 (VSTAN and STAN).
	ItemPositionDecay float64 `json:"item_position_decay,omitempty"`
	// MatchPositionDecay is VSTAN's lambda_ipw: a neighbour whose latest shared item sits at
	// position i of the current session's n votes with weight exp((i-n)/MatchPositionDecay).
	// Default 1.225.
	MatchPositionDecay float64 `json:"match_position_decay,omitempty"`

	// Steps is how many following events SR counts a rule for (default 25).
	Steps int `json:"steps,omitempty"`
	// RuleWeight weighs an SR rule by the distance between its two events (default Div).
	RuleWeight Decay `json:"rule_weight,omitempty"`

	// MaxSessions bounds the index: when more sessions are held, the oldest age out
	// (default 1,000,000). Memory is about 20 bytes per indexed event plus 64 per session.
	MaxSessions int `json:"max_sessions,omitempty"`
	// MaxLength caps a session at its latest MaxLength events, in the index and in a query
	// (default 200): a runaway session of 10,000 events costs what 200 cost.
	MaxLength int `json:"max_length,omitempty"`
	// Gap splits a visitor's events into sessions where Event.Session is empty: a pause longer
	// than Gap starts a new session (default 30 minutes).
	Gap time.Duration `json:"gap,omitempty"`
	// NoFallback leaves a list short when the neighbours score fewer than k items, instead of
	// filling it with the most popular indexed items (default false: fill, flagged in
	// Rec.Source).
	NoFallback bool `json:"no_fallback,omitempty"`
}

// Defaults returns c with every zero field replaced by its documented default.
func (c Config) Defaults() Config {
	type perMethod struct{ k, sample int }
	pm := [...]perMethod{VSTAN: {500, 2500}, STAN: {500, 10000}, VSKNN: {500, 5000}, SKNN: {100, 500}, SR: {0, 10000}}
	if int(c.Method) < len(pm) {
		if c.Neighbors == 0 {
			c.Neighbors = pm[c.Method].k
		}
		if c.SampleSize == 0 {
			c.SampleSize = pm[c.Method].sample
		}
	}
	if c.PositionWeight == DefaultDecay {
		c.PositionWeight = Quadratic
	}
	if c.DistanceWeight == DefaultDecay {
		c.DistanceWeight = Div
	}
	if c.IDFWeight == 0 {
		c.IDFWeight = 10
		if c.Method == VSKNN {
			c.IDFWeight = 5
		}
	}
	if c.SessionPositionDecay == 0 {
		c.SessionPositionDecay = 4.9
		if c.Method == STAN {
			c.SessionPositionDecay = 1.225
		}
	}
	if c.SessionRecency == 0 {
		c.SessionRecency = 80 * 24 * time.Hour
		if c.Method == STAN {
			c.SessionRecency = 20 * 24 * time.Hour
		}
	}
	if c.ItemPositionDecay == 0 {
		c.ItemPositionDecay = 4.9
	}
	if c.MatchPositionDecay == 0 {
		c.MatchPositionDecay = 1.225
	}
	if c.Steps == 0 {
		c.Steps = 25
	}
	if c.RuleWeight == DefaultDecay {
		c.RuleWeight = Div
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = 1_000_000
	}
	if c.MaxLength == 0 {
		c.MaxLength = 200
	}
	if c.Gap == 0 {
		c.Gap = 30 * time.Minute
	}
	return c
}

// maxNeighbors bounds Neighbors and SampleSize: a query compares at most this many sessions.
const maxNeighbors = 1 << 20

// Validate reports the first field out of range, wrapping ErrConfig. Zero fields are valid
// (they mean the default).
func (c Config) Validate() error {
	bad := func(field string, v any, why string) error {
		return fmt.Errorf("%w: %s = %v: %s", ErrConfig, field, v, why)
	}
	pos := func(field string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e15 {
			return bad(field, v, "must be a finite number in [0, 1e15]")
		}
		return nil
	}
	switch {
	case int(c.Method) >= len(methodNames):
		return bad("Method", int(c.Method), "unknown method")
	case c.Neighbors < 0 || c.Neighbors > maxNeighbors:
		return bad("Neighbors", c.Neighbors, "must be in [0, 1048576]")
	case c.SampleSize < 0 || c.SampleSize > maxNeighbors:
		return bad("SampleSize", c.SampleSize, "must be in [0, 1048576]")
	case c.Similarity > Jaccard:
		return bad("Similarity", int(c.Similarity), "unknown similarity")
	case c.PositionWeight > Quadratic:
		return bad("PositionWeight", int(c.PositionWeight), "unknown decay")
	case c.DistanceWeight > Quadratic:
		return bad("DistanceWeight", int(c.DistanceWeight), "unknown decay")
	case c.RuleWeight > Quadratic:
		return bad("RuleWeight", int(c.RuleWeight), "unknown decay")
	case c.SessionRecency < 0:
		return bad("SessionRecency", c.SessionRecency, "must not be negative")
	case c.Steps < 0 || c.Steps > 1000:
		return bad("Steps", c.Steps, "must be in [0, 1000]")
	case c.MaxSessions < 0:
		return bad("MaxSessions", c.MaxSessions, "must not be negative")
	case c.MaxLength < 0 || c.MaxLength >= 1<<16:
		return bad("MaxLength", c.MaxLength, "must be in [0, 65535]")
	case c.Gap < 0:
		return bad("Gap", c.Gap, "must not be negative")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"IDFWeight", c.IDFWeight}, {"SessionPositionDecay", c.SessionPositionDecay},
		{"ItemPositionDecay", c.ItemPositionDecay}, {"MatchPositionDecay", c.MatchPositionDecay}} {
		if err := pos(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}
