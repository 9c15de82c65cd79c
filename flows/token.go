package flows

import (
	"time"

	"github.com/oauthlab/oauthlab/oauth/validate"
)

// Scopes are the scopes the token grants (its scope or scp claim); nil for
// an opaque token or one that names none.
func (t Token) Scopes() []string {
	if t.JWT == nil {
		return nil
	}
	return t.JWT.Claims.Scopes()
}

// TimeClaim is one of a token's time claims.
type TimeClaim struct {
	// Name is exp, iat, nbf or auth_time.
	Name string
	At   time.Time
}

// Times are the token's time claims that it carries as NumericDates, in the
// order exp, iat, nbf, auth_time.
func (t Token) Times() []TimeClaim {
	if t.JWT == nil {
		return nil
	}
	var out []TimeClaim
	for _, c := range []string{"exp", "iat", "nbf", "auth_time"} {
		if at, ok := t.JWT.Claims.Time(c); ok {
			out = append(out, TimeClaim{Name: c, At: at})
		}
	}
	return out
}

// Span is a duration as the checks print it: rounded to the second, with
// days when long ("4m12s", "328d7h").
func Span(d time.Duration) string { return validate.Span(d) }
