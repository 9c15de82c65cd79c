package flows

import (
	"net/http"

	"github.com/oauthlab/oauthlab/oauth"
)

// CheckIDTokenLike names the warning that a token given as an access token
// looks like an ID token.
const CheckIDTokenLike = "id token"

// looksLikeIDToken reports whether raw, given as an access token, is most
// likely an ID token: it carries a nonce (OIDC Core §2), which an access
// token has no use for, and no scope, and its header does not say at+jwt
// (RFC 9068 §2.1). Keycloak's ID tokens say so themselves (typ "ID"), and
// the typ check refuses them.
func looksLikeIDToken(raw string) bool {
	jwt, err := oauth.DecodeJWT(raw)
	return err == nil && idTokenLike(jwt)
}

// idTokenLike is looksLikeIDToken of a decoded token.
func idTokenLike(jwt *oauth.JWT) bool {
	_, nonce := jwt.Claims["nonce"]
	return nonce && len(jwt.Claims.Scopes()) == 0 && !jwt.IsAccessTokenTyp()
}

const idTokenNotAccess = "it tells the client who signed in (OIDC Core §2), and an API should not take it as an access token; " +
	"send the access token of the same sign-in (oauthlab login --field access_token)"

// idTokenCheck warns that a token given as an access token looks like an
// ID token; nil otherwise, and for an opaque token (jwt nil).
func idTokenCheck(jwt *oauth.JWT) []oauth.Check {
	if jwt == nil || !idTokenLike(jwt) {
		return nil
	}
	return []oauth.Check{{Name: CheckIDTokenLike, Status: oauth.Warn, Reason: "this looks like an ID token (it has a nonce and no scope): " + idTokenNotAccess}}
}

// explainIDToken names an ID token sent as the access token as the likely
// cause of an API's refusal (401, 403).
func explainIDToken(e *oauth.Error, status int, raw string) {
	if (status == http.StatusUnauthorized || status == http.StatusForbidden) && looksLikeIDToken(raw) {
		e.Cause = "the token sent looks like an ID token (it has a nonce and no scope): " + idTokenNotAccess + ". Otherwise: " + e.Cause
	}
}
