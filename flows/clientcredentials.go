package flows

import (
	"context"
	"strconv"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// ClientCredentials is the machine-to-machine flow (RFC 6749 §4.4).
func ClientCredentials() Flow {
	return Flow{ID: "client-credentials", Title: "Client credentials",
		Summary: "A service gets a token for itself with its client id and secret — no user involved.",
		Steps:   []Step{discoveryStep(), clientCredentialsStep()}}
}

func clientCredentialsStep() Step {
	return Step{
		ID:    "token",
		Title: "Request a token (client credentials)",
		Why: "The client authenticates with its id and secret — in an HTTP Basic header (client_secret_basic) " +
			"or in the form body (client_secret_post), RFC 6749 §2.3.1 — and asks for scopes. No user is involved, " +
			"so the token stands for the client itself (RFC 6749 §4.4.2). The server answers with a bearer token " +
			"and how long it lives (§5.1).",
		RFC:    "RFC 6749 §4.4",
		Effect: RequestsScopes,
		From:   Client,
		To:     AuthServer,
		Inputs: []string{"client_id", "client_secret", "auth_method", "scopes", "audience", "resource"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !ensureDiscovered(ctx, env, vars, &r) {
				return r
			}
			cfg := clientConfig(env, vars)
			tok, ex, err := oauth.ClientCredentials(ctx, env.HTTP, cfg)
			authenticated(&r, ex)
			if err != nil {
				r = failed(env, r, err)
				adviseJWTAuth(r.Err, cfg, vars[varAuthMethods])
				return r
			}
			// The token request sends no nonce: an earlier login's, kept in
			// the session, is not this ID token's to match.
			r = tokenResult(ctx, env, vars, r, tok, "")
			r.Checks = append(r.Checks, GrantedScope(env.Settings.Scopes, tok)...)
			return r
		},
	}
}

// tokenResult records a token response's tokens as vars, outputs and
// inspected tokens. A token that fails a check fails the step
// (Result.Failed): a forged, expired or foreign token was not obtained.
// nonce is the one the step's own request sent, "" when it sent none: the
// ID token is checked against it, never against a nonce an earlier login
// left in the session's vars.
func tokenResult(ctx context.Context, env *Env, vars Vars, r Result, tok *oauth.TokenResponse, nonce string) Result {
	r.set(Vars{VarAccessToken: tok.AccessToken, VarTokenClientID: env.Settings.ClientID})
	r.Outputs = append(r.Outputs, Output{Name: "token_type", Value: tok.TokenType}, Output{Name: "scope", Value: tok.Scope})
	if tok.ExpiresIn > 0 {
		r.Outputs = append(r.Outputs, Output{Name: OutExpiresIn, Value: strconv.FormatInt(tok.ExpiresIn, 10)})
	}
	if !tok.Expiry.IsZero() {
		// expires is for people (the date only when it is not today);
		// expires_at for scripts, RFC 3339 in UTC.
		r.Outputs = append(r.Outputs, TimeOutput("expires", tok.Expiry, env.Clock()),
			Output{Name: OutExpiresAt, Value: tok.Expiry.UTC().Format(time.RFC3339)})
	}
	r.Tokens = append(r.Tokens, inspect(ctx, env, vars, &r, VarAccessToken, tok.AccessToken, false))
	if !tok.RefreshToken.IsZero() {
		r.Vars[VarRefreshToken] = tok.RefreshToken.Reveal()
		r.Vars[VarRefreshClientID] = env.Settings.ClientID
		r.Outputs = append(r.Outputs, Output{Name: "refresh_token", Value: tok.RefreshToken.Reveal(), Secret: true})
	}
	if tok.IDToken != "" {
		r.Vars[VarIDToken] = tok.IDToken
		r.Tokens = append(r.Tokens, inspectIDToken(ctx, env, vars, &r, tok.IDToken, tok.AccessToken, nonce))
	}
	return r
}
