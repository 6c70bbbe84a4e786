//go:build !race

package abtest

// upliftTimeScale stretches the time bounds of the uplift tests under the race detector, which
// slows this code about tenfold.
const upliftTimeScale = 1
