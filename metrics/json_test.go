package metrics

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReportJSONRoundTrip: a report survives JSON, undefined figures are null, never NaN.
func TestReportJSONRoundTrip(t *testing.T) {
	r := accumulate(t, Config{}, handEvents()).Report(ByChannel())
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "NaN") || !strings.Contains(string(b), `"ctr":{"successes":0,"trials":0,"value":null,"lower":null,"upper":null}`) {
		t.Fatalf("json: %s", b)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, &back, reportCmp...); d != "" {
		t.Fatal(d)
	}
}

// Interval methods travel by name and round-trip; unknown names and values are refused.
func TestMethodJSON(t *testing.T) {
	for _, m := range []Method{Wilson, AgrestiCoull, Jeffreys} {
		b, err := json.Marshal(IntervalConfig{Method: m, Alpha: 0.1})
		if err != nil || !strings.Contains(string(b), `"method":"`+m.String()+`"`) {
			t.Fatalf("%v: %s, %v", m, b, err)
		}
		var back IntervalConfig
		if err := json.Unmarshal(b, &back); err != nil || back != (IntervalConfig{Method: m, Alpha: 0.1}) {
			t.Errorf("%v: back %+v, %v", m, back, err)
		}
	}
	if _, err := json.Marshal(Method(7)); !errors.Is(err, ErrConfig) {
		t.Errorf("Method(7): %v", err)
	}
	var m Method
	if err := json.Unmarshal([]byte(`"wald"`), &m); !errors.Is(err, ErrConfig) {
		t.Errorf("wald: %v", err)
	}
}
