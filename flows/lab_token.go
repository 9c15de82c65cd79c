package flows

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
)

// The labs at the token endpoint: a code redeemed a second time
// (CodeReplayLab) and a stolen refresh token (RefreshTheftLab). Each tells
// its story twice, first against the lab's weakened authorization server
// (Settings.LabWeakIssuer), then against the one with the protection on
// (LabProtectedIssuer): Alice, a demo user, signs in to the world's public
// sign-in client, and the attacker uses what leaked of it.

// The checks of the token labs' last step, one a side: what the server
// says, by introspection (RFC 7662), of the victim's tokens once the
// attacker has tried.
const (
	CheckStillActive = "tokens still active (weakened)"
	CheckRevoked     = "tokens revoked"
)

// Vars of the token labs, kept apart for each side (labSide).
const (
	// The app's token request as a log kept it: what the attacker of
	// the code-replay lab holds.
	varLoggedCode     = "logged_code"
	varLoggedVerifier = "logged_code_verifier"
	varLoggedRedirect = "logged_redirect_uri"
	// varFirstRefresh is the refresh token of the first redemption: the
	// copy the attacker of the refresh-theft lab stole.
	varFirstRefresh = "first_refresh_token"
)

// CodeReplayLab: a code redeemed again after its client redeemed it (RFC
// 6749 §4.1.2, RFC 9700 §4.2.4).
func CodeReplayLab() Lab {
	return withTexts(Lab{
		Name:   "code-replay",
		Client: UserClient,
		Steps: []Step{
			signInStep(weakSide), redeemStep(weakSide), replayStep(weakSide),
			familyStep(weakSide, "the app's first tokens", "the replay went unnoticed, and the attacker and the app both hold live tokens"),
			signInStep(protectedSide), redeemStep(protectedSide), replayStep(protectedSide),
			familyStep(protectedSide, "the app's first tokens", "the replay revoked everything the code had issued (RFC 6749 §4.1.2)"),
		},
	})
}

// RefreshTheftLab: a stolen refresh token, without and with rotation and
// reuse detection (RFC 9700 §4.14.2).
func RefreshTheftLab() Lab {
	return withTexts(Lab{
		Name:   "refresh-theft",
		Client: UserClient,
		Steps: []Step{
			signInStep(weakSide), redeemStep(weakSide), victimRefreshStep(weakSide), thiefRefreshStep(weakSide),
			familyStep(weakSide, "Alice's current tokens", "the thief's refresh went unnoticed, and the thief and Alice both hold live tokens"),
			signInStep(protectedSide), redeemStep(protectedSide), victimRefreshStep(protectedSide), thiefRefreshStep(protectedSide),
			familyStep(protectedSide, "Alice's current tokens", "the reuse of a retired refresh token revoked the whole family (RFC 9700 §4.14.2)"),
		},
	})
}

// labSide is one of a lab's two authorization servers, the weakened one
// or the protected one. A step on a side runs against that side's issuer
// with that side's vars (prefixed in the flow's), so the two sign-ins,
// codes and tokens never mix, whichever step a face runs first.
type labSide struct{ weak bool }

var (
	weakSide      = labSide{weak: true}
	protectedSide = labSide{weak: false}
)

func (sd labSide) id() string {
	if sd.weak {
		return "weak"
	}
	return "protected"
}

// server names the side's server for titles and reasons.
func (sd labSide) server() string {
	if sd.weak {
		return "the weakened server"
	}
	return "the protected server"
}

func (sd labSide) issuer(s Settings) string {
	if sd.weak {
		return s.LabWeakIssuer
	}
	return s.LabProtectedIssuer
}

// step gives s its side: an id of its own and a Run against the side's
// issuer (for the client and the resource server that introspects) with
// the side's vars.
func (sd labSide) step(s Step) Step {
	s.ID += "-" + sd.id()
	run, prefix := s.Run, sd.id()+"."
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result {
		iss := sd.issuer(env.Settings)
		if iss == "" {
			return Result{Err: &oauth.Error{Op: "lab", What: "no lab world",
				Cause: "this lab runs against its own weakened and protected authorization servers, which were not started",
				Try:   "run it with oauthlab lab NAME"}}
		}
		side := *env
		side.Settings.Issuer, side.Settings.EmbeddedIssuer = iss, iss
		if env.ResourceServer != nil {
			rs := *env.ResourceServer
			rs.Issuer, rs.EmbeddedIssuer = iss, iss
			side.ResourceServer = &rs
		}
		local := Vars{}
		for k, v := range vars {
			if name, ok := strings.CutPrefix(k, prefix); ok {
				local[name] = v
			}
		}
		r := run(ctx, &side, local)
		if r.Vars != nil {
			out := make(Vars, len(r.Vars))
			for k, v := range r.Vars {
				out[prefix+k] = v
			}
			r.Vars = out
		}
		return r
	}
	return s
}

// signInStep: Alice signs in at the side's server, and the code reaches
// the app's loopback redirect URI.
func signInStep(sd labSide) Step {
	return sd.step(Step{ID: "sign-in", Title: "Alice signs in at " + sd.server(),
		Why: "The app sends Alice's browser to the authorization endpoint with a fresh state and a PKCE challenge; she " +
			"signs in and consents, and the server sends the browser back to the app's loopback redirect URI with a " +
			"one-time code (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8252 §7.3). Here oauthlab plays Alice's browser on the " +
			"embedded login page.",
		RFC: "RFC 6749 §4.1.1, RFC 7636 §4.3", From: Browser, To: AuthServer, Inputs: []string{"client_id", "scopes"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if env.SignIn == nil {
				return failed(env, r, &oauth.Error{Op: "lab", What: "no browser to sign Alice in with",
					Cause: "only a lab's own world signs its demo users in", Try: "run it with oauthlab lab NAME"})
			}
			if !ensureDiscovered(ctx, env, vars, &r) {
				return r
			}
			lb, err := oauth.ListenLoopback(0, env.Settings.CallbackPath)
			if err != nil {
				return failed(env, r, err)
			}
			defer lb.Close()
			req := oauth.NewAuthRequest(vars[VarAuthorizationEndpoint], clientConfig(env, vars), lb.RedirectURI())
			r.Outputs = []Output{{Name: "user", Value: labVictim}, {Name: "authorization_url", Value: req.URL()},
				{Name: "redirect_uri", Value: lb.RedirectURI()}}
			loc, err := env.SignIn(ctx, req.URL(), labVictim)
			if err != nil {
				return failed(env, r, err)
			}
			// The browser follows the redirect only to the app's own
			// listener: anywhere else, the code would be handed over.
			if !strings.HasPrefix(loc.String(), lb.RedirectURI()+"?") {
				return failed(env, r, &oauth.Error{Op: "authorize", What: "the server sent the browser to " + loc.Redacted() + ", not to the app's redirect URI",
					Cause: "the sign-in did not end with the app's callback", Try: "run the lab again from its first step"})
			}
			go deliver(ctx, env.HTTP, loc.String())
			cb, err := lb.WaitCallback(ctx, req.State)
			if err != nil {
				return failed(env, r, err)
			}
			signedIn(env, vars, &r, req, cb)
			return r
		}})
}

// deliver is the browser following the redirect to the app's loopback
// listener; the listener, not this request, says how the callback went.
func deliver(ctx context.Context, hc *http.Client, u string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return
	}
	if resp, err := hc.Do(req); err == nil {
		resp.Body.Close()
	}
}

// redeemStep: the app redeems the code (the code flow's own exchange).
// What its request carried is kept as a log would keep it, and the first
// refresh token as a thief would copy it.
func redeemStep(sd labSide) Step {
	s := exchangeStep()
	s.ID, s.Title = "redeem", "The app redeems Alice's code at "+sd.server()
	s.Why = "The app posts the code, its redirect_uri and the PKCE code_verifier to the token endpoint and gets Alice's " +
		"access, refresh and ID tokens (RFC 6749 §4.1.3, RFC 7636 §4.5). The server checks the verifier against the " +
		"challenge: only whoever holds both the code and the verifier can redeem it."
	exchange := s.Run
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result {
		r := exchange(ctx, env, vars)
		if r.Err != nil {
			return r
		}
		r.set(Vars{varLoggedCode: vars[varCode], varLoggedVerifier: vars[varVerifier], varLoggedRedirect: vars[varRedirectURI],
			varFirstRefresh: r.Vars[VarRefreshToken]})
		return withoutIDToken(r)
	}
	return sd.step(s)
}

// replayStep: the attacker sends the app's logged token request again.
func replayStep(sd labSide) Step {
	return attackerStep(sd, Step{ID: "replay", Title: "The attacker replays the code at " + sd.server(),
		Why: "The attacker sends the app's logged token request again: the same code, redirect_uri and code_verifier. To " +
			"the server it looks like the app asking twice, so it passes the PKCE check (RFC 7636 §4.6); only the rule that " +
			"a code is redeemed once can stop it (RFC 6749 §4.1.2). (A code alone, from browser history or a Referer, is " +
			"useless with PKCE: that is the code-interception lab.)",
		RFC: "RFC 6749 §4.1.2", Inputs: []string{"logged token request"}},
		varLoggedCode, "no logged token request to replay",
		func(ctx context.Context, env *Env, vars Vars, _ *Result) (*oauth.TokenResponse, []oauth.Exchange, error) {
			req := oauth.AuthRequest{Client: clientConfig(env, vars), RedirectURI: vars[varLoggedRedirect],
				PKCE: oauth.PKCE{Verifier: vars[varLoggedVerifier], Method: "S256"}}
			return oauth.ExchangeCode(ctx, env.HTTP, req, vars[varLoggedCode])
		})
}

// attackerStep is s as the attacker's token request on sd's server: it
// needs vars[need] (what the attacker holds), makes the request with ask
// and judges the answer (attackResult).
func attackerStep(sd labSide, s Step, need, missing string,
	ask func(ctx context.Context, env *Env, vars Vars, r *Result) (*oauth.TokenResponse, []oauth.Exchange, error)) Step {
	s.From, s.To = Attacker, AuthServer
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result {
		var r Result
		if !needs(ctx, env, vars, &r, need, &oauth.Error{Op: "lab", What: missing,
			Cause: "the app has not redeemed Alice's code on this server yet", Try: "run the lab from its first step"}) {
			return r
		}
		tok, ex, err := ask(ctx, env, vars, &r)
		authenticated(&r, ex)
		return attackResult(sd, r, tok, err)
	}
	return sd.step(s)
}

// victimRefreshStep: Alice's app refreshes, as it does every few minutes
// (the refresh flow's own step).
func victimRefreshStep(sd labSide) Step {
	s := Refresh().Steps[0]
	s.ID, s.Title = "refresh", "Alice's app refreshes at "+sd.server()
	s.Why = "Alice's access token lives minutes, so the app trades the refresh token for a new one (RFC 6749 §6). A " +
		"rotating server answers with a new refresh token and retires the old one (RFC 9700 §4.14.2); without rotation " +
		"the same one comes back, and so does the thief's copy stay good."
	refresh := s.Run
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result { return withoutIDToken(refresh(ctx, env, vars)) }
	return sd.step(s)
}

// withoutIDToken leaves a valid ID token out of what a step shows (it
// stays in the vars): it says who signed in, which no step of these labs
// asks; the access and refresh tokens are what the attacker is after. An
// ID token that failed a check stays, and fails the step.
func withoutIDToken(r Result) Result {
	r.Tokens = slices.DeleteFunc(r.Tokens, func(t Token) bool { return t.Name == VarIDToken && !t.Failed() })
	return r
}

// thiefRefreshStep: the attacker presents the refresh token copied before
// Alice's app refreshed.
func thiefRefreshStep(sd labSide) Step {
	return attackerStep(sd, Step{ID: "steal", Title: "The thief refreshes with the stolen token at " + sd.server(),
		Why: "The attacker presents the refresh token they copied before Alice's app refreshed, as the app: a public " +
			"client has no secret, so nothing else is asked (RFC 6749 §6). A rotating server retired this token at Alice's " +
			"refresh; seeing it again is reuse, which it refuses (RFC 9700 §4.14.2).",
		RFC: "RFC 9700 §4.14.2", Inputs: []string{"stolen refresh_token"}},
		varFirstRefresh, "no refresh token to steal",
		func(ctx context.Context, env *Env, vars Vars, r *Result) (*oauth.TokenResponse, []oauth.Exchange, error) {
			r.Outputs = append(r.Outputs, Output{Name: "stolen refresh_token", Value: vars[varFirstRefresh], Secret: true})
			return oauth.Refresh(ctx, env.HTTP, clientConfig(env, vars), oauth.Secret(vars[varFirstRefresh]))
		})
}

// attackResult judges the attacker's token request by the server's
// answer: on the weakened server the attack must get tokens (200), on the
// protected one it must be refused with invalid_grant (RFC 6749 §5.2).
func attackResult(sd labSide, r Result, tok *oauth.TokenResponse, err error) Result {
	got := "200 with tokens"
	var e *oauth.Error
	if err != nil {
		e = oauth.Explain(err)
		got = fmt.Sprintf("%d %s", e.Status, e.Code)
		if e.Status == 0 {
			got = "nothing (" + e.Error() + ")"
		}
		r.Outputs = append(r.Outputs, Output{Name: "answer", Value: e.Error()})
	} else {
		r.Outputs = append(r.Outputs, stolenOutputs(tok)...)
	}
	c := oauth.Check{Name: CheckProtectionHeld, Status: oauth.Fail}
	if sd.weak {
		c.Name = CheckAttackSucceeded
	}
	switch {
	case sd.weak && err == nil && tok.AccessToken != "":
		c.Status, c.Reason = oauth.Pass, "200: the weakened server issued Alice's tokens to the attacker"
	case sd.weak:
		c.Reason = "the weakened server answered " + got + ", not 200 with tokens: the attack did not work where it should, so this lab demonstrates nothing"
	case err == nil:
		c.Reason = "the protected server answered 200 and issued the attacker tokens: the protection did not stop the attack"
	case e.Status == http.StatusBadRequest && e.Code == "invalid_grant":
		c.Status, c.Reason = oauth.Pass, "400 invalid_grant: the protected server refused the attacker"
	default:
		c.Reason = "the protected server answered " + got + ", not 400 invalid_grant: that is not the protection refusing the attacker"
	}
	r.Checks = append(r.Checks, c)
	return r
}

// stolenOutputs say what the attacker now holds.
func stolenOutputs(tok *oauth.TokenResponse) []Output {
	out := []Output{{Name: "attacker's access_token", Value: tok.AccessToken, Secret: true}}
	if jwt, err := oauth.DecodeJWT(tok.AccessToken); err == nil {
		for _, c := range []string{"sub", "preferred_username"} {
			if v := jwt.Claims.String(c); v != "" {
				out = append(out, Output{Name: "its " + c, Value: v})
			}
		}
	}
	out = append(out, Output{Name: "its scope", Value: tok.Scope})
	if !tok.RefreshToken.IsZero() {
		out = append(out, Output{Name: "attacker's refresh_token", Value: tok.RefreshToken.Reveal(), Secret: true})
	}
	return out
}

func activeWord(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}

// familyStep asks the side's server, as the resource server would, about
// the victim's access and refresh tokens: on the weakened server they must
// still be active, on the protected one revoked. whose names the tokens,
// meaning what the verdict shows.
func familyStep(sd labSide, whose, meaning string) Step {
	want, name := false, CheckRevoked
	if sd.weak {
		want, name = true, CheckStillActive
	}
	return sd.step(Step{ID: "tokens", Title: "Ask " + sd.server() + " about " + whose,
		Why: "The resource server asks the authorization server whether " + whose + " are still active (RFC 7662 §2.1). " +
			"A server that detected the attack revoked them, and answers {\"active\":false}; one that did not, active.",
		RFC: "RFC 7662 §2", From: ResourceServer, To: AuthServer, Inputs: []string{"access_token", "refresh_token"}, Effect: IntrospectsToken,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			var wrong []string
			asked := 0
			for _, t := range []struct{ hint, raw string }{{"access_token", vars[VarAccessToken]}, {"refresh_token", vars[VarRefreshToken]}} {
				if t.raw == "" {
					continue
				}
				q := Vars{}
				q.Merge(vars)
				q[VarAccessToken], q[VarTokenTypeHint] = t.raw, t.hint
				ir, in := introspect(ctx, env, q)
				r.Exchanges = append(r.Exchanges, ir.Exchanges...)
				if in == nil {
					r.Err = ir.Err
					return r
				}
				for _, o := range ir.Outputs {
					if o.Name == "asked as" && asked == 0 {
						r.Outputs = append(r.Outputs, o)
					}
				}
				asked++
				r.Outputs = append(r.Outputs, Output{Name: t.hint, Value: activeWord(in.Active)})
				if in.Active != want {
					wrong = append(wrong, t.hint+" "+activeWord(in.Active))
				}
			}
			c := oauth.Check{Name: name, Status: oauth.Fail}
			switch {
			case asked == 0:
				c.Reason = "there are no tokens to ask about: the app's redemption did not run on this server"
			case len(wrong) > 0:
				c.Reason = sd.server() + " says " + strings.Join(wrong, " and ") + ", not " + activeWord(want) + ": the lab does not show what it should"
			default:
				c.Status, c.Reason = oauth.Pass, sd.server()+" says "+whose+" are "+activeWord(want)+": "+meaning
			}
			r.Checks = []oauth.Check{c}
			return r
		}})
}
