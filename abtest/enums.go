package abtest

// The text forms of abtest's enums, which they encode to in JSON (and in any encoding that
// uses encoding.TextMarshaler). Decoding accepts exactly these texts; an unknown value
// neither encodes nor decodes (ErrInvalidInput).

var (
	alternativeNames = []string{TwoSided: "two-sided", Greater: "greater", Less: "less"}
	correctionTexts  = []string{Holm: "holm", NoCorrection: "none", Bonferroni: "bonferroni", HolmSidak: "holm-sidak",
		Sidak: "sidak", BenjaminiHochberg: "bh", Hommel: "hommel"}
	decisionNames    = []string{Continue: "continue", TreatmentWins: "treatment_wins", NoWinner: "no_winner"}
	diffMethodNames  = []string{Wald: "wald", AgrestiCaffo: "agresti_caffo", Newcombe: "newcombe", MiettinenNurminen: "miettinen_nurminen"}
	ratioMethodNames = []string{KatzLog: "katz_log", KoopmanScore: "koopman_score"}
	spendingNames    = []string{OBrienFleming: "obrien_fleming", Pocock: "pocock", PowerFamily: "power_family"}
)

// MarshalText encodes the alternative as "two-sided", "greater" or "less".
func (a Alternative) MarshalText() ([]byte, error) {
	return enumText("alternative", alternativeNames, int(a))
}

// UnmarshalText decodes "two-sided", "greater" or "less" (ParseAlternative accepts more
// spellings).
func (a *Alternative) UnmarshalText(b []byte) error {
	i, err := enumParse("alternative", alternativeNames, b)
	if err != nil {
		return err
	}
	*a = Alternative(i)
	return nil
}

// MarshalText encodes the correction as its String name ("holm", "none", "bh", ...).
func (c Correction) MarshalText() ([]byte, error) {
	return enumText("correction", correctionTexts, int(c))
}

// UnmarshalText decodes a name MarshalText writes.
func (c *Correction) UnmarshalText(b []byte) error {
	i, err := enumParse("correction", correctionTexts, b)
	if err != nil {
		return err
	}
	*c = Correction(i)
	return nil
}

// MarshalText encodes the decision as "continue", "treatment_wins" or "no_winner".
func (d Decision) MarshalText() ([]byte, error) { return enumText("decision", decisionNames, int(d)) }

// UnmarshalText decodes "continue", "treatment_wins" or "no_winner".
func (d *Decision) UnmarshalText(b []byte) error {
	i, err := enumParse("decision", decisionNames, b)
	if err != nil {
		return err
	}
	*d = Decision(i)
	return nil
}

// String returns "wald", "agresti_caffo", "newcombe" or "miettinen_nurminen" (statsmodels'
// method names, snake_case).
func (m DiffMethod) String() string { return enumString("DiffMethod", diffMethodNames, int(m)) }

// MarshalText encodes the method as its String name.
func (m DiffMethod) MarshalText() ([]byte, error) {
	return enumText("diff method", diffMethodNames, int(m))
}

// UnmarshalText decodes a name MarshalText writes.
func (m *DiffMethod) UnmarshalText(b []byte) error {
	i, err := enumParse("diff method", diffMethodNames, b)
	if err != nil {
		return err
	}
	*m = DiffMethod(i)
	return nil
}

// String returns "katz_log" or "koopman_score".
func (m RatioMethod) String() string { return enumString("RatioMethod", ratioMethodNames, int(m)) }

// MarshalText encodes the method as its String name.
func (m RatioMethod) MarshalText() ([]byte, error) {
	return enumText("ratio method", ratioMethodNames, int(m))
}

// UnmarshalText decodes a name MarshalText writes.
func (m *RatioMethod) UnmarshalText(b []byte) error {
	i, err := enumParse("ratio method", ratioMethodNames, b)
	if err != nil {
		return err
	}
	*m = RatioMethod(i)
	return nil
}

// String returns "obrien_fleming", "pocock" or "power_family".
func (s SpendingFunction) String() string {
	return enumString("SpendingFunction", spendingNames, int(s))
}

// MarshalText encodes the spending function as its String name.
func (s SpendingFunction) MarshalText() ([]byte, error) {
	return enumText("spending function", spendingNames, int(s))
}

// UnmarshalText decodes a name MarshalText writes.
func (s *SpendingFunction) UnmarshalText(b []byte) error {
	i, err := enumParse("spending function", spendingNames, b)
	if err != nil {
		return err
	}
	*s = SpendingFunction(i)
	return nil
}
