package abtest

// MarshalJSON encodes the BayesResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r BayesResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *BayesResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the Readout with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r Readout) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *Readout) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the ExperimentReadout with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r ExperimentReadout) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *ExperimentReadout) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the MetricReadout with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r MetricReadout) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *MetricReadout) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the Comparison with snake_case names; a non-finite number is null and an error its message.
// Encoding never fails.
func (r Comparison) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf; an error message an error matching its sentinel.
func (r *Comparison) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the SequentialResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r SequentialResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *SequentialResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the MSPRTLook with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r MSPRTLook) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *MSPRTLook) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the Bound with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r Bound) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *Bound) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the SRMResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r SRMResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *SRMResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the Effect with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r Effect) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *Effect) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the CUPEDResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r CUPEDResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *CUPEDResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the ZResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r ZResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *ZResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the ChiSquareResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r ChiSquareResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *ChiSquareResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }

// MarshalJSON encodes the PairResult with snake_case names; a non-finite number is null.
// Encoding never fails.
func (r PairResult) MarshalJSON() ([]byte, error) { return marshalResult(r) }

// UnmarshalJSON decodes what MarshalJSON wrote: a null number is NaN, a null lower or upper
// bound −Inf or +Inf.
func (r *PairResult) UnmarshalJSON(b []byte) error { return unmarshalResult(b, r) }
