package metrics

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tailorkit/tailor/internal/textio"
)

// column describes how one KPI is rendered.
type column struct {
	header string
	rate   func(*KPIs) Rate
	est    func(*KPIs) Estimate
	count  func(*KPIs) int64
	money  func(*KPIs) float64
	item   bool
}

// columns maps the KPIs field names accepted by WriteCSV, WriteMarkdown and Compare to their
// rendering.
var columns = map[string]column{
	"Sessions":            {header: "sessions", count: func(k *KPIs) int64 { return k.Sessions }},
	"Visitors":            {header: "visitors", count: func(k *KPIs) int64 { return k.Visitors }},
	"Events":              {header: "events", count: func(k *KPIs) int64 { return k.Events }},
	"Engagement":          {header: "engagement rate", rate: func(k *KPIs) Rate { return k.Engagement }},
	"Bounce":              {header: "bounce rate", rate: func(k *KPIs) Rate { return k.Bounce }},
	"TimeOnSite":          {header: "time on site (s)", est: func(k *KPIs) Estimate { return k.TimeOnSite }},
	"PagesPerSession":     {header: "pages/session", est: func(k *KPIs) Estimate { return k.PagesPerSession }},
	"SessionConversion":   {header: "conversion/session", rate: func(k *KPIs) Rate { return k.SessionConversion }},
	"VisitorConversion":   {header: "conversion/visitor", rate: func(k *KPIs) Rate { return k.VisitorConversion }},
	"CTR":                 {header: "CTR", rate: func(k *KPIs) Rate { return k.CTR }},
	"AddToCart":           {header: "add-to-cart rate", rate: func(k *KPIs) Rate { return k.AddToCart }},
	"CartAbandonment":     {header: "cart abandonment", rate: func(k *KPIs) Rate { return k.CartAbandonment }},
	"CheckoutAbandonment": {header: "checkout abandonment", rate: func(k *KPIs) Rate { return k.CheckoutAbandonment }},
	"Orders":              {header: "orders", count: func(k *KPIs) int64 { return k.Orders }},
	"Units":               {header: "units", count: func(k *KPIs) int64 { return k.Units }},
	"Revenue":             {header: "revenue", money: func(k *KPIs) float64 { return k.Revenue }},
	"Discounts":           {header: "discounts", money: func(k *KPIs) float64 { return k.Discounts }},
	"Returned":            {header: "returned", money: func(k *KPIs) float64 { return k.Returned }},
	"NetRevenue":          {header: "net revenue", money: func(k *KPIs) float64 { return k.NetRevenue }},
	"AOV":                 {header: "AOV", est: func(k *KPIs) Estimate { return k.AOV }},
	"RevenuePerVisitor":   {header: "revenue/visitor", est: func(k *KPIs) Estimate { return k.RevenuePerVisitor }},
	"ReturnRate":          {header: "return rate", rate: func(k *KPIs) Rate { return k.ReturnRate }},
	"RepeatPurchase":      {header: "repeat purchase", rate: func(k *KPIs) Rate { return k.RepeatPurchase }},
	"TopItem":             {header: "most popular item", item: true},
	"Unknown":             {header: "unknown events", count: func(k *KPIs) int64 { return k.Unknown }},
	"NewCustomers":        {header: "new customers", count: func(k *KPIs) int64 { return k.NewCustomers }},
	"Spend":               {header: "spend", money: func(k *KPIs) float64 { return k.Spend }},
	"ROAS":                {header: "ROAS", est: func(k *KPIs) Estimate { return k.ROAS }},
	"ROI":                 {header: "ROI", est: func(k *KPIs) Estimate { return k.ROI }},
	"CAC":                 {header: "CAC", est: func(k *KPIs) Estimate { return k.CAC }},
}

// Column sets for the renderers. Each name is a field of KPIs; each function returns a fresh
// slice, so a caller may change it without changing what other callers get.

// ChannelColumns is the per-channel overview: sessions, average time on site, bounce rate,
// average order value, conversion and the most popular product.
func ChannelColumns() []string {
	return []string{"Sessions", "TimeOnSite", "Bounce", "AOV", "SessionConversion", "TopItem"}
}

// DefaultColumns is what the renderers show when given no columns.
func DefaultColumns() []string {
	return []string{"Sessions", "Visitors", "TimeOnSite", "PagesPerSession", "Bounce",
		"SessionConversion", "VisitorConversion", "CTR", "AddToCart", "CartAbandonment",
		"CheckoutAbandonment", "Orders", "Revenue", "AOV", "RevenuePerVisitor", "ReturnRate",
		"RepeatPurchase", "TopItem"}
}

// AllColumns lists every column, in the order of the KPIs fields.
func AllColumns() []string {
	return []string{"Sessions", "Visitors", "Events", "Engagement", "Bounce", "TimeOnSite",
		"PagesPerSession", "SessionConversion", "VisitorConversion", "CTR", "AddToCart",
		"CartAbandonment", "CheckoutAbandonment", "Orders", "Units", "Revenue", "Discounts",
		"Returned", "NetRevenue", "AOV", "RevenuePerVisitor", "ReturnRate", "RepeatPurchase",
		"TopItem", "Unknown", "NewCustomers", "Spend", "ROAS", "ROI", "CAC"}
}

func lookup(cols []string) ([]column, error) {
	if len(cols) == 0 {
		cols = DefaultColumns()
	}
	out := make([]column, len(cols))
	for i, name := range cols {
		c, ok := columns[name]
		if !ok {
			return nil, fmt.Errorf("%w: unknown column %q", ErrConfig, name)
		}
		out[i] = c
	}
	return out, nil
}

// WriteCSV writes the report as CSV: a header, one line per row and the total line. A rate
// or estimate takes three columns (value, its _lo and _hi bounds); rates are fractions. An
// undefined figure or a missing bound is an empty cell. cols are KPIs field names (see
// AllColumns); none means DefaultColumns. An unknown name is an error wrapping ErrConfig.
//
// The file is meant for people's spreadsheets, so its text cells (the dimension name, each
// row's key, the most popular item) are escaped with textio.EscapeCell: one that would start
// with '=', '+', '-', '@', a tab, a carriage return or a single quote gets a single quote in
// front, so a key such as "=HYPERLINK(...)" shows as text instead of running as a formula. A
// script reading the file back removes one leading single quote from those cells; numbers
// (negative ones too) are written as numbers.
func (r *Report) WriteCSV(w io.Writer, cols ...string) error {
	cs, err := lookup(cols)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{textio.EscapeCell(r.Dimension)}
	for _, c := range cs {
		h := strings.ReplaceAll(c.header, " ", "_")
		head = append(head, h)
		if c.rate != nil || c.est != nil {
			head = append(head, h+"_lo", h+"_hi")
		}
		if c.item {
			head = append(head, "top_item_units")
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range append(r.Rows[:len(r.Rows):len(r.Rows)], r.Total) {
		rec := []string{textio.EscapeCell(row.Key)}
		for _, c := range cs {
			rec = append(rec, csvCells(c, &row.KPIs, r.Interval)...)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func csvCells(c column, k *KPIs, ic IntervalConfig) []string {
	switch {
	case c.rate != nil:
		r := c.rate(k)
		v, ok := r.Value()
		if !ok {
			return []string{"", "", ""}
		}
		ci, _ := RateInterval(r, ic)
		return []string{num(v), num(ci.Lower), num(ci.Upper)}
	case c.est != nil:
		e := c.est(k)
		if !e.Valid {
			return []string{"", "", ""}
		}
		ci, ok := e.Interval(ic)
		if !ok {
			return []string{num(e.Value), "", ""}
		}
		return []string{num(e.Value), num(ci.Lower), num(ci.Upper)}
	case c.count != nil:
		return []string{strconv.FormatInt(c.count(k), 10)}
	case c.money != nil:
		return []string{num(c.money(k))}
	default:
		return []string{textio.EscapeCell(k.TopItem), strconv.FormatInt(k.TopItemUnits, 10)}
	}
}

// mdCell renders one figure for a Markdown table: rates as percentages and estimates with two
// decimals, each followed by its interval in brackets; "n/a" when undefined.
func mdCell(c column, k *KPIs, ic IntervalConfig) string {
	switch {
	case c.rate != nil:
		r := c.rate(k)
		ci, ok := RateInterval(r, ic)
		if !ok {
			return "n/a"
		}
		return fmt.Sprintf("%s [%.1f, %.1f]", r, 100*ci.Lower, 100*ci.Upper)
	case c.est != nil:
		e := c.est(k)
		ci, ok := e.Interval(ic)
		if !ok {
			return e.String()
		}
		return fmt.Sprintf("%s [%.2f, %.2f]", e, ci.Lower, ci.Upper)
	case c.count != nil:
		return strconv.FormatInt(c.count(k), 10)
	case c.money != nil:
		return fmt.Sprintf("%.2f", c.money(k))
	default:
		if k.TopItem == "" {
			return "-"
		}
		return fmt.Sprintf("%s (%d)", k.TopItem, k.TopItemUnits)
	}
}

// WriteMarkdown writes the report as a Markdown table, total last, with each rate and estimate
// followed by its confidence interval in brackets. cols are as for WriteCSV.
func (r *Report) WriteMarkdown(w io.Writer, cols ...string) error {
	cs, err := lookup(cols)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("| " + mdEscape(r.Dimension))
	for _, c := range cs {
		b.WriteString(" | " + c.header)
	}
	b.WriteString(" |\n|---")
	for _, c := range cs {
		if c.item {
			b.WriteString("|---") // text reads left-aligned, numbers right-aligned
		} else {
			b.WriteString("|---:")
		}
	}
	b.WriteString("|\n")
	for _, row := range append(r.Rows[:len(r.Rows):len(r.Rows)], r.Total) {
		b.WriteString("| " + mdEscape(row.Key))
		for _, c := range cs {
			b.WriteString(" | " + mdEscape(mdCell(c, &row.KPIs, r.Interval)))
		}
		b.WriteString(" |\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

// SpendConfig gives advertising spend for ROAS, ROI and CAC.
type SpendConfig struct {
	// Spend is the spend per row key (per channel, say). Keys without a row are ignored.
	Spend map[string]float64
	// Margin is the share of revenue that is profit, for ROI; 0 means 1 (revenue counts in
	// full, which is ROAS − 1).
	Margin float64
}

// ApplySpend sets Spend, ROAS, ROI and CAC of every row with spend, and of the total with the
// sum of those spends. ROAS = Revenue/Spend; ROI = (Margin·Revenue − Spend)/Spend;
// CAC = Spend/NewCustomers. A zero or negative spend (or no new customers, for CAC) leaves
// the figure undefined. ROAS and ROI carry Revenue's standard error
// (Visitors·SE(RevenuePerVisitor)) divided by Spend.
func (r *Report) ApplySpend(cfg SpendConfig) {
	margin := cfg.Margin
	if margin <= 0 {
		margin = 1
	}
	var total float64
	for i := range r.Rows {
		if s, ok := cfg.Spend[r.Rows[i].Key]; ok {
			r.Rows[i].applySpend(s, margin)
			total += s
		}
	}
	r.Total.applySpend(total, margin)
}

func (k *KPIs) applySpend(spend, margin float64) {
	k.Spend = spend
	k.ROAS, k.ROI, k.CAC = undefined(k.Visitors), undefined(k.Visitors), undefined(k.NewCustomers)
	if !(spend > 0) {
		return
	}
	se := -1.0
	if k.RevenuePerVisitor.SE >= 0 {
		se = float64(k.Visitors) * k.RevenuePerVisitor.SE / spend
	}
	k.ROAS = Estimate{Value: k.Revenue / spend, SE: se, Units: k.Visitors, Valid: true}
	k.ROI = Estimate{Value: (margin*k.Revenue - spend) / spend, SE: -1, Units: k.Visitors, Valid: true}
	if se >= 0 {
		k.ROI.SE = margin * se
	}
	if k.NewCustomers > 0 {
		k.CAC = Estimate{Value: spend / float64(k.NewCustomers), SE: -1, Units: k.NewCustomers, Valid: true}
	}
}
