package validate

import (
	"context"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// TokenValidator is what a resource server needs: a report on a raw
// bearer token. Validator and Introspector both implement it.
type TokenValidator interface {
	Validate(ctx context.Context, raw string, requiredScopes ...string) *Report
}

// The checks a Report holds, in the order they run. Introspection adds
// CheckActive after CheckSignature.
const (
	CheckFormat    = "format"
	CheckHeader    = "header"
	CheckAlg       = "alg"
	CheckKid       = "kid"
	CheckSignature = "signature"
	CheckActive    = "active"
	CheckExp       = "exp"
	CheckNbf       = "nbf"
	CheckIat       = "iat"
	CheckIss       = "iss"
	CheckAud       = "aud"
	CheckScope     = "scope"
	CheckTyp       = "typ"
)

// Report is the outcome of validating one token: every check with its
// reason, and what a resource server needs from a valid token.
type Report struct {
	// Valid is true when no check failed.
	Valid bool `json:"valid"`
	// Checks lists format, header, alg, kid, signature, exp, nbf, iat,
	// iss, aud, scope and typ, each pass, fail, warn or skip with a reason.
	Checks []oauth.Check `json:"checks"`
	// JWT is the decoded token, nil when it is not a JWT.
	JWT *oauth.JWT `json:"jwt,omitempty"`
	// Scopes the token grants (scope or scp).
	Scopes   []string  `json:"scopes,omitempty"`
	Subject  string    `json:"sub,omitempty"`
	ClientID string    `json:"client_id,omitempty"`
	Expiry   time.Time `json:"expiry,omitzero"`
	// Failure names the first failed check, "" if valid.
	Failure string `json:"failure,omitempty"`
	// Bound is what a sender-constrained token is bound to (its cnf, from
	// the JWT or the introspection answer), nil for a bearer token: valid
	// or not, such a token proves nothing sent as a bearer token, and a
	// resource server that checks no proof of the key refuses it.
	Bound *oauth.Binding `json:"bound,omitempty"`
	// Unchecked, when set, says the token could not be checked at all:
	// the introspection request failed, so no check speaks of the token
	// and a resource server answers its own failure (5xx), not
	// invalid_token, which would blame the client's token.
	Unchecked *Unchecked `json:"unchecked,omitempty"`
}

// Unchecked is why a token could not be checked.
type Unchecked struct {
	Reason string `json:"reason"`
	// Transient: no answer, or a 5xx or a 429 from the authorization
	// server, which may pass; otherwise the server refused the request (a
	// client it does not know, a token type it does not introspect) until
	// that changes.
	Transient bool `json:"transient"`
}

// Reason returns the first failure in plain words, "" if the token is valid.
func (r *Report) Reason() string {
	if r == nil {
		return "no report"
	}
	for _, c := range r.Checks {
		if c.Status == oauth.Fail {
			return c.Name + ": " + c.Reason
		}
	}
	return ""
}

// MissingScope reports whether the token failed only because it lacks a
// required scope: the resource server then answers 403 insufficient_scope,
// not 401 invalid_token (RFC 6750 §3.1).
func (r *Report) MissingScope() bool {
	if r == nil || r.Valid {
		return false
	}
	for _, c := range r.Checks {
		if c.Status == oauth.Fail && c.Name != CheckScope {
			return false
		}
	}
	return true
}

// Check returns the check with the given name and whether it is there.
func (r *Report) Check(name string) (oauth.Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return oauth.Check{}, false
}

// report is the builder the validators fill in order.
type report struct{ Report }

func (r *report) add(name string, st oauth.CheckStatus, reason string) {
	r.Checks = append(r.Checks, oauth.Check{Name: name, Status: st, Reason: reason})
}

// skipRest marks every listed check as skipped with the same reason.
func (r *report) skip(reason string, names ...string) {
	for _, n := range names {
		r.add(n, oauth.Skip, reason)
	}
}

func (r *report) find(name string) *oauth.Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

func (r *report) done() *Report {
	r.Valid = true
	r.Failure = ""
	for _, c := range r.Checks {
		if c.Status == oauth.Fail {
			r.Valid = false
			r.Failure = c.Name
			break
		}
	}
	return &r.Report
}
