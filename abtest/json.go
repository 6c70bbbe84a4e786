package abtest

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// The JSON form of abtest's results (CONVENTIONS.md, "JSON"): snake_case names from the
// fields' json tags, enums as their text, a non-finite number as null and an error as its
// message. Decoding reads a null number back as NaN ("not defined for this data"), except a
// null "lower" (−Inf) and "upper" (+Inf), which are the open ends of a one-sided interval; an
// error message decodes to an error with that text that still matches, with errors.Is, the
// abtest sentinel it starts with.

var (
	errorType         = reflect.TypeFor[error]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// marshalResult encodes the struct v field by field (v's own MarshalJSON is not called
// again; nested values with theirs are).
func marshalResult(v any) ([]byte, error) {
	return json.Marshal(jsonValue(reflect.ValueOf(v), true))
}

// object is a JSON object that keeps its fields in order.
type object []member

type member struct {
	name  string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.name)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonValue returns what encoding/json should encode for v: non-finite floats as nil, errors as
// their message, structs as ordered objects of their tagged fields.
func jsonValue(v reflect.Value, top bool) any {
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	if t == errorType {
		if v.IsNil() {
			return nil
		}
		return v.Interface().(error).Error()
	}
	if !top && (t.Implements(marshalerType) || t.Implements(textMarshalerType)) {
		return v.Interface()
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return v.Interface()
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return jsonValue(v.Elem(), false)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonValue(v.Index(i), false)
		}
		return out
	case reflect.Struct:
		var o object
		appendFields(&o, v)
		return o
	}
	return v.Interface()
}

// appendFields adds v's exported fields under their json names; an embedded struct without a
// tag is inlined, as encoding/json does.
func appendFields(o *object, v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, omitEmpty, ok := jsonName(f)
		switch {
		case !ok:
		case f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct:
			appendFields(o, v.Field(i))
		default:
			fv := v.Field(i)
			if omitEmpty && fv.IsZero() {
				continue
			}
			*o = append(*o, member{name, jsonValue(fv, false)})
		}
	}
}

// jsonName is the field's JSON name from its tag, whether it is omitempty, and whether it is
// encoded at all.
func jsonName(f reflect.StructField) (name string, omitEmpty, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(opts, "omitempty"), true
}

// unmarshalResult decodes what marshalResult wrote into the struct *p.
func unmarshalResult(b []byte, p any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if fields == nil { // null
		return nil
	}
	v := reflect.ValueOf(p).Elem()
	v.SetZero()
	return decodeFields(fields, v)
}

func decodeFields(fields map[string]json.RawMessage, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, ok := jsonName(f)
		if !ok {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			if err := decodeFields(fields, fv); err != nil {
				return err
			}
			continue
		}
		raw, present := fields[name]
		isNull := !present || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
		switch {
		case f.Type == errorType:
			if !isNull {
				var msg string
				if err := json.Unmarshal(raw, &msg); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				fv.Set(reflect.ValueOf(decodedError(msg)))
			}
		case fv.Kind() == reflect.Float64 && isNull:
			switch name {
			case "lower":
				fv.SetFloat(math.Inf(-1))
			case "upper":
				fv.SetFloat(math.Inf(1))
			default:
				fv.SetFloat(math.NaN())
			}
		case !present:
		default:
			if err := json.Unmarshal(raw, fv.Addr().Interface()); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

// knownSentinels are the exported errors a decoded error message is matched against.
var knownSentinels = []error{ErrInvalidAlpha, ErrInvalidPower, ErrInvalidInput, ErrTooFewUnits, ErrZeroVariance,
	ErrZeroBaseline, ErrZeroDenominator, ErrWeights, ErrUnbounded, ErrHashVersion, ErrEmptyUnit,
	ErrNoConvergence, ErrOverflow, ErrUnplannedUnits}

// textError is an error read back from JSON: its message, and the sentinel the message starts
// with (nil when none does).
type textError struct {
	msg      string
	sentinel error
}

func (e *textError) Error() string { return e.msg }
func (e *textError) Unwrap() error { return e.sentinel }

// decodedError returns an error with message msg that wraps the longest sentinel the message
// starts with.
func decodedError(msg string) error {
	e := &textError{msg: msg}
	for _, s := range knownSentinels {
		if strings.HasPrefix(msg, s.Error()) && (e.sentinel == nil || len(s.Error()) > len(e.sentinel.Error())) {
			e.sentinel = s
		}
	}
	return e
}

// enumText returns names[v], or an error for a value outside names.
func enumText(typ string, names []string, v int) ([]byte, error) {
	if v < 0 || v >= len(names) {
		return nil, fmt.Errorf("%w: unknown %s %d", ErrInvalidInput, typ, v)
	}
	return []byte(names[v]), nil
}

// enumParse returns the position of b in names, or an error naming the accepted texts.
func enumParse(typ string, names []string, b []byte) (int, error) {
	for i, n := range names {
		if string(b) == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown %s %q (accepted: %s)", ErrInvalidInput, typ, b, strings.Join(names, ", "))
}

// enumString returns names[v], or "Type(v)" for a value outside names.
func enumString(typ string, names []string, v int) string {
	if v < 0 || v >= len(names) {
		return fmt.Sprintf("%s(%d)", typ, v)
	}
	return names[v]
}
