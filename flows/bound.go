package flows

import (
	"net/http"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// CheckBound names the check of a token bound to a key its holder must
// prove it has (cnf, RFC 7800 §3.1).
const CheckBound = "cnf"

// boundTo reads a token's binding: a DPoP key (cnf.jkt, RFC 9449 §6.1) or
// a TLS client certificate (cnf.x5t#S256, RFC 8705 §3.1); ok is false for a
// bearer token or one that is not a JWT.
func boundTo(raw string) (b oauth.Binding, ok bool) {
	jwt, err := oauth.DecodeJWT(raw)
	if err != nil {
		return b, false
	}
	return oauth.BindingOf(jwt.Claims)
}

// boundCheck is a warning for a sender-constrained token: it is valid, but
// not as a bearer token, which is how oauthlab call and most curl lines
// send it. Nil for a bearer token, and for an opaque one (jwt nil).
func boundCheck(jwt *oauth.JWT) []oauth.Check {
	if jwt == nil {
		return nil
	}
	b, ok := oauth.BindingOf(jwt.Claims)
	if !ok {
		return nil
	}
	return []oauth.Check{{Name: CheckBound, Status: oauth.Warn, Reason: "sender-constrained: the token is bound to " + b.To() +
		", not a bearer token. An API that checks the binding accepts it only " + b.Proof() +
		", and refuses it sent as Authorization: Bearer, as oauthlab call sends it"}}
}

// explainBound adds to an API's refusal (401) of a sender-constrained token
// sent as a bearer token that the binding may be why; and to its 2xx that it
// did not check the binding.
func explainBound(r *Result, e *oauth.Error, status int, raw string) {
	b, ok := boundTo(raw)
	switch {
	case !ok:
	case e != nil && status == http.StatusUnauthorized && e.Code == "invalid_token" && strings.Contains(e.Description, "bearer tokens only"):
		// The API said so itself (FakeBook), and the explanation says why.
	case e != nil && status == http.StatusUnauthorized:
		e.Cause = "the token is bound to " + b.To() + " and was sent as a bearer token: an API that checks the binding refuses it so. Otherwise: " + e.Cause
		e.Try = "send it " + b.Proof() + ", which oauthlab call cannot do; or get a bearer token (a token request without DPoP; oauthlab call without --token fetches one). Otherwise: " + e.Try
	case e == nil && status < 300:
		r.Checks = append(r.Checks, oauth.Check{Name: CheckBound, Status: oauth.Warn, Reason: "the API served a token bound to " + b.To() +
			" sent as a bearer token: if the route needs a token, the API does not check the binding, and a copy of the token works there without the key"})
	}
}
