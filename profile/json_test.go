package profile_test

import (
	"encoding"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// TestResultsRoundTripJSON builds real results from the test shop (profiles with stitching and
// consent, the build report, exports with stitching audits and consent records, Forget
// reports, an interactions report), encodes each to JSON and decodes it back: every value
// comes back equal, so a host can store and reload them without wrapper types.
func TestResultsRoundTripJSON(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Seed: 3, Customers: 300})
	if err != nil {
		t.Fatal(err)
	}
	st, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var consents profile.Consents
	customers := shop.Customers()
	for i, c := range customers {
		if i%3 != 2 {
			if err := consents.Grant(c.ID, profile.PurposeAnalytics, shop.Start()); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 0 {
			if err := consents.Grant(c.ID, profile.PurposePersonalization, shop.Start()); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := profile.NewBuilder(profile.Config{Now: shop.Now(), Stitcher: st, Consents: &consents})
	if err != nil {
		t.Fatal(err)
	}
	for o := range shop.Orders() {
		if err := b.AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	for e := range shop.Events() {
		if err := b.AddEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	ps := b.Profiles()
	var list []profile.Profile
	brands, bands, stitched := 0, 0, 0
	for p := range ps.All() {
		list = append(list, p)
		brands += len(p.Brands)
		bands += len(p.PriceBands)
		if len(p.Identities) > 1 {
			stitched++
		}
	}
	var exports []*profile.CustomerExport
	audits, records := 0, 0
	for _, c := range customers[:40] {
		ex, err := b.Export(c.ID, shop.Now())
		if err != nil {
			continue
		}
		exports = append(exports, ex)
		audits += len(ex.Stitching)
		records += len(ex.Consents)
	}
	_, irep := profile.Interactions(shop.Events(), profile.InteractionConfig{Stitcher: st, Consents: &consents, ConsentAt: shop.Now()})
	forgets := b.ForgetAll(customers[0].ID, "nobody")
	// The check below proves something only if the results hold what is being encoded.
	if len(list) < 100 || brands == 0 || bands == 0 || stitched == 0 || len(exports) < 20 || audits == 0 || records == 0 ||
		!forgets[0].Found || forgets[1].Found || b.Report().Orders == 0 {
		t.Fatalf("the shop's results are too thin to test: %d profiles, %d brands, %d bands, %d stitched, %d exports, %d audits, %d consents, %v",
			len(list), brands, bands, stitched, len(exports), audits, records, forgets)
	}

	roundTrip(t, "[]Profile", list)
	roundTrip(t, "Report", ps.Report())
	roundTrip(t, "[]*CustomerExport", exports)
	roundTrip(t, "[]ForgetReport", forgets)
	roundTrip(t, "InteractionReport", *irep)
	roundTrip(t, "[]AuditEntry", exports[0].Stitching)
	roundTrip(t, "[]ConsentRecord", exports[0].Consents)
	roundTrip(t, "Report with examples", profile.Report{Orders: 3, Future: 1, FutureExamples: []string{"order o9 at 2031-01-01T00:00:00Z"}})

	// The enums encode as their text.
	raw, _ := json.Marshal(list[0])
	if !regexp.MustCompile(`"stage":"(prospect|new|active|lapsed|churned)"`).Match(raw) {
		t.Errorf("stage not encoded as text: %s", raw)
	}
	raw, _ = json.Marshal(exports[0].Consents)
	if !strings.Contains(string(raw), `"purpose":"analytics"`) {
		t.Errorf("purpose not encoded as text: %s", raw)
	}
}

// roundTrip marshals v, unmarshals into a new value of its type and compares.
func roundTrip[T any](t *testing.T, name string, v T) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var back T
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if diff := cmp.Diff(v, back); diff != "" {
		t.Errorf("%s: JSON round trip differs (-before +after):\n%s", name, diff)
	}
}

var snake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestJSONNamesAreSnakeCase checks every field reachable from profile's result, report and
// export types: each has a snake_case JSON name, and each enum of the package (a named
// non-string type) encodes as text. (Before, Report encoded as {"Orders":...,"GuestOrders":...}
// and Identity inside an export as {"Type":...,"Value":...}.)
func TestJSONNamesAreSnakeCase(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(typ.Elem(), path+"[]")
			return
		case reflect.Map:
			walk(typ.Elem(), path+"{}")
			return
		}
		if seen[typ] {
			return
		}
		seen[typ] = true
		if typ.PkgPath() == "time" {
			return
		}
		if typ.Kind() != reflect.Struct {
			if typ.PkgPath() != "" && typ.Kind() != reflect.String && !typ.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
				t.Errorf("%s: %v encodes as a number, not as text", path, typ)
			}
			return
		}
		for f := range typ.Fields() {
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if !snake.MatchString(name) {
				t.Errorf("%s.%s: JSON name %q is not snake_case", path, f.Name, name)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	for _, v := range []any{profile.Profile{}, profile.Report{}, profile.CustomerExport{}, profile.ForgetReport{},
		profile.AuditEntry{}, profile.ConsentRecord{}, profile.BrandAffinity{}, profile.PriceBand{},
		profile.InteractionReport{}, profile.ExportedOrder{}, profile.Identity{}} {
		typ := reflect.TypeOf(v)
		walk(typ, typ.Name())
	}
}
