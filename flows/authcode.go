package flows

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// Vars the code flow keeps between its steps.
const (
	varNonce       = "nonce"
	varState       = "state"
	varVerifier    = "code_verifier"
	varChallenge   = "code_challenge"
	varRedirectURI = "redirect_uri"
	varCode        = "code"
	// varIssAdvertised is "true" when the server's metadata says it sends
	// iss with every authorization response (RFC 9207 §3).
	varIssAdvertised = "authorization_response_iss_parameter_supported"
)

// AuthorizationCode is the browser flow with PKCE and a loopback callback
// (RFC 6749 §4.1, RFC 7636, RFC 8252).
func AuthorizationCode() Flow {
	return Flow{ID: "authorization-code", Title: "Authorization code + PKCE", Client: UserClient,
		Summary: "A user signs in in the browser; the app gets a code on a loopback port and swaps it for tokens.",
		Steps:   []Step{discoveryStep(), authorizeStep(), exchangeStep(), userinfoStep()}}
}

func authorizeStep() Step {
	return Step{
		ID:    "authorize",
		Title: "Sign in in the browser (PKCE)",
		Why: "The app opens the authorization endpoint in the browser with a fresh state (CSRF protection, " +
			"RFC 6749 §10.12), a PKCE code_challenge = BASE64URL(SHA-256(code_verifier)) (RFC 7636 §4.2) and, for " +
			"OpenID Connect, a nonce. The user signs in there — never in the app — and the server redirects the " +
			"browser to http://127.0.0.1:<port>/callback, where the app listens (RFC 8252 §7.3), with a one-time code.",
		RFC:    "RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8252 §7.3",
		From:   Browser,
		To:     AuthServer,
		Inputs: []string{"client_id", "scopes", "redirect_port", "callback_path"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !ensureDiscovered(ctx, env, vars, &r) {
				return r
			}
			lb, err := oauth.ListenLoopback(env.Settings.RedirectPort, env.Settings.CallbackPath)
			if err != nil {
				return failed(env, r, err)
			}
			defer lb.Close()
			req := oauth.NewAuthRequest(vars[VarAuthorizationEndpoint], clientConfig(env, vars), lb.RedirectURI())
			u := req.URL()
			env.SayURL("Open this URL to sign in (waiting for the callback on "+lb.RedirectURI()+"):\n"+u, u)
			if env.OpenBrowser != nil {
				if err := env.OpenBrowser(u); err != nil {
					env.Say("Could not open a browser (" + err.Error() + "); open the URL above yourself.")
				}
			}
			// The verifier is a secret until the code is redeemed (RFC 7636
			// §7.1), shown on request so a learner can check that
			// code_challenge = BASE64URL(SHA-256(code_verifier)) (§4.2).
			r.Outputs = []Output{{Name: "authorization_url", Value: u}, {Name: "redirect_uri", Value: lb.RedirectURI()},
				{Name: "state", Value: req.State}, {Name: "code_verifier", Value: req.PKCE.Verifier, Secret: true},
				{Name: "code_challenge", Value: req.PKCE.Challenge}, {Name: "code_challenge_method", Value: req.PKCE.Method}}
			cb, err := lb.WaitCallback(ctx, req.State)
			if err != nil {
				return failed(env, r, err)
			}
			signedIn(env, vars, &r, req, cb)
			return r
		},
	}
}

// signedIn records in r the callback that answered req: the state check
// (WaitCallback refused any other state), the RFC 9207 issuer when the
// server sent one or says it sends one (vars hold what discovery found),
// the code, and the vars the code exchange needs.
func signedIn(env *Env, vars Vars, r *Result, req oauth.AuthRequest, cb *oauth.Callback) {
	r.Checks = append(r.Checks, oauth.Check{Name: "state", Status: oauth.Pass, Reason: "the callback's state matches the one sent: this response answers our request (RFC 6749 §10.12)"})
	if advertised := vars[varIssAdvertised] == "true"; cb.Iss != "" || advertised {
		r.Checks = append(r.Checks, cb.CheckIssuer(env.Settings.issuer(), advertised))
	}
	r.Outputs = append(r.Outputs, Output{Name: "code", Value: cb.Code})
	// Merged, not assigned: r.Vars may hold the endpoints
	// ensureDiscovered found, which the exchange needs.
	r.set(Vars{varCode: cb.Code, varState: req.State, varVerifier: req.PKCE.Verifier, varChallenge: req.PKCE.Challenge,
		varRedirectURI: req.RedirectURI, varNonce: req.Nonce})
}

func exchangeStep() Step {
	return Step{
		ID:    "exchange",
		Title: "Exchange the code for tokens",
		Why: "The app posts the code, the same redirect_uri and the code_verifier to the token endpoint " +
			"(RFC 6749 §4.1.3). The server hashes the verifier and compares it with the challenge it saw: only the " +
			"app that started the flow can redeem the code, even if the code leaked (RFC 7636 §4.6). With openid, " +
			"an ID token comes back whose iss, aud, exp and nonce the app must check (OIDC Core §3.1.3.7).",
		RFC:    "RFC 6749 §4.1.3, RFC 7636 §4.5",
		From:   Client,
		To:     AuthServer,
		Inputs: []string{"code", "code_verifier", "redirect_uri"},
		Again:  againFromStart,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !needs(ctx, env, vars, &r, varCode, &oauth.Error{Op: "token", What: "no authorization code yet", Try: "run the previous step (sign in) first"}) {
				return r
			}
			req := oauth.AuthRequest{AuthURL: vars[VarAuthorizationEndpoint], Client: clientConfig(env, vars), RedirectURI: vars[varRedirectURI],
				State: vars[varState], Nonce: vars[varNonce], PKCE: oauth.PKCE{Verifier: vars[varVerifier], Challenge: vars[varChallenge], Method: "S256"}}
			tok, ex, err := oauth.ExchangeCode(ctx, env.HTTP, req, vars[varCode])
			authenticated(&r, ex)
			if len(ex) > 0 {
				// The code left the app: it is single use, so it is spent
				// whatever the answer. A code never sent is kept for a retry.
				r.set(Vars{varCode: ""})
			}
			if err != nil {
				return failed(env, r, err)
			}
			r = tokenResult(ctx, env, vars, r, tok, req.Nonce)
			r.Checks = append(r.Checks, GrantedScope(env.Settings.Scopes, tok)...)
			return r
		},
	}
}

func userinfoStep() Step {
	return Step{
		ID:    "userinfo",
		Title: "Ask who signed in (userinfo)",
		Why: "With an access token that carries openid, the app may call the userinfo endpoint for the user's " +
			"claims (OIDC Core §5.3); their sub must equal the ID token's, or they are about someone else (§5.3.2). " +
			"Without openid the step is skipped: plain OAuth has no notion of identity.",
		RFC:  "OIDC Core §5.3",
		From: Client,
		To:   AuthServer,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if !slices.Contains(env.Settings.Scopes, "openid") || vars[VarUserinfoEndpoint] == "" {
				r.Checks = []oauth.Check{{Name: "userinfo", Status: oauth.Skip, Reason: "openid was not requested (or the server has no userinfo endpoint)"}}
				return r
			}
			if env.Settings.Resource != "" {
				// RFC 8707: the token was minted for that API (its aud), and
				// servers such as oidc-provider refuse it at userinfo.
				r.Checks = []oauth.Check{{Name: "userinfo", Status: oauth.Skip, Reason: "the access token was issued for the resource " +
					env.Settings.Resource + " (RFC 8707), not for the authorization server's userinfo endpoint; the ID token carries who signed in"}}
				return r
			}
			claims, ex, err := oauth.UserInfo(ctx, env.HTTP, vars[VarUserinfoEndpoint], vars[VarAccessToken])
			r.Exchanges = ex
			if err != nil {
				// Only a refusal of the token for no other reason: a userinfo
				// endpoint that is down or failing, or a token that has
				// expired or been revoked, is not excused by the token's aud.
				if aud := apiAudience(vars[VarAccessToken], env.Settings.issuer()); aud != "" && tokenRefused(err) &&
					!refusedForAnotherReason(vars[VarAccessToken], err, env.Clock()) {
					// Not a failure of the flow: the token is for an API.
					r.Checks = []oauth.Check{{Name: "userinfo", Status: oauth.Warn, Reason: "userinfo refused the access token because it was issued for the API " + aud +
						" (its aud), not for the authorization server (RFC 9068 §4: a token is only for its audience); the ID token already says who signed in"}}
					return r
				}
				return failed(env, r, err)
			}
			for _, k := range []string{"sub", "preferred_username", "name", "email"} {
				if v, ok := claims[k]; ok {
					r.Outputs = append(r.Outputs, Output{Name: k, Value: fmt.Sprint(v)})
				}
			}
			// OIDC Core §5.3.2: the answer is about the user who signed in
			// only if its sub is the ID token's.
			r.Checks = append(r.Checks, oauth.CheckUserinfoSub(vars[VarIDToken], claims))
			return r
		},
	}
}

// tokenRefused reports whether err is a resource's refusal of the token
// (401, or 403), not a failure of the resource itself nor a token that
// lacks a scope (insufficient_scope: its aud is not the cause).
func tokenRefused(err error) bool {
	e := oauth.Explain(err)
	return e != nil && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden) && e.Code != string(oauth.ErrInsufficientScope)
}

// refusalReasons are words in a refusal's error_description that name a
// reason other than the token's audience. Keycloak and Okta say no more
// than "Token verification failed" and "The access token is invalid" for
// an expired or revoked token (testdata/fixtures/manifest.json, userinfo),
// so the token's own exp is asked too; Keycloak names a lightweight token.
var refusalReasons = []string{"expired", "revoked", "inactive", "not active", "lightweight"}

// refusedForAnotherReason reports whether userinfo's refusal err of
// accessToken has a cause other than its aud: the token had expired by
// its exp at now, or the server's description says expired, revoked,
// inactive or lightweight.
func refusedForAnotherReason(accessToken string, err error, now time.Time) bool {
	if jwt, derr := oauth.DecodeJWT(accessToken); derr == nil {
		if exp, ok := jwt.Claims.Time("exp"); ok && !now.Before(exp) {
			return true
		}
	}
	e := oauth.Explain(err)
	desc := strings.ToLower(e.Description)
	return slices.ContainsFunc(refusalReasons, func(w string) bool { return strings.Contains(desc, w) })
}

// apiAudience returns the access token's aud when it is a JWT meant for
// an API rather than for the issuer itself, or "".
func apiAudience(accessToken, issuer string) string {
	jwt, err := oauth.DecodeJWT(accessToken)
	if err != nil {
		return ""
	}
	auds := jwt.Claims.Audiences()
	for _, a := range auds {
		if a == issuer || a == "account" {
			return "" // Keycloak's account audience works at userinfo
		}
	}
	if len(auds) == 0 {
		return ""
	}
	return auds[0]
}
