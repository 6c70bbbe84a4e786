//go:build race

package clv

// The race detector slows this package's arithmetic about tenfold: timing bounds scale by
// raceSlowdown.
const raceSlowdown = 10
