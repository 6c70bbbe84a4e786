package shoptest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
	"github.com/tailorkit/tailor/recommend"
	"github.com/tailorkit/tailor/segment"
)

// Example_composition is the README's end-to-end example: one stream of events and orders in;
// profiles, RFM segments, recommendations, per-channel KPIs and an experiment readout out, with
// no conversion written by the host.
func Example_composition() {
	ctx := context.Background()
	shop, _ := shoptest.New(shoptest.Config{Seed: 1, Customers: 1000})
	events, orders, now := slices.Collect(shop.Events()), slices.Collect(shop.Orders()), shop.Now()
	// README:begin
	st, _ := profile.NewStitcher(profile.StitchConfig{})
	profiles, err := profile.Build(ctx, slices.Values(orders), slices.Values(events),
		profile.Config{Now: now, Stitcher: st}) // also stitches every event's identities
	if err != nil {
		panic(err)
	}

	values := segment.RFMFromProfiles(profiles.All())
	rfm, _ := segment.FitRFM(values, segment.RFMConfig{})
	top := rfm.Summary(rfm.ScoreAll(values))[0]

	interactions, _ := profile.Interactions(slices.Values(events), profile.InteractionConfig{Stitcher: st})
	model, _ := recommend.Fit(ctx, interactions, recommend.Config{})
	recs := model.ForUser("c000001", 3, recommend.ExcludeSeen())

	acc, _ := metrics.NewAccumulator(metrics.Config{Person: st.PersonOf})
	_ = acc.AddAll(ctx, slices.Values(events))
	search, _ := acc.Report(metrics.ByChannel()).Row("search")

	arms, _ := acc.Report(metrics.ByVariant(shop.Variant)).Rates("VisitorConversion")
	z, _ := abtest.ZTest(arms["control"], arms["treatment"], abtest.Config{})
	// README:end

	fmt.Println(profiles.Len() > 0, top.Segment != "", len(recs), search.Sessions > 0, z.PValue >= 0 && z.PValue <= 1)
	// Output: true true 3 true true
}

func TestReadmeShowsComposition(t *testing.T) {
	checkReadmeShows(t, "compose_example_test.go", "// README:begin\n", "\t// README:end", true)
}
