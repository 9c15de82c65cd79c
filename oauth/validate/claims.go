package validate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

func str(claims map[string]any, name string) string { return oauth.Claims(claims).String(name) }

// clientID finds who the token was issued to: client_id (RFC 9068 §2.2),
// azp (Keycloak, OIDC), cid (Okta), appid/azp (Entra).
func clientID(claims map[string]any) string {
	for _, n := range []string{"client_id", "azp", "cid", "appid"} {
		if s := str(claims, n); s != "" {
			return s
		}
	}
	return ""
}

// claimRules are what the claims are checked against.
type claimRules struct {
	issuer    string
	audiences []string
	leeway    time.Duration
	now       time.Time
	required  []string
}

// checkClaims adds exp, nbf, iat, iss, aud and scope to r (RFC 7519 §4.1,
// RFC 9068 §4), and fills the report's summary fields.
func checkClaims(r *report, c map[string]any, rules claimRules) {
	now, leeway := rules.now, rules.leeway
	r.Scopes = oauth.Claims(c).Scopes()
	r.Subject = str(c, "sub")
	r.ClientID = clientID(c)

	if exp, ok := oauth.Claims(c).Time("exp"); ok {
		r.Expiry = exp
	}
	r.Checks = append(r.Checks, TimeChecks(c, now, leeway)...)

	checkIss(r, c, rules.issuer)
	checkAud(r, c, rules.audiences)
	checkScope(r, rules.required)
}

func checkIss(r *report, c map[string]any, want string) {
	got, present := c["iss"]
	s, isStr := got.(string)
	switch {
	case !present:
		r.add(CheckIss, oauth.Fail, "the token has no iss, so nothing says who issued it; expected "+want)
	case !isStr:
		r.add(CheckIss, oauth.Fail, "iss is "+oauth.DescribeJSON(got)+", not a string")
	case want == "":
		r.add(CheckIss, oauth.Warn, "iss is "+s+"; no issuer configured to compare with")
	case s == want:
		r.add(CheckIss, oauth.Pass, "iss is "+s)
	case strings.TrimRight(s, "/") == strings.TrimRight(want, "/"):
		r.add(CheckIss, oauth.Fail, fmt.Sprintf("iss is %s, expected %s: they differ only by a trailing slash, and issuers compare exactly (RFC 9068 §4)", s, want))
	default:
		r.add(CheckIss, oauth.Fail, fmt.Sprintf("iss is %s, expected %s", s, want))
	}
}

func checkAud(r *report, c map[string]any, want []string) {
	got := oauth.Claims(c).Audiences()
	shown := strings.Join(got, ", ")
	if len(want) == 0 {
		if len(got) == 0 {
			r.add(CheckAud, oauth.Warn, "the token has no aud and no audience is configured: any API would accept it")
		} else {
			r.add(CheckAud, oauth.Warn, "aud is "+shown+"; not checked, since no audience is configured")
		}
		return
	}
	expected := strings.Join(want, " or ")
	if len(got) == 0 {
		r.add(CheckAud, oauth.Fail, "the token has no aud, expected "+expected)
		return
	}
	for _, a := range got {
		if slices.Contains(want, a) {
			r.add(CheckAud, oauth.Pass, "aud is "+shown)
			return
		}
	}
	r.add(CheckAud, oauth.Fail, fmt.Sprintf("aud is %s, expected %s", shown, expected))
}

func checkScope(r *report, required []string) {
	have := strings.Join(r.Scopes, " ")
	if have == "" {
		have = "none"
	}
	if len(required) == 0 {
		r.add(CheckScope, oauth.Skip, "no scope required here; the token grants: "+have)
		return
	}
	var missing []string
	for _, s := range required {
		if !slices.Contains(r.Scopes, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		r.add(CheckScope, oauth.Fail, fmt.Sprintf("missing %s; the token grants: %s", strings.Join(missing, " "), have))
		return
	}
	r.add(CheckScope, oauth.Pass, "has "+strings.Join(required, " "))
}

// checkTyp reports the token type (RFC 9068 §2.1 "at+jwt"). A plain "JWT",
// as Keycloak and Okta send, is accepted with a warning; a Keycloak ID or
// refresh token is refused, because it is not an access token.
func checkTyp(r *report, header, claims map[string]any) {
	typ, _ := header["typ"].(string)
	if kc := str(claims, "typ"); kc == "ID" || kc == "Refresh" || kc == "Logout" {
		r.add(CheckTyp, oauth.Fail, fmt.Sprintf("the payload says typ %q: this is a Keycloak %s token, not an access token", kc, strings.ToLower(kc)))
		return
	}
	switch strings.ToLower(strings.TrimPrefix(strings.ToLower(typ), "application/")) {
	case "at+jwt":
		r.add(CheckTyp, oauth.Pass, "typ is "+typ+": a JWT access token as RFC 9068 §2.1 defines")
	case "", "jwt":
		shown := "absent"
		if typ != "" {
			shown = typ
		}
		r.add(CheckTyp, oauth.Warn, "typ is "+shown+", not at+jwt: a plain JWT (Keycloak and Okta send these); accepted")
	default:
		r.add(CheckTyp, oauth.Fail, "typ is "+typ+": not an access token (RFC 9068 expects at+jwt)")
	}
}
