package session_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tailorkit/tailor/recommend/session"
)

// An anonymous visitor has looked at a tent and a sleeping bag; the shop's past sessions say
// what comes next. The default method (VSTAN) ranks the item just seen high too: on
// e-commerce logs shoppers often go back to it.
func Example() {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var events []session.Event
	for s, items := range [][]string{
		{"tent", "sleeping-bag", "mat"},
		{"tent", "sleeping-bag", "lamp"},
		{"tent", "stove"},
		{"sleeping-bag", "mat"},
		{"kettle", "mug"},
	} {
		for j, it := range items {
			events = append(events, session.Event{
				Session: fmt.Sprint("s", s), Item: it, Time: at.Add(time.Duration(10*s+j) * time.Minute),
			})
		}
	}
	m, err := session.Fit(context.Background(), slices.Values(events), session.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := at.Add(2 * time.Hour)
	current := []session.Click{{Item: "tent", Time: now}, {Item: "sleeping-bag", Time: now.Add(time.Minute)}}
	for _, r := range m.Recommend(current, 4) {
		fmt.Printf("%-12s %.3f %s\n", r.Item, r.Score, r.Source)
	}
	// Output:
	// sleeping-bag 1.000 neighbors
	// lamp         0.853 neighbors
	// mat          0.849 neighbors
	// tent         0.701 neighbors
}
