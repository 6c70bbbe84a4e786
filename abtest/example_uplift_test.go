package abtest_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/tailorkit/tailor/abtest"
)

// An offer's readout: the customers who got the offer against its holdout, per segment, with the
// Welch interval of the uplift and the discount cost per incremental order.
func ExampleUplift() {
	u, err := abtest.NewUplift(abtest.UpliftConfig{Control: "holdout", Outcomes: []string{"ordered"}})
	if err != nil {
		panic(err)
	}
	// 400 customers per arm: lapsing customers order 40% with the offer and 20% without,
	// loyal ones 50% either way.
	for i := range 800 {
		arm, seg := "offer", "lapsing"
		if i%2 == 1 {
			arm = "holdout"
		}
		if i%4 >= 2 {
			seg = "loyal"
		}
		ordered := 0.0
		switch {
		case seg == "loyal" && i%8 < 4:
			ordered = 1
		case seg == "lapsing" && arm == "offer" && i%20 < 6:
			ordered = 1
		case seg == "lapsing" && arm == "holdout" && i%20 < 2:
			ordered = 1
		}
		if err := u.Add(abtest.UpliftObservation{Arm: arm, Segment: seg, Values: []float64{ordered}}); err != nil {
			panic(err)
		}
	}
	ro, err := u.Readout()
	if err != nil {
		panic(err)
	}
	for _, r := range ro.Rows {
		fmt.Printf("%-8s n=%d/%d  %.2f vs %.2f  uplift %+.2f [%+.2f, %+.2f]\n", r.Segment, r.NTreated, r.NControl,
			r.MeanTreated, r.MeanControl, r.Uplift, r.Lower, r.Upper)
	}
	// The offer cost 5 per redeemed discount; every treated buyer redeemed one.
	all := ro.Rows[0]
	cost := 5 * all.MeanTreated * float64(all.NTreated)
	perOrder, err := abtest.CostPerIncremental(cost, all.Incremental())
	fmt.Printf("discount cost per incremental order: %.2f (%v)\n", perOrder, err)
	// Output:
	// all      n=400/400  0.45 vs 0.35  uplift +0.10 [+0.03, +0.17]
	// lapsing  n=200/200  0.40 vs 0.20  uplift +0.20 [+0.11, +0.29]
	// loyal    n=200/200  0.50 vs 0.50  uplift +0.00 [-0.10, +0.10]
	// discount cost per incremental order: 22.50 (<nil>)
}

// Ranking customers by a score and measuring how well it finds the persuadable, as
// scikit-uplift does: the Qini coefficient (1 for the perfect ranking, about 0 for a random
// one) and the uplift among the top 30%.
func ExampleQiniAUCScore() {
	units := []abtest.ScoredUnit{
		{Score: 0.9, Treated: true, Outcome: 1}, {Score: 0.8, Treated: false, Outcome: 0},
		{Score: 0.7, Treated: true, Outcome: 1}, {Score: 0.6, Treated: false, Outcome: 1},
		{Score: 0.5, Treated: true, Outcome: 0}, {Score: 0.4, Treated: false, Outcome: 0},
		{Score: 0.3, Treated: true, Outcome: 0}, {Score: 0.2, Treated: false, Outcome: 1},
	}
	q, _ := abtest.QiniAUCScore(slices.Values(units), true)
	k, _ := abtest.UpliftAtK(slices.Values(units), 0.3, abtest.Overall)
	curve, _ := abtest.QiniCurve(slices.Values(units))
	fmt.Printf("Qini coefficient %.4f (43/72), uplift@30%% %.2f\n", q, k)
	fmt.Println("Qini curve:", curve.Y)
	// Output:
	// Qini coefficient 0.5972 (43/72), uplift@30% 1.00
	// Qini curve: [0 1 1 2 1 0.5 1 0.6666666666666667 0]
}

// Fitting an uplift scorer on a randomised test and scoring a customer: persuadables (feature
// 1) respond 60% when treated and 20% when not, everyone else 30% either way.
func ExampleFitUpliftScorer() {
	var train []abtest.TrainingUnit
	for i := range 4000 {
		persuadable := i%2 == 0
		treated := i%4 < 2
		rate := 0.3
		if persuadable && treated {
			rate = 0.6
		} else if persuadable {
			rate = 0.2
		}
		// A deterministic stand-in for a random draw: unit i responds when its position in a
		// block of 10 is below rate*10.
		y := 0.0
		if float64(i/4%10) < rate*10 {
			y = 1
		}
		f := 0.0
		if persuadable {
			f = 1
		}
		train = append(train, abtest.TrainingUnit{Features: []float64{f}, Treated: treated, Outcome: y})
	}
	s, err := abtest.FitUpliftScorer(context.Background(), slices.Values(train), abtest.ScorerConfig{})
	if err != nil {
		panic(err)
	}
	p, _ := s.Score([]float64{1})
	o, _ := s.Score([]float64{0})
	fmt.Printf("persuadable %+.2f, other %+.2f\n", p, o)
	// Output:
	// persuadable +0.40, other +0.00
}
