package flows

import (
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// Names of the outputs a token response gives besides its tokens, for the
// faces that print them for scripts.
const (
	// OutExpiresIn is expires_in as the server sent it, in seconds.
	OutExpiresIn = "expires_in"
	// OutExpiresAt is when the access token expires, RFC 3339 in UTC.
	OutExpiresAt = "expires_at"
)

// CheckGrantedScope names the check of what a server granted against what
// was asked.
const CheckGrantedScope = "granted scope"

// GrantedScope compares the scope a token response grants with the scopes
// asked for, and says what the server did differently: RFC 6749 §3.3 lets
// it grant fewer, more or other scopes than requested, and then it must
// say which (§5.1). It returns no check when nothing was asked for (the
// server's default is the grant) or when the two agree; otherwise a Warn,
// not a failure: the server is within its rights, but a token without the
// scope an API needs gets 403 insufficient_scope later.
//
// An answer that names no scope grants what was asked (§5.1), unless its
// access token, an RFC 9068 JWT, says otherwise in its scope claim
// (§2.2.3): oidc-provider leaves scope out of an answer that grants none.
// openid is not missing when an ID token came back, nor offline_access
// when a refresh token did: a server may keep them (and the claims scopes
// profile, email, address, phone) out of an access token meant for an API
// (RFC 8707), as oidc-provider does.
func GrantedScope(asked []string, tok *oauth.TokenResponse) []oauth.Check {
	if len(asked) == 0 || tok == nil {
		return nil
	}
	got, from := strings.Fields(tok.Scope), "granted "
	if len(got) == 0 {
		jwt, err := oauth.DecodeJWT(tok.AccessToken)
		if err != nil || !jwt.IsAccessTokenTyp() {
			return nil
		}
		got, from = jwt.Claims.Scopes(), "the answer names no scope (as asked, RFC 6749 §5.1), but its access token grants "
	}
	var missing, elsewhere, extra []string
	for _, a := range asked {
		switch {
		case slices.Contains(got, a) || slices.Contains(missing, a) || slices.Contains(elsewhere, a):
		case a == "openid" && tok.IDToken != "", a == "offline_access" && !tok.RefreshToken.IsZero():
		case tok.IDToken != "" && slices.Contains(claimScopes, a):
			elsewhere = append(elsewhere, a)
		default:
			missing = append(missing, a)
		}
	}
	for _, g := range got {
		if !slices.Contains(asked, g) && !slices.Contains(extra, g) {
			extra = append(extra, g)
		}
	}
	if len(missing) == 0 && len(elsewhere) == 0 && len(extra) == 0 {
		return nil
	}
	grant := strings.Join(got, " ")
	if grant == "" {
		grant = "none"
	}
	var what []string
	if len(missing) > 0 {
		what = append(what, strings.Join(missing, " ")+" not granted")
	}
	if len(extra) > 0 {
		what = append(what, strings.Join(extra, " ")+" added (Keycloak adds a client's default scopes)")
	}
	if len(elsewhere) > 0 {
		what = append(what, strings.Join(elsewhere, " ")+" not in the access token (an ID token came back: these scopes release claims of the ID token or userinfo, which a server may keep out of a token for an API)")
	}
	reason := "asked for " + strings.Join(asked, " ") + ", " + from + grant + ": " + strings.Join(what, ", ") +
		". The server may grant other scopes than asked and must say so (RFC 6749 §3.3, §5.1)"
	if tok.Scope == "" {
		reason += ", which this answer did not"
	}
	if len(missing) > 0 {
		reason += "; a call that needs a scope not granted gets 403 insufficient_scope. Unknown scopes are often dropped silently: check their spelling and that the client is allowed them"
	}
	return []oauth.Check{{Name: CheckGrantedScope, Status: oauth.Warn, Reason: reason}}
}

// claimScopes are OpenID Connect's scopes that ask for claims about the
// user (OIDC Core §5.4).
var claimScopes = []string{"profile", "email", "address", "phone"}
