package recommend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMergeShardsEqualsJointFit: models fitted on two user shards, merged, equal a model
// fitted on all the data, bit for bit, for every configuration.
func TestMergeShardsEqualsJointFit(t *testing.T) {
	data := synthData(15, 200, 70, 8)
	var shardA, shardB []Interaction
	for _, in := range data {
		if in.User < "u0100" {
			shardA = append(shardA, in)
		} else {
			shardB = append(shardB, in)
		}
	}
	shardB = append(shardB, Interaction{User: "u0150", Item: "only-in-b", Weight: 1, Category: "new"})
	for _, c := range updateConfigs {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.Now = time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
			ctx := context.Background()
			a, err := FitSlice(ctx, shardA, cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, err := FitSlice(ctx, shardB, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Merge(ctx, b); err != nil {
				t.Fatal(err)
			}
			want, _ := FitSlice(ctx, append(append([]Interaction{}, shardA...), shardB...), cfg)
			if d := cmp.Diff(snap(want), snap(a)); d != "" {
				t.Fatal(d)
			}
			if d := cmp.Diff(want.ForUser("u0003", 10, ExcludeSeen(), MaxPerCategory(1)), a.ForUser("u0003", 10, ExcludeSeen(), MaxPerCategory(1))); d != "" {
				t.Fatal(d)
			}
		})
	}
}

func TestMergeRefusesDifferentModels(t *testing.T) {
	ctx := context.Background()
	a, _ := FitSlice(ctx, handData, Config{})
	b, _ := FitSlice(ctx, handData, Config{Similarity: Cosine})
	if err := a.Merge(ctx, b); !errors.Is(err, ErrConfig) {
		t.Fatal(err)
	}
	if err := a.Merge(ctx, a); !errors.Is(err, ErrConfig) {
		t.Fatal(err)
	}
	// Different decay reference times (latest event of each shard).
	c, _ := FitSlice(ctx, []Interaction{{User: "u", Item: "x", Weight: 1, Time: time.Unix(100, 0)}}, Config{HalfLife: time.Hour})
	d, _ := FitSlice(ctx, []Interaction{{User: "v", Item: "x", Weight: 1, Time: time.Unix(200, 0)}}, Config{HalfLife: time.Hour})
	if err := c.Merge(ctx, d); err == nil || !strings.Contains(err.Error(), "reference") {
		t.Fatal(err)
	}
}

// An EASE merge past Config.EASEMaxItems is refused before m changes.
func TestMergeEASETooManyItemsChangesNothing(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Algorithm: EASE, EASEMaxItems: 3}
	a, err := FitSlice(ctx, handData, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitSlice(ctx, pairs("E", "x", "E", "new"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	before := snap(a)
	if err := a.Merge(ctx, b); !errors.Is(err, ErrTooManyItems) {
		t.Fatalf("got %v, want ErrTooManyItems", err)
	}
	if d := cmp.Diff(before, snap(a)); d != "" {
		t.Fatal(d)
	}
}

// Without a HalfLife no reference time is kept, so shards fitted at different times, or one
// saved and loaded, merge into the joint fit (before, a fit without decay kept the wall clock
// as its reference and a loaded model had Config.Now set: both made Merge refuse).
func TestMergeLoadedShardWithoutDecay(t *testing.T) {
	ctx := context.Background()
	data := synthData(16, 120, 50, 6)
	var shardA, shardB []Interaction
	for _, in := range data {
		if in.User < "u0060" {
			shardA = append(shardA, in)
		} else {
			shardB = append(shardB, in)
		}
	}
	a, err := FitSlice(ctx, shardA, Config{})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := FitSlice(ctx, shardB, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fresh.Save(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Config().Now.IsZero() || !a.Config().Now.IsZero() {
		t.Fatalf("Now without decay: %v, %v", a.Config().Now, b.Config().Now)
	}
	if err := a.Merge(ctx, b); err != nil {
		t.Fatal(err)
	}
	want, _ := FitSlice(ctx, append(slices.Clone(shardA), shardB...), Config{})
	if d := cmp.Diff(snap(want), snap(a)); d != "" {
		t.Fatal(d)
	}
}

// With a HalfLife, Config reports the reference time used: the latest event, in whole
// seconds, UTC; a loaded model reports the same.
func TestConfigReportsReferenceTime(t *testing.T) {
	ctx := context.Background()
	latest := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	in := []Interaction{
		{User: "u", Item: "x", Weight: 1, Time: latest.Add(-48 * time.Hour)},
		{User: "u", Item: "y", Weight: 1, Time: latest.In(time.FixedZone("X", 3600)).Add(900 * time.Millisecond)},
	}
	m, err := FitSlice(ctx, in, Config{HalfLife: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Config().Now; got != latest {
		t.Fatalf("Now = %v, want %v", got, latest)
	}
	var buf bytes.Buffer
	m.Save(&buf)
	l, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Config().Now; got != latest {
		t.Fatalf("loaded Now = %v, want %v", got, latest)
	}
	// x is two half-lives old: 0.25.
	if h := l.History("u"); len(h) != 2 || h[0] != (Scored{"x", 0.25}) || h[1] != (Scored{"y", 1}) {
		t.Fatalf("history %v", h)
	}
}

// TestMergeBothWaysConcurrently is the regression test for the Merge deadlock: a.Merge(b) and
// b.Merge(a) at the same time, beside queries and Saves on both models. Before the fix Merge
// held other's read lock while waiting for m's write lock, so the two merges waited on each
// other within a few thousand rounds and every later query on a or b blocked forever; a
// watchdog turns that into a failure instead of a hung test. The two merges start together
// (one goroutine spins on a flag the other sets just before its own call) so that their lock
// steps interleave. Each round's results must be the documented ones: a is the joint fit of A
// then B, or of A then (B merged with A) when b's merge came first, and likewise for b; never
// both of the second kind.
func TestMergeBothWaysConcurrently(t *testing.T) {
	shardA := pairs("A", "x", "A", "y", "B", "x", "B", "z", "C", "y")
	shardB := pairs("D", "x", "D", "y", "E", "y", "E", "z", "F", "w", "F", "x")
	ctx := context.Background()
	cfg := Config{Workers: 1}
	fit := func(parts ...[]Interaction) *Model {
		m, err := FitSlice(ctx, slices.Concat(parts...), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	aPlain, aTwice := snap(fit(shardA, shardB)), snap(fit(shardA, shardB, shardA))
	bPlain, bTwice := snap(fit(shardB, shardA)), snap(fit(shardB, shardA, shardB))
	fileA, fileB := saved(t, fit(shardA)), saved(t, fit(shardB))
	load := func(b []byte) *Model {
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			panic(err)
		}
		return m
	}
	rounds, budget := 40000, 2*time.Second
	if testing.Short() {
		rounds, budget = 5000, 500*time.Millisecond
	}
	var round atomic.Int64
	var cur atomic.Pointer[[2]*Model]
	failed := make(chan string, 1)
	done := make(chan struct{})
	stopQueries := make(chan struct{})
	var queries sync.WaitGroup
	queries.Add(1)
	go func() { // queries on whichever models the current round merges
		defer queries.Done()
		for k := 0; ; k++ {
			select {
			case <-stopQueries:
				return
			default:
			}
			p := cur.Load()
			if p == nil {
				runtime.Gosched()
				continue
			}
			m := p[k%2]
			m.ForUser("A", 3, ExcludeSeen())
			m.SimilarItems("y", 2)
			if k%16 == 0 {
				m.Save(io.Discard)
			}
			time.Sleep(20 * time.Microsecond) // leave the merges a core each, so they overlap
		}
	}()
	go func() {
		defer close(done)
		deadline := time.Now().Add(budget)
		for r := 0; r < rounds && time.Now().Before(deadline); r++ {
			round.Store(int64(r))
			a, b := load(fileA), load(fileB)
			cur.Store(&[2]*Model{a, b})
			var flag atomic.Bool
			errA := make(chan error, 1)
			go func() {
				for spin := 0; !flag.Load(); spin++ {
					if spin > 1000 {
						runtime.Gosched()
					}
				}
				errA <- a.Merge(ctx, b)
			}()
			flag.Store(true)
			errB := b.Merge(ctx, a)
			if err := <-errA; err != nil || errB != nil {
				failed <- fmt.Sprintf("round %d: merge errors %v, %v", r, err, errB)
				return
			}
			sa, sb := snap(a), snap(b)
			twiceA, twiceB := reflect.DeepEqual(sa, aTwice), reflect.DeepEqual(sb, bTwice)
			okA := twiceA || reflect.DeepEqual(sa, aPlain)
			okB := twiceB || reflect.DeepEqual(sb, bPlain)
			if !okA || !okB || (twiceA && twiceB) {
				failed <- fmt.Sprintf("round %d: merged models are not joint fits (a ok %v, b ok %v)", r, okA, okB)
				return
			}
		}
	}()
	// Watchdog: a round takes well under a millisecond, even under -race.
	const stall = 3 * time.Second
	tick := time.NewTicker(stall)
	defer tick.Stop()
	last := int64(-1)
wait:
	for {
		select {
		case <-done:
			break wait
		case msg := <-failed:
			t.Fatal(msg)
		case <-tick.C:
			r := round.Load()
			if r == last {
				t.Fatalf("deadlock: round %d of a.Merge(b) || b.Merge(a) made no progress for %v", r, stall)
			}
			last = r
		}
	}
	close(stopQueries)
	queries.Wait()
	select {
	case msg := <-failed:
		t.Fatal(msg)
	default:
	}
	t.Logf("%d rounds", round.Load()+1)
}

// TestMergeReleasesOtherWhileWaiting pins down the cause of the deadlock without depending on
// timing luck: while a query holds a's read lock, a.Merge(b) must wait for a, and b must stay
// free meanwhile (b.Add completes). Before the fix a.Merge held b's read lock while it waited,
// so b.Add blocked until a's query ended: with b.Merge(a) in place of the query, for ever.
func TestMergeReleasesOtherWhileWaiting(t *testing.T) {
	ctx := context.Background()
	a, err := FitSlice(ctx, pairs("A", "x", "A", "y", "B", "x"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitSlice(ctx, pairs("C", "x", "C", "z", "D", "z"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	hold, inQuery := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release := sync.OnceFunc(func() { close(hold) })
	defer release()
	queryDone := make(chan struct{})
	go func() { // a popularity fallback calls Allow while holding a's read lock
		defer close(queryDone)
		a.ForUser("nobody", 2, Allow(func(string) bool { once.Do(func() { close(inQuery) }); <-hold; return true }))
	}()
	<-inQuery
	mergeDone := make(chan error, 1)
	go func() { mergeDone <- a.Merge(ctx, b) }()
	time.Sleep(50 * time.Millisecond) // let Merge reach a's lock
	addDone := make(chan error, 1)
	go func() { addDone <- b.AddSlice(pairs("D", "y")) }()
	select {
	case err := <-addDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("b.Add blocked while a.Merge(b) waited for a: Merge holds b's lock while it waits for a's")
	}
	release()
	<-queryDone
	if err := <-mergeDone; err != nil {
		t.Fatal(err)
	}
	if got := a.NumUsers(); got != 4 {
		t.Fatalf("merged model has %d users, want 4", got)
	}
}
