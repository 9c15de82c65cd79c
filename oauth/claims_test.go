package oauth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestClaimsScopes(t *testing.T) {
	for _, tc := range []struct {
		claims Claims
		want   string
	}{
		{Claims{"scope": "openid test_api_access"}, "openid,test_api_access"},
		{Claims{"scp": []any{"fakebookapi.read", "fakebookapi.admin"}}, "fakebookapi.read,fakebookapi.admin"},
		{Claims{"scp": "User.Read Mail.Send"}, "User.Read,Mail.Send"},
		{Claims{"scope": "", "scp": []any{"a"}}, "a"},
		{Claims{"scope": 42}, ""},
		{Claims{}, ""},
	} {
		if got := strings.Join(tc.claims.Scopes(), ","); got != tc.want {
			t.Errorf("Scopes(%v): got %q, want %q", tc.claims, got, tc.want)
		}
	}
}

func TestClaimsAudiences(t *testing.T) {
	for _, tc := range []struct {
		aud  any
		want string
	}{
		{"api", "api"},
		{[]any{"api", 7, "account"}, "api,account"},
		{42, ""},
		{nil, ""},
	} {
		if got := strings.Join(Claims{"aud": tc.aud}.Audiences(), ","); got != tc.want {
			t.Errorf("Audiences of aud %v: got %q, want %q", tc.aud, got, tc.want)
		}
	}
}

// A time claim is read the same by the validator, the ID-token checks and
// every face: a number of seconds, with a fraction, and nothing else.
func TestClaimsTime(t *testing.T) {
	for _, tc := range []struct {
		v       any
		want    time.Time
		present bool
		ok      bool
	}{
		{json.Number("1767225600"), time.Unix(1767225600, 0), true, true},
		{json.Number("1767225600.5"), time.Unix(1767225600, 5e8), true, true},
		{float64(1767225600), time.Unix(1767225600, 0), true, true},
		{"1767225600", time.Time{}, true, false},
		{json.Number("-1"), time.Time{}, true, false},
		{json.Number("1e12"), time.Time{}, true, false},
		{nil, time.Time{}, false, false},
	} {
		c := Claims{}
		if tc.v != nil {
			c["exp"] = tc.v
		}
		at, present, err := c.NumericDate("exp")
		if present != tc.present || (err == nil) != (tc.ok || !tc.present) || !at.Equal(tc.want) {
			t.Errorf("NumericDate of %#v: got %v, %v, %v; want %v, present %v, ok %v", tc.v, at, present, err, tc.want, tc.present, tc.ok)
		}
		if at, ok := c.Time("exp"); ok != tc.ok || !at.Equal(tc.want) {
			t.Errorf("Time of %#v: got %v, %v; want %v, %v", tc.v, at, ok, tc.want, tc.ok)
		}
	}
}
