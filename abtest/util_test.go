package abtest

import (
	"bytes"
	"math"
)

func closeRel(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
