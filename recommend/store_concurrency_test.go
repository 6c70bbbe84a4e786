package recommend

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// TestConcurrentCrossCalls runs every method documented as safe for concurrent use at the same
// time on two models that also merge into each other and into a third: queries, accessors and
// Save against Add, Forget and Merge. Run under -race (CI does); a watchdog turns a deadlock
// into a failure. Afterwards every model saves, and what it saved loads.
func TestConcurrentCrossCalls(t *testing.T) {
	ctx := context.Background()
	data := synthData(71, 60, 40, 6)
	var shardA, shardB []Interaction
	for _, in := range data {
		if in.User < "u0030" {
			shardA = append(shardA, in)
		} else {
			shardB = append(shardB, in)
		}
	}
	cfg := Config{Neighbors: 20}
	fit := func(in []Interaction) *Model {
		m, err := FitSlice(ctx, in, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b, c := fit(shardA), fit(shardB), fit(shardA[:20])
	models := []*Model{a, b, c}
	iters := 60
	if testing.Short() {
		iters = 20
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	stop := make(chan struct{})
	for k, m := range models { // readers: every query and accessor, and Save
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				user, item := fmt.Sprintf("u%04d", (n+k)%60), itemName(n%40)
				m.ForUser(user, 5, ExcludeSeen(), MaxPerCategory(2), Explain(1))
				m.ForHistory([]Interaction{{Item: item, Kind: "purchase"}}, 5)
				m.ForBasket([]string{item, itemName((n + 1) % 40)}, 5)
				m.SimilarItems(item, 5, PopularIn("c"))
				m.History(user)
				m.Neighbors(item)
				m.ItemUsers(item)
				m.Users()
				m.NumUsers()
				m.NumItems()
				m.Config()
				if err := m.Save(io.Discard); err != nil {
					report(err)
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for k, m := range models { // writers: Add and Forget
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := range iters {
				user := fmt.Sprintf("w%d-%d", k, n)
				if err := m.AddSlice([]Interaction{{User: user, Item: itemName(n % 40), Weight: 1}, {User: user, Item: itemName((n + 7) % 40), Kind: "view"}}); err != nil {
					report(err)
				}
				m.Forget(fmt.Sprintf("u%04d", (n*7+k)%60))
			}
		}()
	}
	pairs := [][2]*Model{{a, b}, {b, a}, {c, a}, {c, b}, {a, c}}
	for _, p := range pairs { // merges in every direction, at the same time
		writers.Add(1)
		go func() {
			defer writers.Done()
			for range iters / 10 {
				if err := p[0].Merge(ctx, p[1]); err != nil {
					report(err)
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() { writers.Wait(); close(stop); wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("deadlock: concurrent calls did not finish in 30 s")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for k, m := range models {
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatalf("model %d: %v", k, err)
		}
		if _, err := Load(&buf); err != nil {
			t.Fatalf("model %d: the saved file does not load: %v", k, err)
		}
	}
}
