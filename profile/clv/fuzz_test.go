package clv

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"testing"
	"time"
)

// FuzzSummarize: arbitrary transactions give summaries with 0 <= t_x <= T, finite values,
// and Frequency < number of transactions; bad amounts are errors, never panics.
func FuzzSummarize(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, uint8(0))
	f.Add([]byte{0, 0, 0, 255, 255, 255, 1, 1, 1}, uint8(1))
	f.Add([]byte("some transactions here"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, period uint8) {
		var txs []Transaction
		for i := 0; i+3 <= len(data); i += 3 {
			amt := float64(int8(data[i+2]))
			if data[i+2] == 0x7f {
				amt = math.NaN()
			}
			txs = append(txs, Transaction{
				Customer: string(rune('a' + data[i]%5)),
				Time:     time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(data[i+1]) * 37 * time.Hour),
				Amount:   amt,
			})
		}
		cfg := SummaryConfig{Period: Period(period%4) + 0, End: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)}
		if period%5 == 4 {
			cfg.Unit = Week
		}
		cs, err := Summarize(slices.Values(txs), cfg)
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.Frequency < 0 || c.Frequency >= len(txs) || c.Recency < 0 || c.Recency > c.T ||
				math.IsNaN(c.Monetary) || math.IsInf(c.Monetary, 0) || math.IsNaN(c.T) {
				t.Fatalf("bad summary %+v", c)
			}
		}
	})
}

// FuzzBGNBDPredictions: for positive finite parameters and valid histories the predictions are
// numbers in their ranges, never NaN.
func FuzzBGNBDPredictions(f *testing.F) {
	f.Add(make([]byte, 64))
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 56 {
			return
		}
		u := func(i int) float64 { return float64(binary.LittleEndian.Uint64(data[8*i:])%1_000_000) / 1_000_000 }
		// Parameters in [0.01, 50], histories up to x = 200, T up to 500.
		m := BGNBD{R: 0.01 + 50*u(0), Alpha: 0.01 + 50*u(1), A: 0.01 + 50*u(2), B: 0.01 + 50*u(3)}
		x := int(200 * u(4))
		T := 500 * u(5)
		tx := T * u(6)
		if x == 0 {
			tx = 0
		}
		tt := 1 + 100*u(4)
		pa := m.ProbAlive(x, tx, T)
		e := m.ExpectedPurchases(tt)
		ce := m.ConditionalExpectedPurchases(tt, x, tx, T)
		ll := m.LogLikelihood(x, tx, T)
		pn := m.ProbPurchases(tt, x%20)
		if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) || !(ce >= 0) || math.IsInf(ce, 0) ||
			math.IsNaN(ll) || math.IsInf(ll, 0) || !(pn >= 0 && pn <= 1+1e-9) {
			t.Fatalf("%+v x=%d tx=%v T=%v t=%v: palive %v E %v CE %v LL %v P(n) %v", m, x, tx, T, tt, pa, e, ce, ll, pn)
		}
		// Long horizons (up to 10⁶ units: z within 1e-6 of 1), where ₂F₁ switches to its
		// transformation to 1-z, or to quadrature where its series cancels (r much larger
		// than a+b: cases ad27f59d69bb13c4 and b6f6c26a81cc562c): E[X] and E[Y] keep growing.
		tl := tt + 1e6*u(5)*u(6)
		if el, cl := m.ExpectedPurchases(tl), m.ConditionalExpectedPurchases(tl, x, tx, T); !(el >= e*(1-1e-9)) || math.IsInf(el, 0) || !(cl >= ce*(1-1e-9)) || math.IsInf(cl, 0) {
			t.Fatalf("%+v x=%d tx=%v T=%v t=%v: E %v CE %v (at t=%v: %v, %v)", m, x, tx, T, tl, el, cl, tt, e, ce)
		}
		g := GammaGamma{P: m.R, Q: 1.01 + m.A, Gamma: m.Alpha}
		if s := g.ExpectedSpend(x, 1+T); math.IsNaN(s) || s < 0 || math.IsInf(s, 0) {
			t.Fatalf("%+v: E[M] = %v", g, s)
		}
	})
}

// FuzzFitBGNBD: fits on arbitrary small data sets end with an estimate or an error, never a
// panic, a NaN or a non-finite log-likelihood.
func FuzzFitBGNBD(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33})
	f.Add(make([]byte, 60))
	f.Fuzz(func(t *testing.T, data []byte) {
		// At most 64 customers and 60 iterations: the property (a finite fit or an error, never
		// NaN) needs neither more, and the fuzzer's ever longer inputs otherwise made single
		// executions take seconds (1.3 s for 284 customers on which BFGS fails and the
		// simplex fallback runs its 20 x MaxIterations steps), stalling CI's fixed budget of
		// executions for minutes.
		data = data[:min(len(data), 3*64)]
		var cs []Customer
		for i := 0; i+3 <= len(data); i += 3 {
			T := 1 + float64(data[i])
			x := int(data[i+1] % 30)
			tx := 0.0
			if x > 0 {
				tx = T * float64(data[i+2]) / 255
			}
			cs = append(cs, Customer{Frequency: x, Recency: tx, T: T})
		}
		fit, err := FitBGNBD(context.Background(), cs, FitConfig{MinRepeaters: 1, MaxIterations: 60})
		if err != nil {
			return
		}
		if math.IsNaN(fit.LL) || math.IsInf(fit.LL, 0) || !(fit.R > 0 && fit.Alpha > 0 && fit.A > 0 && fit.B > 0) {
			t.Fatalf("fit %+v", fit)
		}
	})
}

// FuzzParetoNBDPredictions: for positive finite parameters over the whole log-parameter box a
// fit can visit ([1e-6, 1e6]) and valid histories, the log-likelihood and its gradient are
// finite and the predictions in their ranges; the quadrature behind them (see ParetoNBD) never
// returns NaN there. A few microseconds per execution.
func FuzzParetoNBDPredictions(f *testing.F) {
	f.Add(make([]byte, 56))
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef01234567"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 56 {
			return
		}
		u := func(i int) float64 { return float64(binary.LittleEndian.Uint64(data[8*i:])%1_000_000) / 1_000_000 }
		p := func(i int) float64 { return math.Pow(10, -6+12*u(i)) }
		m := ParetoNBD{R: p(0), Alpha: p(1), S: p(2), Beta: p(3)}
		x := int(500 * u(4))
		T := 1000 * u(5)
		tx := T * u(6)
		if x == 0 {
			tx = 0
		}
		g := make([]float64, 4)
		ll := m.llGrad(float64(x), tx, T, g)
		pa := m.ProbAlive(x, tx, T)
		ce := m.ConditionalExpectedPurchases(52, x, tx, T)
		e := m.ExpectedPurchases(52)
		if math.IsNaN(ll) || math.IsInf(ll, 0) || !finite(g) || !(pa >= 0 && pa <= 1) || !(ce >= 0) || math.IsInf(ce, 0) || !(e >= 0) || math.IsInf(e, 0) {
			t.Fatalf("%+v x=%d tx=%v T=%v: LL %v grad %v P(alive) %v E[Y] %v E[X] %v", m, x, tx, T, ll, g, pa, ce, e)
		}
	})
}
