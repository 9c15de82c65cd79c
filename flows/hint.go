package flows

import (
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// VarTokenTypeHint, when set, is the token_type_hint introspection sends
// (RFC 7662 §2.1): "access_token" or "refresh_token", as the user said
// (oauthlab introspect --hint).
const VarTokenTypeHint = "token_type_hint"

// TokenTypeHint is the token_type_hint to send with the token in
// vars[VarAccessToken], and why. The rule, in order:
//
//  1. the hint the user gave (VarTokenTypeHint);
//  2. a token a step of this session obtained as the access token
//     (VarTokenClientID is set with it): access_token;
//  3. its shape: a JWT whose typ claim is Refresh or Offline (Keycloak's
//     refresh and offline tokens) is a refresh_token; any other JWT is an
//     access_token (ID tokens are not introspected);
//  4. an opaque token (Okta's and oidc-provider's refresh tokens, reference
//     access tokens) gets no hint: the hint only speeds up the server's
//     search, which covers every kind of token without it (§2.1), while a
//     wrong hint may make a server that does not search further say
//     inactive.
func TokenTypeHint(vars Vars) (hint, why string) {
	switch h := vars[VarTokenTypeHint]; h {
	case "access_token", "refresh_token":
		return h, "as given"
	}
	if vars[VarTokenClientID] != "" {
		return "access_token", "the access token this session obtained"
	}
	jwt, err := oauth.DecodeJWT(strings.TrimSpace(vars[VarAccessToken]))
	if err != nil {
		return "", "an opaque token could be either kind, and the server searches all of them without a hint (RFC 7662 §2.1); --hint names it"
	}
	if typ, _ := jwt.Claims["typ"].(string); strings.EqualFold(typ, "Refresh") || strings.EqualFold(typ, "Offline") {
		return "refresh_token", "the JWT's typ claim is " + typ + ", a Keycloak refresh token"
	}
	return "access_token", "a JWT without a refresh typ claim"
}
