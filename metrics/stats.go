package metrics

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// SessionStats summarizes the sessions of an Accumulator.
type SessionStats struct {
	// Sessions, Visitors and Events count sessions, distinct people and valid events.
	Sessions int64 `json:"sessions"`
	Visitors int64 `json:"visitors"`
	Events   int64 `json:"events"`
	// SessionsPerVisitor and EventsPerSession are plain means; 0 when there is nothing to
	// average.
	SessionsPerVisitor float64 `json:"sessions_per_visitor"`
	EventsPerSession   float64 `json:"events_per_session"`
	// PagesPerSession is page views / sessions with its delta-method interval over visitors.
	PagesPerSession Estimate `json:"pages_per_session"`
	// MeanDuration and the median and 90th percentile of session durations (the lower
	// nearest-rank value), 0 without sessions.
	MeanDuration   time.Duration `json:"mean_duration_ns"`
	MedianDuration time.Duration `json:"median_duration_ns"`
	P90Duration    time.Duration `json:"p90_duration_ns"`
	// Bounce is GA4's bounce rate over all sessions.
	Bounce Rate `json:"bounce"`
	// Late counts events that arrived after a later event of the same person (out of time
	// order) in the shard that read them; sessionization put them in place.
	Late int64 `json:"late"`
	// Invalid counts refused events; Unknown counts events of unknown types, per type.
	Invalid int64                       `json:"invalid"`
	Unknown map[profile.EventType]int64 `json:"unknown"`
}

// SessionStats computes the session statistics.
func (a *Accumulator) SessionStats() SessionStats {
	st := SessionStats{Events: a.events, Late: a.late, Invalid: a.invalid, Unknown: a.Unknown()}
	var durs []time.Duration
	var total float64 // nanoseconds; a time.Duration sum wraps past 292 years
	var pages RatioMoments
	var engaged int64
	for _, who := range slices.Sorted(maps.Keys(a.people)) {
		var n, p float64
		for s := range a.personSessions(who) {
			d := s.Duration()
			durs = append(durs, d)
			total += float64(d)
			n++
			p += float64(s.PageViews)
			if s.Engaged {
				engaged++
			}
		}
		st.Visitors++
		pages.Add(p, n)
	}
	st.Sessions = int64(len(durs))
	st.Bounce = NewRate(engaged, st.Sessions).Complement()
	st.PagesPerSession = EstimateRatio(pages)
	if st.Sessions > 0 {
		slices.Sort(durs)
		// The mean is at most the longest duration; only rounding can take it past MaxInt64.
		st.MeanDuration = time.Duration(math.Min(total/float64(st.Sessions), math.MaxInt64-1024))
		st.MeanDuration = max(st.MeanDuration, durs[0])
		st.MeanDuration = min(st.MeanDuration, durs[len(durs)-1])
		st.MedianDuration = durs[(len(durs)-1)/2]
		st.P90Duration = durs[(len(durs)*9+9)/10-1]
		st.EventsPerSession = float64(st.Events) / float64(st.Sessions)
	}
	if st.Visitors > 0 {
		st.SessionsPerVisitor = float64(st.Sessions) / float64(st.Visitors)
	}
	return st
}

// WriteMarkdown writes the statistics as a two-column Markdown table.
func (st SessionStats) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	row := func(k string, v any) { fmt.Fprintf(&b, "| %s | %v |\n", k, v) }
	b.WriteString("| session statistic | value |\n|---|---:|\n")
	row("sessions", st.Sessions)
	row("visitors", st.Visitors)
	row("events", st.Events)
	row("sessions per visitor", fmt.Sprintf("%.2f", st.SessionsPerVisitor))
	row("events per session", fmt.Sprintf("%.2f", st.EventsPerSession))
	row("pages per session", st.PagesPerSession)
	row("mean duration", st.MeanDuration.Round(time.Second))
	row("median duration", st.MedianDuration.Round(time.Second))
	row("90th percentile duration", st.P90Duration.Round(time.Second))
	row("bounce rate", st.Bounce)
	row("events out of time order", st.Late)
	row("invalid events", st.Invalid)
	for _, t := range slices.Sorted(maps.Keys(st.Unknown)) {
		row(fmt.Sprintf("unknown type %q", mdEscape(string(t))), st.Unknown[t])
	}
	_, err := io.WriteString(w, b.String())
	return err
}
