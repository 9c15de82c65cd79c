package oauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// The client authentication methods this package speaks (RFC 8414 §2,
// token_endpoint_auth_methods_supported; RFC 7591 §2).
const (
	AuthBasic = "client_secret_basic"
	AuthPost  = "client_secret_post"
	AuthNone  = "none"
)

// ClientConfig is a client as the token, introspection and revocation
// endpoints see it.
type ClientConfig struct {
	// TokenURL is the token endpoint (RFC 6749 §3.2).
	TokenURL string
	ClientID string
	// ClientSecret is empty for a public client.
	ClientSecret Secret
	// AuthMethod is client_secret_basic, client_secret_post or none
	// ("basic" and "post" are accepted too). Empty means basic; without a
	// secret it is always none (a public client sends its client_id
	// alone). One attempt is one exchange: a refusal is not retried with
	// the other method, as golang.org/x/oauth2's AuthStyleAutoDetect would.
	AuthMethod string
	// Scopes are sent space-separated as scope (RFC 6749 §3.3).
	Scopes []string
	// Audience is sent as audience, which Auth0-style and some Keycloak
	// setups read; empty sends nothing.
	Audience string
	// Resource lists RFC 8707 resource indicators, each sent as its own
	// resource parameter.
	Resource []string
}

// normalizeAuthMethod maps the short names to the registered ones.
func normalizeAuthMethod(m string) string {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "basic", AuthBasic:
		return AuthBasic
	case "post", AuthPost:
		return AuthPost
	case "none", "public":
		return AuthNone
	}
	return strings.TrimSpace(m)
}

// method returns the auth method this config uses on the wire. Without a
// secret it is always none: basic or post with an empty secret would only
// turn a public client (the CLI's login, RFC 8252 §8.4) into a failed
// confidential one, e.g. when the method came from ChooseAuthMethod.
func (c ClientConfig) method() string {
	m := normalizeAuthMethod(c.AuthMethod)
	if c.ClientSecret.IsZero() && (m == "" || m == AuthBasic || m == AuthPost) {
		return AuthNone
	}
	if m == "" {
		return AuthBasic
	}
	return m
}

// checkMethod refuses an auth method this package cannot speak, rather than
// sending something the user did not ask for.
func (c ClientConfig) checkMethod(op string) *Error {
	switch m := c.method(); m {
	case AuthBasic, AuthPost, AuthNone:
		return nil
	default:
		return &Error{Op: op, What: "the client authentication method " + quote(m) + " is not supported here",
			Cause: "oauthlab speaks client_secret_basic, client_secret_post and none (public clients)",
			Try:   "use --auth basic or --auth post, and give the client a secret on the server"}
	}
}

// ChooseAuthMethod picks the client authentication method. A method the user
// asked for wins ("basic" and "post" are accepted for the registered names);
// otherwise the first of client_secret_basic, client_secret_post the server
// advertises; with no list at all, client_secret_basic, the default RFC 8414
// §2 gives.
func ChooseAuthMethod(requested string, supported []string) string {
	if m := normalizeAuthMethod(requested); m != "" {
		return m
	}
	for _, want := range []string{AuthBasic, AuthPost} {
		for _, s := range supported {
			if s == want {
				return want
			}
		}
	}
	return AuthBasic
}

// authenticate adds client authentication to a form request (RFC 6749
// §2.3.1): HTTP Basic with the id and secret form-urlencoded first, or both
// in the body, or the client id alone for a public client.
func (c ClientConfig) authenticate(req *http.Request, form url.Values) {
	switch c.method() {
	case AuthBasic:
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret.Reveal()))
	case AuthPost:
		form.Set("client_id", c.ClientID)
		form.Set("client_secret", c.ClientSecret.Reveal())
	default:
		form.Set("client_id", c.ClientID)
	}
}

// addTargets adds scope, audience and RFC 8707 resource parameters.
func (c ClientConfig) addTargets(form url.Values, withScope bool) {
	if withScope && len(c.Scopes) > 0 {
		form.Set("scope", strings.Join(c.Scopes, " "))
	}
	if c.Audience != "" {
		form.Set("audience", c.Audience)
	}
	for _, r := range c.Resource {
		form.Add("resource", r)
	}
}

// postForm POSTs an authenticated form to endpoint and returns the status,
// headers and body, and the exchanges it made. Transport failures come back
// as *Error.
func postForm(ctx context.Context, hc *http.Client, op, endpoint string, cfg ClientConfig, form url.Values) (int, http.Header, []byte, []Exchange, error) {
	if endpoint == "" {
		return 0, nil, nil, nil, &Error{Op: op, What: "no endpoint URL is set for " + op,
			Cause: "the server's discovery document does not list it, or it was not configured",
			Try:   "run discovery first, or give the endpoint URL"}
	}
	if e := checkURL(op, endpoint); e != nil {
		return 0, nil, nil, nil, e
	}
	if e := cfg.checkMethod(op); e != nil {
		return 0, nil, nil, nil, e
	}
	body := url.Values{}
	for k, v := range form {
		body[k] = append([]string(nil), v...)
	}
	req, err := http.NewRequestWithContext(ctxOrBackground(ctx), http.MethodPost, endpoint, nil)
	if err != nil {
		return 0, nil, nil, nil, badURL(op, endpoint, err)
	}
	cfg.authenticate(req, body)
	setBody(req, body.Encode())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return send(hc, op, req)
}

// postToken POSTs a token (and its type hint) to an endpoint that takes
// one, as cfg's client: introspection (RFC 7662 §2.1) and revocation
// (RFC 7009 §2.1), op "introspect" and "revoke".
func postToken(ctx context.Context, hc *http.Client, op, endpoint string, cfg ClientConfig, token, hint string) (int, http.Header, []byte, []Exchange, error) {
	if token == "" {
		return 0, nil, nil, nil, &Error{Op: op, What: "there is no token to " + op,
			Cause: "no token was obtained or pasted yet", Try: "get a token first"}
	}
	form := url.Values{}
	form.Set("token", token)
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	return postForm(ctx, hc, op, endpoint, cfg, form)
}
