package flows

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// failed turns any error into a failed Result explained in plain words,
// true of the server the step ran against (explain).
func failed(env *Env, r Result, err error) Result {
	r.Err = explain(env, err)
	return r
}

// set records vars as the step's new or changed vars.
func (r *Result) set(vars Vars) {
	if r.Vars == nil {
		r.Vars = Vars{}
	}
	r.Vars.Merge(vars)
}

// clientConfig builds the client as the token endpoint sees it.
func clientConfig(env *Env, vars Vars) oauth.ClientConfig {
	s := env.Settings
	method := s.AuthMethod
	if method == "" && s.ClientKey == nil && vars[varAuthMethods] != "" {
		// With a key and no method asked for, oauth picks private_key_jwt.
		method = oauth.ChooseAuthMethod("", strings.Fields(vars[varAuthMethods]))
	}
	cfg := oauth.ClientConfig{TokenURL: vars[VarTokenEndpoint], ClientID: s.ClientID, ClientSecret: s.ClientSecret, Key: s.ClientKey,
		AuthMethod: method, AssertionAudience: s.AssertionAudience, Scopes: s.Scopes, Audience: s.Audience}
	if s.Resource != "" {
		cfg.Resource = []string{s.Resource}
	}
	return cfg
}

// adviseJWTAuth adds to an invalid_client answer to a secret sent as basic
// or post that the server also takes JWT client authentication, when its
// metadata says so: a client registered for client_secret_jwt or
// private_key_jwt is refused either way (RFC 7523 §2.2, OIDC Core §9).
func adviseJWTAuth(err error, cfg oauth.ClientConfig, supported string) {
	var e *oauth.Error
	if !errors.As(err, &e) || !errors.Is(err, oauth.ErrInvalidClient) {
		return
	}
	// Who gave a key (sending basic or post all the same) knows private_key_jwt.
	if m := cfg.Method(); cfg.Key != nil || m != oauth.AuthBasic && m != oauth.AuthPost {
		return
	}
	var jwt []string
	for _, m := range strings.Fields(supported) {
		if m == oauth.AuthSecretJWT || m == oauth.AuthPrivateKeyJWT {
			jwt = append(jwt, m)
		}
	}
	if len(jwt) == 0 {
		return
	}
	e.Try += "; this server also takes " + strings.Join(jwt, " and ") +
		": a client registered for one refuses a secret sent as basic or post (--auth client_secret_jwt signs with the secret; --client-key FILE for private_key_jwt)"
}

// varAuthMethods keeps the server's token_endpoint_auth_methods_supported
// (space-separated) so later steps choose basic or post from metadata.
const varAuthMethods = "token_endpoint_auth_methods_supported"

// needs opens a step that goes on from an earlier one: without vars[key]
// it fails r with missing (what the step lacks, and which step gives it),
// and otherwise runs discovery if no step has (ensureDiscovered). It
// reports whether the step may go on.
func needs(ctx context.Context, env *Env, vars Vars, r *Result, key string, missing *oauth.Error) bool {
	if vars[key] == "" {
		*r = failed(env, *r, missing)
		return false
	}
	return ensureDiscovered(ctx, env, vars, r)
}

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
	r.set(d.Vars)
	return true
}

// keysTimeout bounds fetching an issuer's metadata and keys to check a token.
const keysTimeout = 15 * time.Second

// inspect decodes a token and, when it is a JWT, validates it against the
// issuer's keys: the report every step that obtains a token shows. The keys
// come from env.Keys (fetched once per issuer and flow); a fetch this token
// caused is appended to r's exchanges.
func inspect(ctx context.Context, env *Env, vars Vars, r *Result, name, raw string, secret bool) Token {
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
	opts := validate.Options{Issuer: env.Settings.issuer(), JWKSURI: vars[VarJWKSURI], Now: env.Now, SignatureCache: -1}
	if env.Settings.Audience != "" && name != VarIDToken {
		opts.Audiences = []string{env.Settings.Audience}
	}
	if opts.Issuer == "" {
		t.Checks = validate.Unverified(raw, opts, "no issuer to fetch keys from: none was given and the token names none (no iss)").Checks
		return t
	}
	keys := env.Keys
	if keys == nil {
		keys = NewKeys()
		defer keys.Close()
	}
	// The issuer's answers are bounded in time: a token may name any server.
	ctx, cancel := context.WithTimeout(ctx, keysTimeout)
	defer cancel()
	v, ex, err := keys.validator(ctx, env.HTTP, opts)
	r.Exchanges = append(r.Exchanges, ex...)
	if err != nil {
		e := oauth.Explain(err)
		reason := "cannot fetch the issuer's keys, so the signature is not checked: " + e.Error()
		if e.Try != "" {
			reason += ". Try: " + e.Try
		}
		t.Checks = validate.Unverified(raw, opts, reason).Checks
		return t
	}
	t.Checks = v.Validate(ctx, raw).Checks
	t.KeysFrom = v.JWKSURI()
	if name != VarIDToken {
		adviseAudience(env.Settings, t.Checks)
	}
	r.Exchanges = append(r.Exchanges, keys.take()...)
	return t
}

func inspectIDToken(ctx context.Context, env *Env, vars Vars, r *Result, raw, accessToken, nonce string) Token {
	t := inspect(ctx, env, vars, r, VarIDToken, raw, false)
	if t.JWT == nil {
		t.Checks = []oauth.Check{{Name: "format", Status: oauth.Fail, Reason: "an ID token must be a signed JWT (OIDC Core §2), and this one is not"}}
		return t
	}
	oidc := oauth.CheckIDToken(raw, env.Settings.issuer(), env.Settings.ClientID, nonce, env.Clock())
	t.Checks = mergeIDTokenChecks(t.Checks, oidc)
	if accessToken != "" {
		t.Checks = append(t.Checks, oauth.CheckAtHash(raw, accessToken))
	}
	return t
}

// mergeIDTokenChecks joins the JWT checks and the ID-token checks into one
// list in the JWT checks' order. Where both checked the same thing (format,
// alg, iss, exp, iat) the worse outcome stays; where the ID-token rule is
// the one that applies (aud, typ) it replaces the access-token rule; the
// access-token scope rule is dropped, and the ID-token "signature: not
// checked here" too, since the signature was checked.
func mergeIDTokenChecks(jwt, oidc []oauth.Check) []oauth.Check {
	byName := map[string]oauth.Check{}
	for _, c := range oidc {
		byName[c.Name] = c
	}
	used := map[string]bool{"signature": true}
	out := make([]oauth.Check, 0, len(jwt)+len(oidc))
	for _, c := range jwt {
		o, both := byName[c.Name]
		switch {
		case c.Name == validate.CheckScope:
			continue
		case both && (c.Name == validate.CheckAud || c.Name == validate.CheckTyp):
			out = append(out, o)
		case both && c.Name != "signature" && worse(o.Status, c.Status):
			out = append(out, o)
		default:
			out = append(out, c)
		}
		used[c.Name] = true
		if c.Name == validate.CheckAud {
			if azp, ok := byName["azp"]; ok {
				out = append(out, azp)
				used["azp"] = true
			}
		}
	}
	for _, c := range oidc {
		if !used[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// worse reports whether a is a worse outcome than b: fail, warn, pass, skip.
func worse(a, b oauth.CheckStatus) bool {
	rank := map[oauth.CheckStatus]int{oauth.Skip: 0, oauth.Pass: 1, oauth.Warn: 2, oauth.Fail: 3}
	return rank[a] > rank[b]
}
