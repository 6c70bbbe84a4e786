package session

import (
	"io"
	"iter"
	"math"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
)

// Event is one item a visitor looked at (or carted, or bought: the methods do not tell them
// apart) during a session.
type Event struct {
	// Session groups the events of one visit. When empty, the visitor's events are split into
	// sessions at pauses longer than Config.Gap.
	Session string `json:"session,omitempty"`
	// Visitor is who acted (a customer or cookie ID), the person Model.Forget erases. It may be
	// empty for an anonymous session: such a session is held but belongs to no one. When
	// Session is empty, Visitor is required.
	Visitor string `json:"visitor,omitempty"`
	// Item is the product. Required.
	Item string `json:"item"`
	// Time is when it happened. Required.
	Time time.Time `json:"time"`
}

// Click is one event of the session in progress, as a query gives it.
type Click struct {
	// Item is the product.
	Item string `json:"item"`
	// Time is when it happened. Only STAN and VSTAN use it (its latest value is the query's
	// reference time); a zero Time is allowed and then means "now, as the newest indexed
	// session".
	Time time.Time `json:"time"`
}

// RowError reports a bad line of a sessions file: the 1-based line, the field, the value and
// the cause. Match it with errors.As.
type RowError = textio.RowError

// The causes a RowError wraps, the same values as the other tailor packages' sentinels.
var (
	ErrMissing     = textio.ErrMissing
	ErrNumber      = textio.ErrNumber
	ErrInteger     = textio.ErrInteger
	ErrTime        = textio.ErrTime
	ErrColumns     = textio.ErrColumns
	ErrLineTooLong = textio.ErrLineTooLong
)

// maxUnix bounds a time in seconds: years 0001 to 9999, what time.Time marshals to RFC 3339.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// ReadTSV reads events from the tab-separated format
//
//	session<TAB>item<TAB>unix_seconds
//
// with no header (session-rec's and the shared scorer's format; seconds may carry a fraction).
// Blank lines are skipped. It yields (event, nil) for a good row and (Event{}, *RowError) for a
// bad one, then goes on reading: a line without exactly three columns, an empty session or
// item, a time that is not a finite number of seconds within years 1 to 9999, or a line over
// 1 MiB. A read error is yielded as is and ends the sequence. The events carry no Visitor.
func ReadTSV(r io.Reader) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		for line, err := range textio.Lines(r) {
			if err != nil {
				if !yield(Event{}, err) {
					return
				}
				continue
			}
			if strings.TrimSpace(line.Text) == "" {
				continue
			}
			ev, rerr := parseLine(line)
			if !yield(ev, rerr) {
				return
			}
		}
	}
}

func parseLine(line textio.Line) (Event, error) {
	s, rest, ok1 := strings.Cut(line.Text, "\t")
	it, ts, ok2 := strings.Cut(rest, "\t")
	if !ok1 || !ok2 || strings.IndexByte(ts, '\t') >= 0 {
		return Event{}, textio.NewRowError(line.N, "", "", textio.ErrColumns)
	}
	s, it = strings.TrimSpace(s), strings.TrimSpace(it)
	if s == "" {
		return Event{}, textio.NewRowError(line.N, "session", s, textio.ErrMissing)
	}
	if it == "" {
		return Event{}, textio.NewRowError(line.N, "item", it, textio.ErrMissing)
	}
	sec, err := textio.Float(line.N, "time", ts)
	if err != nil {
		return Event{}, err
	}
	if sec < minUnix || sec > maxUnix {
		return Event{}, textio.NewRowError(line.N, "time", ts, textio.ErrTime)
	}
	return Event{Session: s, Item: it, Time: unixTime(sec)}, nil
}

// unixTime turns seconds with a fraction into a Time, rounding to the microsecond so that
// "1451606400.123" is exactly 123 ms past.
func unixTime(sec float64) time.Time {
	whole := math.Floor(sec)
	us := math.Round((sec - whole) * 1e6)
	return time.Unix(int64(whole), int64(us)*1000).UTC()
}

// seconds is t in Unix seconds with a fraction, the unit of the time decay.
func seconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}
