package oauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The client authentication methods this package speaks (RFC 8414 §2,
// token_endpoint_auth_methods_supported; RFC 7591 §2).
const (
	AuthBasic = "client_secret_basic"
	AuthPost  = "client_secret_post"
	AuthNone  = "none"
	// AuthPrivateKeyJWT signs a JWT client assertion with the client's
	// private key (RFC 7523 §2.2, OpenID Connect Core §9).
	AuthPrivateKeyJWT = "private_key_jwt"
	// AuthSecretJWT signs it with the client secret (HS256, OpenID Connect
	// Core §9): the secret itself never goes over the wire.
	AuthSecretJWT = "client_secret_jwt"
)

// ClientConfig is a client as the token, introspection and revocation
// endpoints see it.
type ClientConfig struct {
	// TokenURL is the token endpoint (RFC 6749 §3.2).
	TokenURL string
	ClientID string
	// ClientSecret is empty for a public client and for a private_key_jwt one.
	ClientSecret Secret
	// Key signs the client's assertions for private_key_jwt.
	Key *ClientKey
	// AuthMethod is client_secret_basic, client_secret_post,
	// private_key_jwt, client_secret_jwt or none ("basic", "post" and
	// "jwt" are accepted too). Empty means private_key_jwt with a Key,
	// else basic; without a secret or key it is always none (a public
	// client sends its client_id alone). One attempt is one exchange: a
	// refusal is not retried with another method, as golang.org/x/oauth2's
	// AuthStyleAutoDetect would.
	AuthMethod string
	// AssertionAudience is the aud of the JWT methods' assertions: empty
	// for the token endpoint (RFC 7523 §3; Keycloak also accepts the
	// issuer), AudienceEndpoint for the URL each request goes to (Okta
	// requires it), or a URL.
	AssertionAudience string
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
	case "jwt", "private_key", AuthPrivateKeyJWT:
		return AuthPrivateKeyJWT
	case "secret_jwt", AuthSecretJWT:
		return AuthSecretJWT
	}
	return strings.TrimSpace(m)
}

// Method returns the auth method this config uses on the wire: with a key
// and no method asked for, private_key_jwt. Without a secret basic and post
// are always none: basic or post with an empty secret would only
// turn a public client (the CLI's login, RFC 8252 §8.4) into a failed
// confidential one, e.g. when the method came from ChooseAuthMethod.
func (c ClientConfig) Method() string {
	m := normalizeAuthMethod(c.AuthMethod)
	if m == "" && c.Key != nil {
		return AuthPrivateKeyJWT
	}
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
	switch m := c.Method(); m {
	case AuthBasic, AuthPost, AuthNone:
		return nil
	case AuthPrivateKeyJWT:
		if c.Key == nil {
			return &Error{Op: op, What: "private_key_jwt needs the client's private key, and none was given",
				Cause: "the client proves who it is by signing an assertion with its private key (RFC 7523 §2.2)",
				Try:   "give --client-key FILE (PEM or JWK), or client_key_file in the profile"}
		}
		return nil
	case AuthSecretJWT:
		if c.ClientSecret.IsZero() {
			return &Error{Op: op, What: "client_secret_jwt needs the client secret, and none was given",
				Cause: "the client signs its assertion with the secret (HS256, OpenID Connect Core §9)",
				Try:   "set OAUTHLAB_CLIENT_SECRET, or use --client-secret-env VAR or --client-secret-file FILE"}
		}
		return nil
	default:
		return &Error{Op: op, What: "the client authentication method " + quote(m) + " is not supported here",
			Cause: "oauthlab speaks client_secret_basic, client_secret_post, private_key_jwt, client_secret_jwt and none (public clients)",
			Try:   "use --auth basic, post, private_key_jwt or client_secret_jwt"}
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
// in the body, or a fresh signed assertion (RFC 7523 §2.2) for each request,
// or the client id alone for a public client.
func (c ClientConfig) authenticate(req *http.Request, form url.Values) error {
	switch c.Method() {
	case AuthBasic:
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret.Reveal()))
	case AuthPost:
		form.Set("client_id", c.ClientID)
		form.Set("client_secret", c.ClientSecret.Reveal())
	case AuthPrivateKeyJWT, AuthSecretJWT:
		a, err := c.assertion(req.URL.String(), time.Now())
		if err != nil {
			return err
		}
		// client_id is optional beside an assertion (RFC 7523 §3) and
		// must then equal its sub; sending it helps servers that look
		// the client up by it.
		form.Set("client_id", c.ClientID)
		form.Set("client_assertion_type", AssertionType)
		form.Set("client_assertion", a)
	default:
		form.Set("client_id", c.ClientID)
	}
	return nil
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
	if err := cfg.authenticate(req, body); err != nil {
		return 0, nil, nil, nil, &Error{Op: op, What: "the client assertion could not be signed",
			Cause: err.Error(), Try: "check the client key (--client-key) or the client secret", Err: err}
	}
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
