package flows

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// authenticated records the exchanges of a request that authenticated the
// client and, when it did so with a JWT assertion (private_key_jwt,
// client_secret_jwt), shows the assertion decoded: its header and each
// claim with what it is for (RFC 7523 §3, OpenID Connect Core §9). The
// assertion itself is an output marked secret: for its 60 s it stands for
// the client.
func authenticated(r *Result, exs []oauth.Exchange) {
	r.Exchanges = append(r.Exchanges, exs...)
	r.Outputs = append(r.Outputs, AssertionOutputs(exs)...)
}

// AssertionOutputs explains the client assertion the last of exs carried,
// none when it carried none. exs must be raw exchanges: Redacted ones hide
// the assertion.
func AssertionOutputs(exs []oauth.Exchange) []Output {
	var a *oauth.JWT
	for i := len(exs) - 1; i >= 0 && a == nil; i-- {
		a = oauth.ClientAssertion(exs[i])
	}
	if a == nil {
		return nil
	}
	str := func(name string) string {
		switch v := a.Claims[name].(type) {
		case string:
			return v
		case nil:
			return "(none)"
		default:
			b, _ := json.Marshal(v)
			return string(b)
		}
	}
	alg, _ := a.Header["alg"].(string)
	how := "signed with the client's private key: the server checks it with the public key registered for the client (private_key_jwt)"
	if strings.HasPrefix(alg, "HS") {
		how = "an HMAC keyed with the client secret: the secret proves the client without going over the wire (client_secret_jwt)"
	}
	out := []Output{
		{Name: "client_assertion", Value: a.Raw, Secret: true},
		{Name: "assertion header", Value: string(a.HeaderJSON) + " — " + alg + ", " + how},
		{Name: "assertion iss", Value: str("iss") + " — the client id: the client vouches for itself"},
		{Name: "assertion sub", Value: str("sub") + " — the client id again: iss = sub is what makes it a client authentication (RFC 7523 §3); the server finds the client by it"},
		{Name: "assertion aud", Value: str("aud") + " — the server it is for: another server must refuse it (Keycloak takes its issuer or token endpoint; Okta only the URL called)"},
		{Name: "assertion jti", Value: str("jti") + " — unique per request: the server remembers it and refuses the same assertion twice (replay)"},
	}
	exp, okExp := a.Claims.Time("exp")
	iat, okIat := a.Claims.Time("iat")
	if okExp {
		life := ""
		if okIat {
			life = fmt.Sprintf(" (%d s after iat)", exp.Sub(iat)/time.Second)
		}
		out = append(out, Output{Name: "assertion exp", Value: exp.Local().Format("15:04:05") + life +
			" — short-lived: a copy is useless a minute later (Keycloak refuses one issued over 60 s ago)"})
	}
	return out
}
