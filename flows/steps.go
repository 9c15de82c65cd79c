package flows

import (
	"context"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// failed turns any error into a failed Result explained in plain words.
func failed(r Result, err error) Result {
	r.Err = oauth.Explain(err)
	return r
}

// clientConfig builds the client as the token endpoint sees it.
func clientConfig(env *Env, vars Vars) oauth.ClientConfig {
	s := env.Settings
	method := s.AuthMethod
	if method == "" && vars[varAuthMethods] != "" {
		method = oauth.ChooseAuthMethod("", strings.Fields(vars[varAuthMethods]))
	}
	cfg := oauth.ClientConfig{TokenURL: vars[VarTokenEndpoint], ClientID: s.ClientID, ClientSecret: s.ClientSecret,
		AuthMethod: method, Scopes: s.Scopes, Audience: s.Audience}
	if s.Resource != "" {
		cfg.Resource = []string{s.Resource}
	}
	return cfg
}

// varAuthMethods keeps the server's token_endpoint_auth_methods_supported
// (space-separated) so later steps choose basic or post from metadata.
const varAuthMethods = "token_endpoint_auth_methods_supported"

// ensureDiscovered runs discovery when a step needs endpoints that no
// earlier step found (a flow started in the middle, a headless command).
func ensureDiscovered(ctx context.Context, env *Env, vars Vars, r *Result) bool {
	if vars[VarTokenEndpoint] != "" {
		return true
	}
	d := runDiscovery(ctx, env)
	r.Exchanges = append(r.Exchanges, d.Exchanges...)
	if d.Err != nil {
		r.Err = d.Err
		return false
	}
	vars.Merge(d.Vars)
	if r.Vars == nil {
		r.Vars = Vars{}
	}
	r.Vars.Merge(d.Vars)
	return true
}

// inspect decodes a token and, when it is a JWT, validates it against the
// issuer's keys: the report every step that obtains a token shows.
func inspect(ctx context.Context, env *Env, vars Vars, name, raw string, secret bool) Token {
	t := Token{Name: name, Raw: raw, Secret: secret}
	jwt, err := oauth.DecodeJWT(raw)
	if err != nil {
		t.Checks = []oauth.Check{{Name: "format", Status: oauth.Skip, Reason: "opaque token (not a JWT): only the server that issued it can say what it means — ask it with introspection (RFC 7662)"}}
		return t
	}
	t.JWT = jwt
	if name == VarRefreshToken {
		return t
	}
	opts := validate.Options{Issuer: env.Settings.Issuer, JWKSURI: vars[VarJWKSURI], HTTPClient: env.HTTP, Now: env.Now, SignatureCache: -1}
	if env.Settings.Audience != "" {
		opts.Audiences = []string{env.Settings.Audience}
	}
	v, err := validate.New(ctx, opts)
	if err != nil {
		e := oauth.Explain(err)
		reason := "cannot fetch the issuer's keys, so the signature is not checked: " + e.Error()
		if e.Try != "" {
			reason += ". Try: " + e.Try
		}
		t.Checks = validate.Unverified(raw, opts, reason).Checks
		return t
	}
	defer v.Close()
	rep := v.Validate(ctx, raw)
	t.Checks = rep.Checks
	if name == VarIDToken {
		// An ID token is not an access token: its typ ("ID" at Keycloak) and
		// its lack of scope are right; CheckIDToken adds the OIDC Core
		// §3.1.3.7 checks (iss, aud = client id, exp, nonce).
		for i, c := range t.Checks {
			if c.Name == "typ" || c.Name == "scope" || c.Name == "aud" {
				t.Checks[i] = oauth.Check{Name: c.Name, Status: oauth.Skip, Reason: "access-token rule, not applied to an ID token"}
			}
		}
	}
	return t
}
