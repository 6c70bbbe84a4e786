//go:build !race

package clv

// raceSlowdown scales the timing bounds of the tests (see race_test.go).
const raceSlowdown = 1
