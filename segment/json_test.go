package segment

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/profile"
)

var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkKeys fails for any object key of v (decoded JSON) that is not snake_case.
func checkKeys(t *testing.T, name string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !snakeKey.MatchString(k) {
				t.Errorf("%s: key %q is not snake_case", name, k)
			}
			checkKeys(t, name, e)
		}
	case []any:
		for _, e := range x {
			checkKeys(t, name, e)
		}
	}
}

// roundTrip encodes v, checks the keys, decodes into a fresh value of v's type and compares.
func roundTrip[T any](t *testing.T, name string, v T) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkKeys(t, name, generic)
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	if !reflect.DeepEqual(back, v) {
		t.Errorf("%s: the round trip changed the value:\n%s", name, b)
	}
	return string(b)
}

// Every result type of the package encodes to snake_case JSON with text enums and decodes back
// to the same value, over real results of profile/shoptest's shop.
func TestResultsRoundTripJSON(t *testing.T) {
	_, _, a := testShop(t, profile.Config{})
	values := must(a.RFM(RFMValuesConfig{}))
	model, err := FitRFM(values, RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	scored := model.ScoreAll(values)
	roundTrip(t, "[]CustomerRFM", values)
	roundTrip(t, "[]ScoredRFM", scored)
	roundTrip(t, "[]SegmentSummary", model.Summary(scored))
	m := roundTrip(t, "*RFM", model)
	if !strings.Contains(m, `"attributes":["recency_days","orders","revenue"]`) {
		t.Errorf("RFM JSON lacks its attributes: %.200s", m)
	}
	var back RFM
	_ = json.Unmarshal([]byte(m), &back)
	customers := must(a.Customers(LifecycleConfig{}))
	for i := range customers[:50] {
		got, ok1 := back.Assign(&customers[i])
		want, ok2 := model.Assign(&customers[i])
		if got != want || ok1 != ok2 {
			t.Errorf("%s: decoded model assigns %q, the original %q", customers[i].ID, got, want)
		}
	}
	for _, p := range []Period{Month, Week} {
		c := roundTrip(t, "*Cohorts", must(a.Cohorts(CohortConfig{Period: p})))
		if !strings.Contains(c, `"period":"`+p.String()+`"`) {
			t.Errorf("cohort period not a text enum: %.100s", c)
		}
	}
	stages := must(a.Lifecycle(LifecycleConfig{}))
	if s := roundTrip(t, "[]CustomerStage", stages); !strings.Contains(s, `"stage":"`) {
		t.Errorf("stage not a text enum: %.100s", s)
	}
	roundTrip(t, "stage counts", StageCounts(stages))
	roundTrip(t, "[]MonthCount", a.NewVsReturning())
	roundTrip(t, "RepeatStats", a.Repeat())
	roundTrip(t, "[]Advocate", must(a.Advocates(AdvocateConfig{Top: 0.1})))
	roundTrip(t, "[]Customer", customers)
	if s := roundTrip(t, "Schema", DefaultSchema()); !strings.Contains(s, `"orders":"number"`) {
		t.Errorf("kind not a text enum: %s", s)
	}

	// k-means on the customers' (recency, orders, revenue), scaled.
	rows := make([][]float64, len(customers))
	for i := range customers {
		c := &customers[i]
		rows[i] = []float64{mustNumber(c, AttrRecencyDays), mustNumber(c, AttrOrders), mustNumber(c, AttrRevenue)}
	}
	pts, err := PointsFromRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := FitScaler(pts, ScalerConfig{Log1p: true})
	if err != nil {
		t.Fatal(err)
	}
	km, err := FitKMeans(context.Background(), sc.TransformPoints(pts), KMeansConfig{K: 4, Seed: 1, Restarts: 2})
	if err != nil {
		t.Fatal(err)
	}
	km.Features = []string{AttrRecencyDays, AttrOrders, AttrRevenue}
	km.Scaler = sc
	roundTrip(t, "*KMeans", km)
	roundTrip(t, "*Scaler", sc)
	_, choices, err := ChooseK(context.Background(), sc.TransformPoints(pts), []int{2, 3}, KMeansConfig{Seed: 1, Restarts: 1}, SilhouetteConfig{})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, "[]KChoice", choices)
}
