package setup

import (
	"net/url"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// ParseStyle reads a --style value: the server the embedded world imitates.
func ParseStyle(s string) (authserver.Style, error) {
	switch st := authserver.Style(s); st {
	case authserver.StyleKeycloak, authserver.StyleOkta:
		return st, nil
	}
	return "", usageErrorf("--style must be keycloak or okta, got %q", s)
}

// SignInScopes are what the embedded world's sign-in client asks for: an
// ID token with the profile and email claims, a refresh token, and
// FakeBook's read scope.
func SignInScopes() []string {
	return []string{"openid", "profile", "email", "offline_access", authserver.ScopeRead}
}

// EmbeddedSettings are the demo client's settings for the embedded world,
// the client that acts for itself (client credentials, introspection): a
// token that can read FakeBook but not write it, so the first POST shows a
// 403 and what scope to ask for.
func EmbeddedSettings(w *embedded.World) flows.Settings {
	return flows.Settings{
		Issuer:         w.Issuer,
		ClientID:       authserver.DemoClientID,
		ClientSecret:   oauth.Secret(authserver.DemoClientSecret),
		Scopes:         []string{authserver.ScopeRead, authserver.ScopeTestAPI},
		CallbackPath:   "/callback",
		APIBase:        w.APIBase,
		EmbeddedIssuer: w.Issuer,
		EmbeddedAdvice: Advice(),
	}
}

// EmbeddedSignInSettings are the settings of the embedded world's public
// client, which signs a user in (authorization code + PKCE, RFC 7636): no
// secret, and the scopes of SignInScopes.
func EmbeddedSignInSettings(w *embedded.World) flows.Settings {
	s := EmbeddedSettings(w)
	s.ClientID, s.ClientSecret = authserver.NativeClientID, ""
	s.Scopes = SignInScopes()
	return s
}

// EmbeddedDeviceSettings are the settings of the embedded world's device
// client (RFC 8628): the public oauthlab-device, with SignInScopes.
func EmbeddedDeviceSettings(w *embedded.World) flows.Settings {
	s := EmbeddedSettings(w)
	s.ClientID, s.ClientSecret = authserver.DeviceClientID, ""
	s.Scopes = SignInScopes()
	return s
}

var (
	confidential = authserver.DemoClientID + ", " + authserver.ReaderClientID + " and " + authserver.IntrospectClientID
	builtIn      = "the embedded world has no admin console: its clients are built in (" + confidential +
		", each with its own fixed secret, and the public " + authserver.NativeClientID + ")"
	seeREADME = " — the README lists them under \"The embedded world\""
)

// Advice is what is true of the embedded world for the errors it answers
// in Keycloak's and Okta's shapes, in place of their admin-console advice
// (see flows.Advice).
func Advice() []flows.Advice {
	return []flows.Advice{
		// Its built-in clients authenticate with their secret, and a
		// server runs only the method a client is registered for.
		{Code: "invalid_client", Assertion: true,
			What:  "the embedded server refused the client's JWT assertion",
			Cause: builtIn + ", registered for client_secret_basic and client_secret_post only: a server accepts only the method a client is registered for, so an assertion from one of them is refused whatever its signature",
			Try:   "send the secret itself (TUI: e, auth method basic or post; headless: leave out --auth and --client-key); to try private_key_jwt or client_secret_jwt, register a client for it with oauthlab serve --clients — the README shows how under \"Signing in without a shared secret\""},
		{Code: "invalid_client", Contains: []string{"credentials", "secret", "client_id"},
			What:  "the embedded server refused the client id or secret",
			Cause: builtIn + ", and the client id or secret sent is not one of them",
			Try:   "send a built-in client's own secret" + seeREADME + "; with no secret set, the demo client " + authserver.DemoClientID + " uses its own (TUI: e edits the settings; headless: leave out OAUTHLAB_CLIENT_SECRET and --client-secret-env)"},
		{Code: "unauthorized_client", Contains: []string{"client credentials"},
			What:  "the embedded server refused the client id or secret",
			Cause: builtIn + ", and the client id or secret sent is not one of them",
			Try:   "send a built-in client's own secret" + seeREADME + "; with no secret set, the demo client " + authserver.DemoClientID + " uses its own (TUI: e edits the settings; headless: leave out OAUTHLAB_CLIENT_SECRET and --client-secret-env)"},
		{Code: "unauthorized_client", Contains: []string{"service account", "grant"},
			Cause: "in the embedded world only " + confidential + " may use client credentials; " + authserver.NativeClientID + " is the public client for the browser sign-in (code + PKCE, refresh)",
			Try:   "use " + authserver.DemoClientID + " for client credentials and " + authserver.NativeClientID + " to sign a user in"},
		{Code: flows.AdviceAudience,
			Try: "the embedded world puts its FakeBook's audience in aud — account in Keycloak's shape, api://default in Okta's (--style) — and has no console to change it: " +
				"expect that audience (TUI: e; headless: --audience), or run FakeBook alone against your own server with oauthlab serve --issuer URL --audience AUD"},
		// Okta's refusal of openid by client credentials holds for every
		// client: the built-in scopes below are not its reason.
		{Code: "invalid_scope", Contains: []string{"using client credentials"},
			Cause: "openid (and profile, email...) are about a user; a machine-to-machine token has none, whichever client asks",
			Try:   "ask only for the FakeBook scopes, e.g. --scope " + authserver.ScopeRead + "; for openid, sign a user in with " + authserver.NativeClientID + " (authorization code + PKCE)"},
		{Code: "invalid_scope",
			Cause: "the embedded clients' scopes are built in: " + authserver.DemoClientID + " may ask for " + authserver.ScopeRead + ", " +
				authserver.ScopeAdmin + " and " + authserver.ScopeTestAPI + "; " + authserver.ReaderClientID + " for " + authserver.ScopeRead +
				" only; " + authserver.NativeClientID + " for openid, profile, email, offline_access and the FakeBook scopes",
			Try: "ask only for scopes the client has, or switch to a client that has the scope"},
	}
}

// ServeAddr is where oauthlab serve listens when not told otherwise.
const ServeAddr = "127.0.0.1:8080"

// ServeIssuer is the issuer oauthlab serve has at its default address for
// a world shaped like the one whose issuer is embeddedIssuer: the same path
// (/realms/myorg, /oauth2/default) on ServeAddr.
func ServeIssuer(embeddedIssuer string) string {
	path := "/realms/myorg"
	if u, err := url.Parse(embeddedIssuer); err == nil && u.Path != "" {
		path = u.Path
	}
	return "http://" + ServeAddr + path
}

// OneShotNote is what a command that started its own embedded world says
// when it ends: the world, its keys and the tokens it signed end with it.
func OneShotNote(embeddedIssuer string) string {
	return "the embedded world at " + embeddedIssuer + " and its keys ended with this command: its tokens verify nowhere now, " +
		"and the next --embedded command starts another world with other keys. To keep one: run oauthlab serve " +
		"(it listens on " + ServeAddr + "), then pass --issuer " + ServeIssuer(embeddedIssuer) + " to every command"
}
