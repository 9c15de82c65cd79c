package flows

import (
	"context"
	"fmt"

	"github.com/oauthlab/oauthlab/oauth"
)

// Refresh swaps a refresh token for new tokens (RFC 6749 §6).
func Refresh() Flow {
	return Flow{ID: "refresh", Title: "Refresh",
		Summary: "Trade the refresh token for a fresh access token; the old refresh token may stop working (rotation).",
		Steps: []Step{{
			ID: "refresh", Title: "Use the refresh token",
			Why: "An access token is short-lived on purpose. The refresh token, a long-lived credential kept by the " +
				"client only, buys a new one without the user (RFC 6749 §6). Servers rotate it: the answer carries a " +
				"new refresh token and the old one stops working (RFC 9700 §4.14.2), so a stolen copy is detected.",
			RFC: "RFC 6749 §6", From: Client, To: AuthServer, Inputs: []string{"refresh_token"},
			Run: func(ctx context.Context, env *Env, vars Vars) Result {
				var r Result
				if vars[VarRefreshToken] == "" {
					return failed(env, r, &oauth.Error{Op: "refresh", What: "no refresh token yet",
						Cause: "client credentials tokens come without one (Keycloak and Okta default)", Try: "run the authorization code flow first (Okta: ask for offline_access)"})
				}
				if !ensureDiscovered(ctx, env, vars, &r) {
					return r
				}
				tok, ex, err := oauth.Refresh(ctx, env.HTTP, clientConfig(env, vars), oauth.Secret(vars[VarRefreshToken]))
				r.Exchanges = append(r.Exchanges, ex...)
				if err != nil {
					return failed(env, r, err)
				}
				rotated := !tok.RefreshToken.IsZero() && tok.RefreshToken.Reveal() != vars[VarRefreshToken]
				r.Checks = append(r.Checks, oauth.Check{Name: "rotation", Status: map[bool]oauth.CheckStatus{true: oauth.Pass, false: oauth.Warn}[rotated],
					Reason: map[bool]string{true: "a new refresh token came back: the old one should now be refused", false: "the same refresh token is still in use (no rotation)"}[rotated]})
				// A refreshed ID token answers no login, so there is no
				// nonce to compare it with (OIDC Core §12.2).
				return tokenResult(ctx, env, vars.without(varNonce), r, tok)
			},
		}}}
}

// Introspect asks the server whether a token is active (RFC 7662).
func Introspect() Flow {
	return Flow{ID: "introspect", Title: "Introspect",
		Summary: "Ask the authorization server whether the token is still active, and what it grants.",
		Steps:   []Step{introspectStep()}}
}

func introspectStep() Step {
	return Step{
		ID: "introspect", Title: "Introspect the token",
		Why: "A resource server that cannot (or will not) check a token itself asks the authorization server, " +
			"authenticating as a client (RFC 7662 §2.1). The answer is {\"active\":false} for any token that is " +
			"expired, revoked or unknown — the server says nothing more (§2.2) — or the token's scope, client and expiry.",
		RFC: "RFC 7662 §2", From: ResourceServer, To: AuthServer, Inputs: []string{"access_token", "client_id", "client_secret"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !ensureDiscovered(ctx, env, vars, &r) {
				return r
			}
			tok := vars[VarAccessToken]
			in, ex, err := oauth.Introspect(ctx, env.HTTP, vars[VarIntrospectionEndpoint], clientConfig(env, vars), tok, "access_token")
			r.Exchanges = append(r.Exchanges, ex...)
			if err != nil {
				return failed(env, r, err)
			}
			st, why := oauth.Pass, "the server says the token is active"
			if !in.Active {
				st, why = oauth.Fail, oauth.InactiveHint
			}
			r.Checks = []oauth.Check{{Name: "active", Status: st, Reason: why}}
			r.Outputs = []Output{{Name: "active", Value: fmt.Sprint(in.Active)}, {Name: "scope", Value: in.Scope},
				{Name: "client_id", Value: in.ClientID}, {Name: "sub", Value: in.Sub}}
			if !in.Exp.IsZero() {
				r.Outputs = append(r.Outputs, Output{Name: "exp", Value: in.Exp.Local().Format("15:04:05")})
			}
			return r
		},
	}
}

// Revoke revokes the access token, then introspects it to show the effect.
func Revoke() Flow {
	return Flow{ID: "revoke", Title: "Revoke",
		Summary: "Revoke the token (RFC 7009), then introspect it to see it is no longer active.",
		Steps: []Step{{
			ID: "revoke", Title: "Revoke the token",
			Why: "The client tells the server it no longer needs the token (RFC 7009 §2.1). The answer is 200 even " +
				"for a token the server does not know (§2.2), so revocation never leaks whether a token existed. " +
				"A JWT still verifies locally until it expires: only introspection sees the revocation at once.",
			RFC: "RFC 7009 §2", From: Client, To: AuthServer, Inputs: []string{"access_token"},
			Run: func(ctx context.Context, env *Env, vars Vars) Result {
				var r Result
				if !ensureDiscovered(ctx, env, vars, &r) {
					return r
				}
				ex, err := oauth.Revoke(ctx, env.HTTP, vars[VarRevocationEndpoint], clientConfig(env, vars), vars[VarAccessToken], "access_token")
				r.Exchanges = append(r.Exchanges, ex...)
				if err != nil {
					return failed(env, r, err)
				}
				r.Checks = []oauth.Check{{Name: "revoked", Status: oauth.Pass, Reason: "the server accepted the revocation (200)"}}
				for _, e := range ex {
					if note := oauth.RevocationNote(e); note != "" {
						r.Checks = append(r.Checks, oauth.Check{Name: "note", Status: oauth.Warn, Reason: note})
					}
				}
				return r
			},
		}, introspectStep()}}
}
