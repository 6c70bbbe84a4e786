package profile_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/tailorkit/tailor/profile"
)

// SkipBad drains a reader into a consumer, skipping bad rows and reporting them with their line
// and field; rep.Err would hold a wrong header or an I/O error.
func ExampleSkipBad() {
	file := `{"id":"A1","customer_id":"ann","time":"2025-06-01T00:00:00Z","lines":[{"item_id":"tea","quantity":2,"unit_price":4}]}
{"id":"A2","customer_id":"ann","time":"2025-06-11T00:00:00Z","lines":[{"item_id":"tea","quantity":"two","unit_price":4}]}
{"id":"B1","customer_id":"ben","time":"2025-06-21T00:00:00Z","lines":[{"item_id":"mug","quantity":1,"unit_price":9.5}]}
`
	var rep profile.ReadReport
	orders := profile.SkipBad(profile.ReadOrdersJSONL(strings.NewReader(file)), &rep)
	profiles, err := profile.Build(context.Background(), orders, nil, profile.Config{})
	if err != nil || rep.Err != nil {
		fmt.Println("failed:", err, rep.Err)
		return
	}
	fmt.Println(profiles.Len(), "customers;", rep.Rows, "orders read,", rep.Bad, "bad")
	fmt.Println(rep.Examples[0].Line, rep.Examples[0].Field)
	// Output:
	// 2 customers; 2 orders read, 1 bad
	// 2 lines.quantity
}
