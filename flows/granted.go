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
// say which (§5.1). It returns no check when the answer names no scope
// (the grant is then the request, §5.1), when nothing was asked for (the
// server's default is the grant), or when the two agree; otherwise a Warn,
// not a failure: the server is within its rights, but a token without the
// scope an API needs gets 403 insufficient_scope later.
//
// The scope member names the access token's scope (§5.1), which some
// servers (oidc-provider) keep to the API's: came lists the other tokens
// the response carries ("id_token", "refresh_token"), and a scope they
// answer is not called not granted — openid, when an ID token came back
// (OIDC Core §3.1.3.3), offline_access when a refresh token did.
func GrantedScope(asked []string, granted string, came ...string) []oauth.Check {
	got := strings.Fields(granted)
	if len(got) == 0 || len(asked) == 0 {
		return nil
	}
	answered := map[string]string{"openid": "id_token", "offline_access": "refresh_token"}
	var missing, extra []string
	for _, a := range asked {
		if tok, ok := answered[a]; ok && slices.Contains(came, tok) {
			continue
		}
		if !slices.Contains(got, a) && !slices.Contains(missing, a) {
			missing = append(missing, a)
		}
	}
	for _, g := range got {
		if !slices.Contains(asked, g) && !slices.Contains(extra, g) {
			extra = append(extra, g)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	reason := "asked for " + strings.Join(asked, " ") + ", granted " + strings.Join(got, " ")
	switch {
	case len(missing) > 0 && len(extra) > 0:
		reason += ": " + strings.Join(missing, " ") + " not granted, " + strings.Join(extra, " ") + " added"
	case len(missing) > 0:
		reason += ": " + strings.Join(missing, " ") + " not granted"
	default:
		reason += ": " + strings.Join(extra, " ") + " added (Keycloak adds a client's default scopes)"
	}
	reason += ". The server may grant other scopes than asked and must say so (RFC 6749 §3.3, §5.1)"
	if len(missing) > 0 {
		reason += "; a call that needs a scope not granted gets 403 insufficient_scope. Unknown scopes are often dropped silently: check their spelling and that the client is allowed them"
	}
	return []oauth.Check{{Name: CheckGrantedScope, Status: oauth.Warn, Reason: reason}}
}

// otherTokens names the tokens a token response carries besides the
// access token, for GrantedScope.
func otherTokens(tok *oauth.TokenResponse) []string {
	var came []string
	if tok.IDToken != "" {
		came = append(came, VarIDToken)
	}
	if !tok.RefreshToken.IsZero() {
		came = append(came, VarRefreshToken)
	}
	return came
}
