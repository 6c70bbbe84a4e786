package forget

import (
	"encoding/json"
	"testing"
)

func TestReport(t *testing.T) {
	var r Report
	r.Person = "c42"
	if r.String() != "c42: nothing held" {
		t.Errorf("empty report: %q", r.String())
	}
	b, _ := json.Marshal(r)
	if string(b) != `{"person":"c42","found":false}` {
		t.Errorf("empty report JSON %s", b)
	}
	r.Add("orders", 0)
	if r.Found {
		t.Error("adding zero marks found")
	}
	r.Add("orders", 3)
	r.Merge(Report{Person: "c42", Found: true, Removed: map[string]int{"identities": 2, "orders": 1}})
	if r.String() != "c42: removed 2 identities, 4 orders" {
		t.Errorf("String() = %q", r.String())
	}
	b, _ = json.Marshal(r)
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || back.String() != r.String() || string(b) != `{"person":"c42","found":true,"removed":{"identities":2,"orders":4}}` {
		t.Errorf("round trip %s -> %+v (%v)", b, back, err)
	}
}
