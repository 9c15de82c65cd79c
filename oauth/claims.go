package oauth

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Claims are a JWT's payload (or an introspection or userinfo answer)
// decoded with numbers kept as json.Number. Its accessors read the
// registered claims the way RFC 7519 and the servers write them, so that
// the validator, the ID-token checks, the flows and every face read them
// alike.
type Claims map[string]any

// ParseClaims reads a JSON object — a JWT's payload, an introspection or
// userinfo answer — with numbers kept as json.Number. Anything else (an
// array, null, an object followed by more data) is an error.
func ParseClaims(b []byte) (Claims, error) { return decodeObject(b) }

// String is the claim name when it is a string, else "".
func (c Claims) String(name string) string {
	s, _ := c[name].(string)
	return s
}

// Audiences reads "aud": a string or an array of strings (RFC 7519 §4.1.3).
func (c Claims) Audiences() []string {
	switch v := c["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Scopes are the scopes the claims grant: "scope" as a space-separated
// string (RFC 9068 §2.2.3, Keycloak), or "scp" as an array (Okta) or a
// space-separated string (Entra ID). Nil when they name none.
func (c Claims) Scopes() []string {
	for _, name := range []string{"scope", "scp"} {
		switch v := c[name].(type) {
		case string:
			if f := strings.Fields(v); len(f) > 0 {
				return f
			}
		case []any:
			var out []string
			for _, s := range v {
				if str, ok := s.(string); ok && str != "" {
					out = append(out, str)
				}
			}
			if len(out) > 0 {
				return out
			}
		case []string:
			if len(v) > 0 {
				return slices.Clone(v)
			}
		}
	}
	return nil
}

// Time reads a NumericDate claim (exp, iat, nbf, auth_time); ok is false
// when it is absent or not a plausible number of seconds (see NumericDate).
func (c Claims) Time(name string) (t time.Time, ok bool) {
	t, present, err := c.NumericDate(name)
	return t, present && err == nil
}

// NumericDate reads a NumericDate claim (RFC 7519 §2): a JSON number of
// seconds since 1970, possibly with a fraction. present is false when the
// claim is absent; err says why a claim that is there is not a time.
func (c Claims) NumericDate(name string) (t time.Time, present bool, err error) {
	v, present := c[name]
	if !present {
		return time.Time{}, false, nil
	}
	var f float64
	switch n := v.(type) {
	case json.Number:
		f, err = n.Float64()
	case float64:
		f = n
	case int64:
		f = float64(n)
	case int:
		f = float64(n)
	default:
		err = fmt.Errorf("it is %s, not a number of seconds", DescribeJSON(v))
	}
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11) {
		err = fmt.Errorf("%v is not a plausible number of seconds since 1970", v)
	}
	if err != nil {
		return time.Time{}, true, err
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// DescribeJSON names a decoded JSON value for a message: `the string "x"`,
// null, a boolean, an array, an object, or the number itself.
func DescribeJSON(v any) string {
	switch v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}
