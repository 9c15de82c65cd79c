package flows

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// RedirectURILab: an authorization server that matches redirect URIs
// laxly sends the victim's code wherever the attacker's link says (RFC
// 9700 §2.1, §4.1; RFC 6749 §3.1.2.4).
func RedirectURILab() Lab {
	return withTexts(Lab{
		Name:  "redirect-uri",
		Steps: []Step{readLinkStep(), stealCodeStep(), exactMatchStep()},
	})
}

// readLinkStep: the attacker reads the app's sign-in link.
func readLinkStep() Step {
	return Step{ID: "read-link", Title: "The attacker reads the app's sign-in link", From: Attacker, To: Client,
		RFC: "RFC 6749 §4.1.1",
		Why: "An authorization request is a URL in a browser: anyone can open the app's sign-in page and read it. It names " +
			"the client_id, the registered redirect_uri and the scope; the client secret is not in it, and the attack needs none.",
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if env.Settings.LabWeakClient == "" {
				return failed(env, r, noLabWorld())
			}
			resp, err := visit(ctx, labBrowser(env), &r, strings.TrimRight(env.Settings.LabWeakClient, "/")+"/login")
			if err != nil {
				return failed(env, r, err)
			}
			link, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || resp.Status != http.StatusFound || link.Query().Get("client_id") == "" {
				return failed(env, r, &oauth.Error{Op: "lab", What: fmt.Sprintf("the app's /login answered %d without an authorization URL", resp.Status),
					Try: "run the lab again"})
			}
			q := link.Query()
			r.Outputs = []Output{{Name: "sign_in_link", Value: link.String()}, {Name: "client_id", Value: q.Get("client_id")},
				{Name: "registered redirect_uri", Value: q.Get("redirect_uri")}}
			r.Vars = Vars{varLabClientID: q.Get("client_id"), varLabScope: q.Get("scope"), varLabRedirect: q.Get("redirect_uri")}
			return r
		}}
}

// craftedLogin is the attacker's link at the issuer: the app's request
// with redirect_uri pointing at the attacker's listener (same host, same
// path, another port), opened by the victim.
func craftedLogin(issuer func(Settings) string) login {
	return login{inputs: []string{varLabClientID, varLabRedirect}, start: func(ctx context.Context, env *Env, vars Vars, r *Result) (*oauth.Loopback, *oauth.Metadata, landing, error) {
		return listenAndOpen(ctx, env, r, issuer(env.Settings), func(meta *oauth.Metadata, redirectURI string) oauth.AuthRequest {
			r.Outputs = append(r.Outputs, Output{Name: "registered redirect_uri", Value: vars[varLabRedirect]},
				Output{Name: "crafted redirect_uri", Value: redirectURI + " (the attacker's listener)"})
			// The attacker brings a PKCE challenge of their own: a server
			// that requires PKCE (Okta) asks for one, and the verifier is
			// theirs.
			return oauth.AuthRequest{AuthURL: meta.AuthorizationEndpoint, RedirectURI: redirectURI, State: oauth.NewState(), PKCE: oauth.NewPKCE(),
				Client: oauth.ClientConfig{ClientID: vars[varLabClientID], Scopes: strings.Fields(vars[varLabScope])}}
		})
	}}
}

// stealCodeStep: the weakened server sends alice's code to the attacker.
func stealCodeStep() Step {
	return frontStep(Step{ID: "steal", Title: "alice opens the attacker's link at the weakened server", From: Browser, To: Attacker,
		RFC: "RFC 9700 §4.1.1",
		Why: "The link is the app's own sign-in request with one parameter changed. The weakened server accepts the redirect_uri " +
			"because only its port differs from the registered one, shows alice its genuine login page, and after she signs in " +
			"redirects her browser, code and all, to the attacker's listener."},
		craftedLogin(weakIssuer),
		func(_ context.Context, _ *Env, vars Vars, r *Result, ln *oauth.Loopback, _ *oauth.Metadata, l landing) {
			if l.caught.Get("code") == "" {
				what := callbackError(l.caught)
				if l.page != "" {
					what = fmt.Sprintf("the server refused on its page (%d): %s", l.status, l.page)
				}
				r.Checks = []oauth.Check{{Name: CheckAttackSucceeded, Status: oauth.Fail,
					Reason: what + "; the attack did not work where it should, so this lab demonstrates nothing"}}
				return
			}
			r.Checks = []oauth.Check{{Name: CheckAttackSucceeded, Status: oauth.Pass,
				Reason: "alice's authorization code arrived at the attacker's listener " + ln.RedirectURI() + ", issued to " + vars[varLabClientID]}}
		})
}

// exactMatchStep: the protected server refuses the crafted link on its
// page, without redirecting.
func exactMatchStep() Step {
	return frontStep(Step{ID: "exact-match", Title: "alice opens the same link at the protected server", From: Browser, To: AuthServer,
		RFC: "RFC 6749 §3.1.2.4, §4.1.2.1",
		Why: "The server with the protection on compares the redirect_uri exactly. It is not registered, so the server cannot " +
			"trust it with anything, not even an error: it tells alice on its own page and redirects nowhere (400)."},
		craftedLogin(protectedIssuer),
		func(_ context.Context, _ *Env, _ Vars, r *Result, ln *oauth.Loopback, _ *oauth.Metadata, l landing) {
			r.Checks = []oauth.Check{exactMatch(ln, l)}
		})
}

// exactMatch passes when the server refused on its page and nothing
// reached the attacker's listener.
func exactMatch(ln *oauth.Loopback, l landing) oauth.Check {
	switch {
	case l.caught.Get("code") != "":
		return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
			Reason: "alice's code arrived at the attacker's listener " + ln.RedirectURI() + ": the protection did not stop the attack"}
	case l.caught != nil:
		return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
			Reason: "the server redirected to the attacker's listener (" + callbackError(l.caught) + "): an unregistered redirect URI must get nothing, not even an error (RFC 6749 §4.1.2.1)"}
	case l.status != http.StatusBadRequest || l.location != "":
		return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail,
			Reason: fmt.Sprintf("the server answered %d (redirect %q), want 400 on its own page", l.status, l.location)}
	}
	return oauth.Check{Name: CheckProtectionHeld, Status: oauth.Pass, Reason: "400 on the server's own page, no redirect: " + l.page}
}
