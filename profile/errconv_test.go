package profile_test

import (
	"context"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// errReader fails every read with errBroken, as a broken network stream would.
type errReader struct{}

var errBroken = errors.New("connection reset")

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errBroken }

// firstErr returns the first error a reader's sequence yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestErrorConvention is the table of profile's error paths: each error matches its sentinel
// with errors.Is from profile (the reader causes being textio's values, re-exported), and its
// message starts with "profile: " exactly once, except the positional errors (*FieldError from
// Validate, *RowError for a bad row), which start with their position and carry no prefix so
// that the caller's wrapping adds one once. (Before: `profile: order "o1": profile: field ...`,
// a header error was a *RowError counted as a bad row, and ErrMissing was two values.)
func TestErrorConvention(t *testing.T) {
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	order := func(edit func(*profile.Order)) profile.Order {
		o := profile.Order{ID: "o1", CustomerID: "c1", Time: at, Lines: []profile.Line{{ItemID: "i1", Quantity: 1, UnitPrice: 2}}}
		edit(&o)
		return o
	}
	addOrder := func(o profile.Order) error {
		b, err := profile.NewBuilder(profile.Config{})
		if err != nil {
			return err
		}
		return b.AddOrder(o)
	}
	addEvent := func(e profile.Event) error {
		b, err := profile.NewBuilder(profile.Config{})
		if err != nil {
			return err
		}
		return b.AddEvent(e)
	}
	retail := func(rows string) error {
		return firstErr(profile.ReadOnlineRetail(strings.NewReader(retailHeader + rows)))
	}
	cdnow := func(rows string) error { return firstErr(profile.ReadCDNOW(strings.NewReader(rows))) }
	b, _ := profile.NewBuilder(profile.Config{})
	st, _ := profile.NewStitcher(profile.StitchConfig{})
	var cons profile.Consents
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, buildCancelled := profile.Build(cancelled, nil, nil, profile.Config{})
	_, buildBad := profile.Build(context.Background(), slices.Values([]profile.Order{order(func(o *profile.Order) { o.Lines[0].Quantity = 0 })}), nil, profile.Config{})
	_, newBuilder := profile.NewBuilder(profile.Config{Window: -time.Hour})
	_, newStitcher := profile.NewStitcher(profile.StitchConfig{Priority: []string{profile.IDUser, profile.IDUser}})
	_, export := b.Export("nobody", at)
	badOrder := order(func(o *profile.Order) { o.Lines[0].Quantity = 0 })

	cases := []struct {
		name       string
		err        error
		sentinel   error
		positional bool
	}{
		{"NewBuilder bad config", newBuilder, profile.ErrConfig, false},
		{"NewStitcher bad config", newStitcher, profile.ErrConfig, false},
		{"Build of an invalid order", buildBad, profile.ErrZeroQuantity, false},
		{"Build cancelled", buildCancelled, context.Canceled, false},
		{"AddOrder without ID", addOrder(order(func(o *profile.Order) { o.ID = "" })), profile.ErrMissing, false},
		{"AddOrder NaN price", addOrder(order(func(o *profile.Order) { o.Lines[0].UnitPrice = math.NaN() })), profile.ErrNumber, false},
		{"AddOrder price 1e16", addOrder(order(func(o *profile.Order) { o.Lines[0].UnitPrice = 1e16 })), profile.ErrRange, false},
		{"AddOrder year 3000", addOrder(order(func(o *profile.Order) { o.Time = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) })), profile.ErrOutOfRange, false},
		{"AddOrder negative price", addOrder(order(func(o *profile.Order) { o.Lines[0].UnitPrice = -1 })), profile.ErrNegative, false},
		{"AddEvent without type", addEvent(profile.Event{CustomerID: "c1", Time: at}), profile.ErrMissing, false},
		{"AddEvent infinite price", addEvent(profile.Event{CustomerID: "c1", Time: at, Type: profile.View, Price: math.Inf(1)}), profile.ErrNotFinite, false},
		{"Builder.Merge(self)", b.Merge(b), profile.ErrSelfMerge, false},
		{"Stitcher.Merge(self)", st.Merge(st), profile.ErrSelfMerge, false},
		{"Export of an unknown customer", export, profile.ErrUnknownCustomer, false},
		{"Consents.Record without subject", cons.Grant("", profile.PurposeAnalytics, at), profile.ErrMissing, false},
		{"Consents.Record without time", cons.Grant("c1", profile.PurposeAnalytics, time.Time{}), profile.ErrConsent, false},
		{"ReadOnlineRetail wrong header", firstErr(profile.ReadOnlineRetail(strings.NewReader("a,b\n"))), profile.ErrHeader, false},
		{"ReadOnlineRetail header too long", firstErr(profile.ReadOnlineRetail(strings.NewReader(strings.Repeat("x", textio.MaxLineBytes+1)))), profile.ErrLineTooLong, false},
		{"ReadOnlineRetail I/O error", firstErr(profile.ReadOnlineRetail(errReader{})), errBroken, false},
		{"ReadCDNOW I/O error", firstErr(profile.ReadCDNOW(errReader{})), errBroken, false},
		{"WriteOnlineRetail line break", profile.WriteOnlineRetail(io.Discard, slices.Values([]profile.Order{order(func(o *profile.Order) { o.Lines[0].ItemID = "a\nb" })})), profile.ErrUnwritable, false},
		{"WriteOnlineRetail I/O error", profile.WriteOnlineRetail(errWriter{}, slices.Values([]profile.Order{order(func(*profile.Order) {})})), errBroken, false},

		{"Order.Validate", badOrder.Validate(), profile.ErrZeroQuantity, true},
		{"ReadOnlineRetail quantity x", retail("1,A,x,x,2011-01-01 10:00:00,1,7,UK\n"), profile.ErrInteger, true},
		{"ReadOnlineRetail quantity 0", retail("1,A,x,0,2011-01-01 10:00:00,1,7,UK\n"), profile.ErrZeroQuantity, true},
		{"ReadOnlineRetail price abc", retail("1,A,x,1,2011-01-01 10:00:00,abc,7,UK\n"), profile.ErrNumber, true},
		{"ReadOnlineRetail price 1e16", retail("1,A,x,1,2011-01-01 10:00:00,1e16,7,UK\n"), profile.ErrRange, true},
		{"ReadOnlineRetail bad date", retail("1,A,x,1,someday,1,7,UK\n"), profile.ErrTime, true},
		{"ReadOnlineRetail 7 columns", retail("1,A,x,1,2011-01-01 10:00:00,1,7\n"), profile.ErrColumns, true},
		{"ReadOnlineRetail no invoice", retail(",A,x,1,2011-01-01 10:00:00,1,7,UK\n"), profile.ErrMissing, true},
		{"ReadOnlineRetail open quote", retail("1,\"A,x,1,2011-01-01 10:00:00,1,7,UK\n"), profile.ErrQuote, true},
		{"ReadOnlineRetail long row", retail(strings.Repeat("y", textio.MaxLineBytes+1) + "\n"), profile.ErrLineTooLong, true},
		{"ReadCDNOW amount x", cdnow("00001 19970101 1 x\n"), profile.ErrNumber, true},
		{"ReadCDNOW 3 columns", cdnow("00001 19970101 1\n"), profile.ErrColumns, true},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := c.err.Error()
		if !errors.Is(c.err, c.sentinel) {
			t.Errorf("%s: %q does not match %v", c.name, msg, c.sentinel)
		}
		var fe *profile.FieldError
		var re *profile.RowError
		isPos := errors.As(c.err, &re) || (errors.As(c.err, &fe) && c.err == error(fe))
		switch {
		case c.positional && (!isPos || strings.Contains(msg, "profile: ")):
			t.Errorf("%s: %q (%T): want a positional error without a prefix", c.name, msg, c.err)
		case !c.positional && (isPos || !strings.HasPrefix(msg, "profile: ") || strings.Count(msg, "profile: ") != 1):
			t.Errorf("%s: %q (%T): want one \"profile: \" prefix and no positional type", c.name, msg, c.err)
		}
	}
}

// TestReaderSentinelsAreTextio: profile's reader causes are the values the other packages'
// readers wrap, so that one errors.Is works whichever package read the file.
func TestReaderSentinelsAreTextio(t *testing.T) {
	for _, p := range []struct{ profile, textio error }{
		{profile.ErrMissing, textio.ErrMissing}, {profile.ErrNumber, textio.ErrNumber},
		{profile.ErrInteger, textio.ErrInteger}, {profile.ErrTime, textio.ErrTime},
		{profile.ErrColumns, textio.ErrColumns}, {profile.ErrHeader, textio.ErrHeader},
		{profile.ErrLineTooLong, textio.ErrLineTooLong}, {profile.ErrQuote, textio.ErrQuote},
		{profile.ErrRange, textio.ErrRange},
		{profile.ErrNotFinite, textio.ErrNumber}, {profile.ErrOutOfRange, textio.ErrRange},
	} {
		if p.profile != p.textio {
			t.Errorf("profile's %q is not textio's value", p.profile)
		}
	}
}
