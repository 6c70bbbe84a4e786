package metrics

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// FunnelOrder says how strictly a funnel's steps must follow each other.
type FunnelOrder int

const (
	// Loose (the default) needs the steps in order, with anything in between: view, search,
	// view, add_to_cart, checkout passes view → add_to_cart → checkout.
	Loose FunnelOrder = iota
	// Strict needs each step to be the person's very next event after the previous step, of
	// any type: the sequence above fails at add_to_cart because a search comes between.
	Strict
)

// FunnelConfig defines a funnel. Its zero value is not usable: Steps are required.
type FunnelConfig struct {
	// Steps are the event types of the funnel's steps, in order; at least one. A type may
	// repeat (view → view counts people with two views).
	Steps []profile.EventType
	// Order is Loose (default) or Strict.
	Order FunnelOrder
	// Window bounds the time from a person's first step to each later step; 0 means no bound.
	// A window of 30 minutes approximates a per-session funnel.
	Window time.Duration
	// Person says who an event belongs to, as Config.Person; nil means e.Person().
	Person func(e *profile.Event) string
	// Progress, if set, is called with the number of events read so far every 1<<16 events by
	// AddAll (total is 0: a stream's length is unknown). Default nil: no calls.
	Progress func(done, total int)
}

// Funnel counts, per person, how far along an ordered list of steps they got. It keeps for
// each person only the times of their step events (of all their events, for a Strict funnel),
// so it is fed in one pass in any time order and merged across shards.
//
// The unit is the person (Event.Person): a person reaches step k when some occurrence of
// step 1 is followed, in order and within Window, by steps 2..k. Events at the same instant
// are taken in funnel order.
//
// A Funnel is not safe for concurrent use: give each goroutine its own and Merge them.
type Funnel struct {
	cfg    FunnelConfig
	types  []profile.EventType // distinct step types, by first appearance in Steps
	steps  []int16             // steps as indexes into types
	people map[string][]stepEvent
}

type stepEvent struct {
	t   int64
	typ int16 // index into types; len(types) for a non-step event (Strict only)
}

// NewFunnel returns an empty funnel, or an error wrapping ErrConfig when cfg has no steps or a
// negative window.
func NewFunnel(cfg FunnelConfig) (*Funnel, error) {
	if len(cfg.Steps) == 0 || len(cfg.Steps) > 1000 {
		return nil, fmt.Errorf("%w: a funnel needs 1 to 1000 steps, got %d", ErrConfig, len(cfg.Steps))
	}
	if cfg.Window < 0 {
		return nil, fmt.Errorf("%w: negative funnel window %s", ErrConfig, cfg.Window)
	}
	f := &Funnel{cfg: cfg, people: map[string][]stepEvent{}}
	for _, s := range cfg.Steps {
		i := slices.Index(f.types, s)
		if i < 0 {
			i = len(f.types)
			f.types = append(f.types, s)
		}
		f.steps = append(f.steps, int16(i))
	}
	return f, nil
}

// Add records one event. Invalid events (see Accumulator.Add) are ignored and reported.
func (f *Funnel) Add(e *profile.Event) error {
	if err := e.Validate(); err != nil {
		return wrapCause(ErrInvalidEvent, "", err)
	}
	if e.Time.Before(minNano) || e.Time.After(maxNano) {
		return fmt.Errorf("%w: %s", ErrTimeRange, e.Time)
	}
	typ := int16(slices.Index(f.types, e.Type))
	if typ < 0 {
		if f.cfg.Order != Strict {
			return nil
		}
		typ = int16(len(f.types))
	}
	who := personOf(f.cfg.Person, e)
	f.people[who] = append(f.people[who], stepEvent{e.Time.UnixNano(), typ})
	return nil
}

// AddAll records every event of seq, skipping invalid ones; it stops with ctx's error when
// ctx is cancelled.
func (f *Funnel) AddAll(ctx context.Context, seq iter.Seq[profile.Event]) error {
	return feed(ctx, seq, f.cfg.Progress, f.Add)
}

// Merge adds o's events to f. o must have the same configuration and not be used afterwards.
// Merging a funnel into itself returns ErrSelfMerge and changes nothing.
func (f *Funnel) Merge(o *Funnel) error {
	if f == o {
		return ErrSelfMerge
	}
	for who, ev := range o.people {
		f.people[who] = append(f.people[who], ev...)
	}
	return nil
}

// FunnelStep is one step of a FunnelResult.
type FunnelStep struct {
	// Name is the step's event type.
	Name string `json:"name"`
	// Reached counts people who got at least this far.
	Reached int64 `json:"reached"`
	// FromPrevious is Reached / the previous step's Reached (for the first step: Reached/Reached).
	FromPrevious Rate `json:"from_previous"`
	// FromStart is Reached / the first step's Reached.
	FromStart Rate `json:"from_start"`
	// DropOff is 1 − FromPrevious: the share of the previous step's people lost here.
	DropOff Rate `json:"drop_off"`
}

// FunnelResult is a funnel's outcome, one entry per step.
type FunnelResult struct {
	Steps []FunnelStep `json:"steps"`
	// Interval is how intervals are rendered.
	Interval IntervalConfig `json:"interval"`
}

// Result computes how far each person got.
func (f *Funnel) Result() FunnelResult {
	reached := make([]int64, len(f.steps))
	for _, who := range slices.Sorted(maps.Keys(f.people)) {
		ev := f.people[who]
		slices.SortFunc(ev, func(a, b stepEvent) int {
			if c := cmp.Compare(a.t, b.t); c != 0 {
				return c
			}
			return cmp.Compare(f.order(a.typ), f.order(b.typ))
		})
		for k := range f.depth(ev) {
			reached[k]++
		}
	}
	res := FunnelResult{}
	for k, n := range reached {
		prev := n
		if k > 0 {
			prev = reached[k-1]
		}
		step := FunnelStep{Name: string(f.cfg.Steps[k]), Reached: n, FromPrevious: NewRate(n, prev), FromStart: NewRate(n, reached[0])}
		step.DropOff = step.FromPrevious.Complement()
		res.Steps = append(res.Steps, step)
	}
	return res
}

// order ranks a type for ties in time: by its first position in the funnel, others last.
func (f *Funnel) order(typ int16) int {
	if i := slices.Index(f.steps, typ); i >= 0 {
		return i
	}
	return len(f.steps)
}

// depth returns the number of steps the person completed, trying every occurrence of the
// first step as a start.
func (f *Funnel) depth(ev []stepEvent) int {
	best := 0
	window := int64(f.cfg.Window)
	for i, e := range ev {
		if e.typ != f.steps[0] {
			continue
		}
		d := 1
		if f.cfg.Order == Strict {
			for d < len(f.steps) && i+d < len(ev) && ev[i+d].typ == f.steps[d] && (window == 0 || within(e.t, ev[i+d].t, window)) {
				d++
			}
		} else if window > 0 {
			return f.depthWindowed(ev, window)
		} else {
			// Greedy: the earliest match of each next step leaves the most room for the rest.
			for j := i + 1; j < len(ev) && d < len(f.steps); j++ {
				if ev[j].typ == f.steps[d] {
					d++
				}
			}
		}
		best = max(best, d)
		if best == len(f.steps) || window == 0 && f.cfg.Order == Loose {
			break // without a window the earliest start is the best start
		}
	}
	return best
}

// depthWindowed is depth for a Loose funnel with a window, in one pass over the events: start[k]
// is the latest start of a chain that has completed steps 0..k so far (a later start leaves
// more of the window for the steps to come, so it is the only one worth keeping). An event of
// step k's type extends the chain of step k-1 if it is within the window of that chain's start;
// steps are updated from the last to the first so that one event never serves two steps.
// (Trying every occurrence of the first step as a start and scanning its window was quadratic:
// 100,000 views within one window took tens of seconds.)
func (f *Funnel) depthWindowed(ev []stepEvent, window int64) int {
	start := make([]int64, len(f.steps))
	ok := make([]bool, len(f.steps))
	best := 0
	for _, e := range ev {
		for k := len(f.steps) - 1; k >= 0; k-- {
			if e.typ != f.steps[k] {
				continue
			}
			if k == 0 {
				start[0], ok[0] = e.t, true
			} else if ok[k-1] && within(start[k-1], e.t, window) && (!ok[k] || start[k-1] > start[k]) {
				start[k], ok[k] = start[k-1], true
			}
			if ok[k] {
				best = max(best, k+1)
			}
		}
		if best == len(f.steps) {
			break
		}
	}
	return best
}

// WriteMarkdown writes the funnel as a Markdown table: people reaching each step, the
// conversion from the previous step and from the start with intervals, and the drop-off.
func (r FunnelResult) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| step | people | from previous | from start | drop-off |\n|---|---:|---:|---:|---:|\n")
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "| %d. %s | %d | %s | %s | %s |\n", i+1, mdEscape(s.Name), s.Reached,
			rateCell(s.FromPrevious, r.Interval), rateCell(s.FromStart, r.Interval), s.DropOff)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func rateCell(r Rate, ic IntervalConfig) string {
	ci, ok := RateInterval(r, ic)
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%s [%.1f, %.1f]", r, 100*ci.Lower, 100*ci.Upper)
}
