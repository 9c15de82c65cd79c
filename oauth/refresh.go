package oauth

import (
	"context"
	"net/http"
	"net/url"
)

// Refresh uses a refresh token (RFC 6749 §6) with the client's
// authentication. No scope is sent, so the new access token has the scope
// originally granted (RFC 6749 §6): asking again for the login's scopes would
// fail on servers that did not grant all of them (oidc-provider answers
// invalid_scope). RFC 8707 resources and the audience are sent, to pick the
// new token's audience. When the
// answer carries no new refresh token, the old one stays valid and is
// returned in the response, so callers can keep using TokenResponse.
func Refresh(ctx context.Context, hc *http.Client, cfg ClientConfig, refreshToken Secret) (*TokenResponse, []Exchange, error) {
	if refreshToken.IsZero() {
		return nil, nil, &Error{Op: "refresh", What: "there is no refresh token",
			Cause: "the server issued none: client credentials gets none by default (Keycloak, Okta), and Okta and many others give one only with the offline_access scope",
			Try:   "log in with the authorization code flow and ask for offline_access"}
	}
	form := url.Values{}
	form.Set("grant_type", GrantRefreshToken)
	form.Set("refresh_token", refreshToken.Reveal())
	cfg.addTargets(form, false)
	t, exs, err := RequestToken(ctx, hc, cfg, form)
	if t != nil && t.RefreshToken.IsZero() {
		t.RefreshToken = refreshToken
	}
	return t, exs, err
}
