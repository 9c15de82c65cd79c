package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// CodeInterceptionLab: another app on the machine takes a public client's
// code; without PKCE it redeems it, with PKCE the code is useless to it
// (RFC 7636 §1, RFC 9700 §2.1.1, §4.5).
func CodeInterceptionLab() Lab {
	return withTexts(Lab{
		Name:   "code-interception",
		Client: UserClient,
		Steps:  []Step{interceptStep(), attackerRedeemStep(), pkceRequiredStep(), pkceHeldStep()},
	})
}

// interceptStep: the app's login against the weakened server, without
// PKCE, lands at the attacker's listener.
func interceptStep() Step {
	return frontStep(Step{ID: "intercept", Title: "The victim signs in; the attacker's app takes the code", From: Browser, To: Attacker,
		RFC: "RFC 8252 §8.1, RFC 7636 §1",
		Why: "The app opens the authorization URL without a code_challenge, with its loopback redirect URI. alice signs in; the " +
			"weakened server issues a code and redirects her browser to that port, where the attacker listens instead of the " +
			"app (RFC 7636 §1 draws this attack)."},
		appLogin(weakIssuer, false),
		func(_ context.Context, _ *Env, _ Vars, r *Result, ln *oauth.Loopback, meta *oauth.Metadata, l landing) {
			code := l.caught.Get("code")
			if code == "" {
				r.Checks = []oauth.Check{{Name: CheckAttackSucceeded, Status: oauth.Fail,
					Reason: "the server issued no code for the app's request without PKCE: " + callbackError(l.caught) + "; the attack did not work where it should, so this lab demonstrates nothing"}}
				return
			}
			r.Outputs = append(r.Outputs, Output{Name: "caught", Value: "the authorization response reached the attacker's listener with a code"})
			r.Vars = Vars{varLabCode: code, varLabRedirect: ln.RedirectURI(), varLabTokenURL: meta.TokenEndpoint}
		})
}

// appLogin is the app starting a login at the issuer, with PKCE or not,
// its redirect URI on the port the attacker holds; alice signs in.
func appLogin(issuer func(Settings) string, withPKCE bool) login {
	return login{inputs: []string{"client_id", "scopes"}, start: func(ctx context.Context, env *Env, _ Vars, r *Result) (*oauth.Loopback, *oauth.Metadata, landing, error) {
		var pkce oauth.PKCE
		if withPKCE {
			pkce = oauth.NewPKCE()
			r.Vars = Vars{varLabVerifier: pkce.Verifier}
		}
		return listenAndOpen(ctx, env, r, issuer(env.Settings), func(meta *oauth.Metadata, redirectURI string) oauth.AuthRequest {
			r.Outputs = append(r.Outputs, Output{Name: "redirect_uri", Value: redirectURI + " (the app's port, held by the attacker)"})
			if withPKCE {
				r.Outputs = append(r.Outputs, Output{Name: "code_verifier", Value: pkce.Verifier + " (kept by the app)", Secret: true})
			}
			return oauth.AuthRequest{AuthURL: meta.AuthorizationEndpoint, RedirectURI: redirectURI, State: oauth.NewState(), PKCE: pkce,
				Client: oauth.ClientConfig{ClientID: env.Settings.ClientID, Scopes: env.Settings.Scopes}}
		})
	}}
}

func weakIssuer(s Settings) string      { return s.LabWeakIssuer }
func protectedIssuer(s Settings) string { return s.LabProtectedIssuer }

// attackerRedeemStep: the attacker redeems the code at the weakened server.
func attackerRedeemStep() Step {
	return Step{ID: "redeem", Title: "The attacker redeems the code (no verifier)", From: Attacker, To: AuthServer,
		RFC: "RFC 6749 §4.1.3",
		Why: "The attacker posts the code to the token endpoint as the app: a public client has no secret, so client_id and " +
			"the redirect URI are all the server asks for. No code_challenge was sent, so no code_verifier is asked either.",
		Inputs: []string{"lab_code"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			tok, err := attackerRedeems(ctx, env, &r, vars[varLabTokenURL], env.Settings.ClientID, vars[varLabCode], vars[varLabRedirect])
			if err != nil {
				status, code := refusal(err)
				r.Checks = []oauth.Check{{Name: CheckAttackSucceeded, Status: oauth.Fail,
					Reason: fmt.Sprintf("the weakened server answered %d %s, not 200: the attack did not work where it should, so this lab demonstrates nothing", status, code)}}
				return r
			}
			r.Outputs = append(r.Outputs, Output{Name: "access_token", Value: tok.AccessToken, Secret: true})
			r.Checks = []oauth.Check{{Name: CheckAttackSucceeded, Status: oauth.Pass,
				Reason: "200: the weakened server gave the attacker " + whose(tok) + "'s tokens (scope " + tok.Scope + ") for nothing but the code and the public client_id"}}
			return r
		}}
}

// pkceRequiredStep: the same app, against the protected server. The
// server refuses its request without PKCE; if it issues a code, the
// attacker redeems it and the protection did not hold.
func pkceRequiredStep() Step {
	return frontStep(Step{ID: "pkce-required", Title: "The same app against the protected server", From: Browser, To: AuthServer,
		RFC: "RFC 9700 §2.1.1",
		Why: "The app sends the same request, without a code_challenge, to the server with the protection on. A server that " +
			"requires PKCE of public clients refuses it (error=invalid_request, sent to the redirect URI): no code is issued, so " +
			"there is nothing to intercept."},
		appLogin(protectedIssuer, false), judgePKCERequired)
}

// judgePKCERequired judges where the protected server sent the request
// without PKCE: an invalid_request, and no code, is the protection.
func judgePKCERequired(ctx context.Context, env *Env, _ Vars, r *Result, ln *oauth.Loopback, meta *oauth.Metadata, l landing) {
	if code := l.caught.Get("code"); code != "" {
		why := "the server issued a code to a public client that sent no code_challenge"
		if tok, err := attackerRedeems(ctx, env, r, meta.TokenEndpoint, env.Settings.ClientID, code, ln.RedirectURI()); err == nil {
			why += ", and the attacker redeemed it: 200 with " + whose(tok) + "'s tokens"
		}
		r.Checks = []oauth.Check{{Name: CheckProtectionHeld, Status: oauth.Fail, Reason: why + ": the protection did not stop the attack"}}
		return
	}
	if l.caught.Get("error") != "invalid_request" {
		r.Checks = []oauth.Check{{Name: "PKCE required", Status: oauth.Fail,
			Reason: "want error=invalid_request for a request without code_challenge, got " + callbackError(l.caught)}}
		return
	}
	r.Checks = []oauth.Check{{Name: "PKCE required", Status: oauth.Pass,
		Reason: "the server refused the request without code_challenge: " + callbackError(l.caught) + "; no code was issued"}}
}

// pkceHeldStep: the app with PKCE; the attacker takes the code again and
// cannot redeem it, and the app can.
func pkceHeldStep() Step {
	return frontStep(Step{ID: "pkce-held", Title: "With PKCE, the attacker takes the code again and cannot use it", From: Attacker, To: AuthServer,
		RFC: "RFC 7636 §4.6",
		Why: "The app now sends a code_challenge and keeps the code_verifier. The attacker still holds the port and takes the " +
			"code, but redeeming it needs the verifier, which never left the app: the server answers invalid_grant. The code " +
			"is not spent by the attempt, so the app then redeems it with its verifier."},
		appLogin(protectedIssuer, true), judgePKCEHeld)
}

// judgePKCEHeld judges the attacker's redemption of the code of a login
// with PKCE: 400 invalid_grant, for the missing verifier, is the
// protection; then the app redeems its code.
func judgePKCEHeld(ctx context.Context, env *Env, _ Vars, r *Result, ln *oauth.Loopback, meta *oauth.Metadata, l landing) {
	code := l.caught.Get("code")
	if code == "" {
		r.Err = &oauth.Error{Op: "lab", What: "the app's login with PKCE issued no code: " + callbackError(l.caught), Try: "run the lab again"}
		return
	}
	tok, err := attackerRedeems(ctx, env, r, meta.TokenEndpoint, env.Settings.ClientID, code, ln.RedirectURI())
	status, ecode := refusal(err)
	switch {
	case err == nil:
		r.Checks = append(r.Checks, oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
			Reason: "200: the server gave the attacker " + whose(tok) + "'s tokens without the code_verifier: the protection did not stop the attack"})
		return
	case status != http.StatusBadRequest || ecode != "invalid_grant":
		r.Checks = append(r.Checks, oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
			Reason: fmt.Sprintf("the server answered %d %s, want 400 invalid_grant: it refused, but not for the missing verifier (%v)", status, ecode, err)})
		return
	}
	r.Checks = append(r.Checks, oauth.Check{Name: CheckProtectionHeld, Status: oauth.Pass,
		Reason: "400 invalid_grant: " + descriptionOf(err) + ": the intercepted code is useless without the verifier"})
	r.Checks = append(r.Checks, appRedeems(ctx, env, r, meta.TokenEndpoint, code, ln.RedirectURI(), r.Vars[varLabVerifier]))
}

// appRedeems is the app redeeming its own code with its verifier: the
// attacker's failed attempt did not spend it.
func appRedeems(ctx context.Context, env *Env, r *Result, tokenURL, code, redirectURI, verifier string) oauth.Check {
	req := oauth.AuthRequest{RedirectURI: redirectURI, PKCE: oauth.PKCE{Verifier: verifier}, Client: oauth.ClientConfig{TokenURL: tokenURL, ClientID: env.Settings.ClientID}}
	tok, ex, err := oauth.ExchangeCode(ctx, env.HTTP, req, code)
	r.Exchanges = append(r.Exchanges, ex...)
	if err != nil {
		return oauth.Check{Name: "the app redeems its code", Status: oauth.Warn, Reason: "the app could not redeem its own code: " + err.Error()}
	}
	return oauth.Check{Name: "the app redeems its code", Status: oauth.Pass,
		Reason: "200: with its verifier the app got " + whose(tok) + "'s tokens; the attacker's attempt did not spend the code"}
}

// descriptionOf is a refusal's error_description, or its message.
func descriptionOf(err error) string {
	var oe *oauth.Error
	if errors.As(err, &oe) && oe.Description != "" {
		return strings.TrimSuffix(oe.Description, ".")
	}
	return err.Error()
}
