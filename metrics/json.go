package metrics

import "encoding/json"

type estimateJSON struct {
	Value *float64 `json:"value"`
	SE    *float64 `json:"se"`
	Units int64    `json:"units"`
	Lower *float64 `json:"lower"`
	Upper *float64 `json:"upper"`
}

// MarshalJSON encodes the estimate as {"value", "se", "units", "lower", "upper"} with its 95%
// normal interval; null stands for an undefined value or an unknown standard error.
func (e Estimate) MarshalJSON() ([]byte, error) {
	j := estimateJSON{Units: e.Units}
	if e.Valid {
		v := e.Value
		j.Value = &v
		if ci, ok := e.Interval(IntervalConfig{}); ok {
			se := e.SE
			j.SE, j.Lower, j.Upper = &se, &ci.Lower, &ci.Upper
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *Estimate) UnmarshalJSON(b []byte) error {
	var j estimateJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Estimate{SE: -1, Units: j.Units}
	if j.Value != nil {
		e.Value, e.Valid = *j.Value, true
		if j.SE != nil {
			e.SE = *j.SE
		}
	}
	return nil
}
