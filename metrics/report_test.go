package metrics

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

// TestApplySpendHandWorked on the hand-worked report (search: revenue 140, 2 visitors, RPV SE
// 40, 2 new customers; email: revenue 0, no new customers; social: no spend given as 0).
func TestApplySpendHandWorked(t *testing.T) {
	r := accumulate(t, Config{}, handEvents()).Report(ByChannel())
	r.ApplySpend(SpendConfig{Spend: map[string]float64{"search": 70, "email": 10, "social": 0, "tv": 1000}, Margin: 0.5})
	search, _ := r.Row("search")
	eqF(t, "search ROAS", search.ROAS.Value, 2)           // 140/70
	eqF(t, "search ROAS SE", search.ROAS.SE, 2*40.0/70)   // visitors·SE(RPV)/spend
	eqF(t, "search ROI", search.ROI.Value, 0)             // (0.5·140 − 70)/70
	eqF(t, "search ROI SE", search.ROI.SE, 0.5*2*40.0/70) // margin·SE(ROAS)
	eqF(t, "search CAC", search.CAC.Value, 35)            // 70/2
	if search.CAC.SE != -1 {
		t.Errorf("CAC has an SE: %+v", search.CAC)
	}
	email, _ := r.Row("email")
	eqF(t, "email ROAS", email.ROAS.Value, 0)
	eqF(t, "email ROI", email.ROI.Value, -1)
	if email.CAC.Valid {
		t.Errorf("email CAC without new customers: %+v", email.CAC)
	}
	social, _ := r.Row("social")
	if social.ROAS.Valid || social.ROI.Valid || social.CAC.Valid {
		t.Errorf("social with zero spend: %+v %+v %+v", social.ROAS, social.ROI, social.CAC)
	}
	// Total: spend 70 + 10 + 0 ("tv" has no row): ROAS 140/80, CAC 80/2.
	eqF(t, "total spend", r.Total.Spend, 80)
	eqF(t, "total ROAS", r.Total.ROAS.Value, 1.75)
	eqF(t, "total CAC", r.Total.CAC.Value, 40)
}

// TestWriteCSVHandWorked: the CSV has value/lo/hi triples, empty cells for undefined figures,
// and numbers that parse back to the report's.
func TestWriteCSVHandWorked(t *testing.T) {
	r := accumulate(t, Config{}, handEvents()).Report(ByChannel())
	var b strings.Builder
	if err := r.WriteCSV(&b, "Sessions", "Bounce", "AOV", "CTR", "TopItem"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"channel", "sessions", "bounce_rate", "bounce_rate_lo", "bounce_rate_hi", "AOV", "AOV_lo", "AOV_hi", "CTR", "CTR_lo", "CTR_hi", "most_popular_item", "top_item_units"}
	if strings.Join(recs[0], ",") != strings.Join(want, ",") || len(recs) != 5 {
		t.Fatalf("csv:\n%s", b.String())
	}
	// email row: 1 session, bounce 1 with Wilson [0.2065, 1] for 1/1, AOV and CTR undefined.
	email := recs[1]
	if email[0] != "email" || email[1] != "1" || email[2] != "1" || email[4] != "1" || email[5] != "" || email[8] != "" || email[11] != "" || email[12] != "0" {
		t.Errorf("email row %q", email)
	}
	if lo := email[3]; !strings.HasPrefix(lo, "0.2065") {
		t.Errorf("Wilson lower bound of 1/1 = %s, want 0.2065 (1/(1+z²) = 1/4.8415)", lo)
	}
	search := recs[2]
	if search[0] != "search" || search[5] != "46.66666667" || search[11] != "i2" || search[12] != "2" {
		t.Errorf("search row %q", search)
	}
	if recs[4][0] != "total" {
		t.Errorf("last row %q", recs[4])
	}
	if err := r.WriteCSV(&b, "Bogus"); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown column: %v", err)
	}
}

func TestWriteMarkdownHandWorked(t *testing.T) {
	r := accumulate(t, Config{}, handEvents()).Report(ByChannel())
	var b strings.Builder
	if err := r.WriteMarkdown(&b, ChannelColumns()...); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"| channel | sessions | time on site (s) | bounce rate | AOV | conversion/session | most popular item |",
		"|---|---:|---:|---:|---:|---:|---|", // the item column is text: left-aligned
	}
	if len(lines) != 6 || lines[0] != want[0] || lines[1] != want[1] {
		t.Fatalf("markdown:\n%s", b.String())
	}
	// email: one 0-second bounce, no orders; time on site has one visitor, so no interval.
	if lines[2] != "| email | 1 | 0.00 | 100.0% [20.7, 100.0] | n/a | 0.0% [0.0, 79.3] | - |" {
		t.Errorf("email line %q", lines[2])
	}
	if !strings.HasPrefix(lines[3], "| search | 3 | 440.00 [") || !strings.HasSuffix(lines[3], "| i2 (2) |") {
		t.Errorf("search line %q", lines[3])
	}
	// A key with a pipe is escaped.
	r.Rows[0].Key = "a|b"
	b.Reset()
	r.WriteMarkdown(&b, "Sessions")
	if !strings.Contains(b.String(), `| a\|b | 1 |`) {
		t.Errorf("unescaped key:\n%s", b.String())
	}
}
