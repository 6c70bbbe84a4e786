package profile

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestPeriodText(t *testing.T) {
	for p, name := range map[Period]string{Day: "day", Week: "week", Month: "month", Quarter: "quarter", Year: "year"} {
		b, err := json.Marshal(p)
		if err != nil || string(b) != `"`+name+`"` {
			t.Errorf("%d: %s, %v", p, b, err)
		}
		var back Period
		if err := json.Unmarshal(b, &back); err != nil || back != p || p.String() != name {
			t.Errorf("%s: decoded %v, %v", name, back, err)
		}
	}
	for _, p := range []Period{0, 6, 255} {
		if _, err := json.Marshal(p); err == nil {
			t.Errorf("Period(%d) encoded", p)
		}
	}
	var p Period
	if err := json.Unmarshal([]byte(`"fortnight"`), &p); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("fortnight: %v", err)
	}
	if Period(0).Valid() || !Year.Valid() || Period(9).String() != "Period(9)" {
		t.Error("Valid or String of unnamed periods")
	}
}
