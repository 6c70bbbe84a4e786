package segment

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// sharedPath finds a file of ../shared (relative to the module root) or $TAILOR_SHARED, and
// skips the test when it is absent.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	root := os.Getenv("TAILOR_SHARED")
	if root == "" {
		root = filepath.Join("..", "..", "shared") // segment/ -> module root -> ../shared
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not found (set TAILOR_SHARED to the shared directory): %v", rel, err)
	}
	return p
}

// rfmDataOrders reads shared/data/rfm/rfm_data_orders.csv (customer_id, order_date, revenue,
// ...) as one order per row, each with one line of quantity 1 at the row's revenue.
func rfmDataOrders(t testing.TB) []profile.Order {
	t.Helper()
	rows := readCSV(t, sharedPath(t, "data/rfm/rfm_data_orders.csv"))
	var orders []profile.Order
	for i, r := range rows[1:] {
		day, err := time.Parse(time.DateOnly, r[1])
		if err != nil {
			t.Fatalf("row %d: %v", i+2, err)
		}
		rev, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatalf("row %d: %v", i+2, err)
		}
		orders = append(orders, profile.Order{ID: strconv.Itoa(i + 2), CustomerID: r[0], Time: day,
			Lines: []profile.Line{{Quantity: 1, UnitPrice: rev}}})
	}
	return orders
}

func activityOf(t testing.TB, orders []profile.Order) *Activity {
	t.Helper()
	a := &Activity{}
	for i := range orders {
		if err := a.Add(orders[i]); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// readCSV reads a whole CSV file of the tests' data.
func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// asOf sets a's reference time to now, for tests whose orders all precede it (an Activity
// built with ActivityConfig{Now: now} would hold the same orders).
func asOf(t testing.TB, a *Activity, now time.Time) *Activity {
	t.Helper()
	if a.latest().After(now) {
		t.Fatalf("asOf(%s): the activity has later orders", now)
	}
	a.now = now
	return a
}

// activityAt adds the orders to an Activity with reference time now.
func activityAt(t testing.TB, now time.Time, orders []profile.Order) *Activity {
	t.Helper()
	a, err := NewActivity(ActivityConfig{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for i := range orders {
		if err := a.Add(orders[i]); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// must returns v, and panics (failing the test) on an error: for results of valid configs.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
