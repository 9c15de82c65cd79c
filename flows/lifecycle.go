package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// Refresh swaps a refresh token for new tokens (RFC 6749 §6).
func Refresh() Flow {
	return Flow{ID: "refresh", Title: "Refresh", Client: RefreshClient,
		Summary: "Trade the refresh token for a fresh access token; the old refresh token may stop working (rotation).",
		Steps: []Step{{
			ID: "refresh", Title: "Use the refresh token",
			Why: "An access token is short-lived on purpose. The refresh token, a long-lived credential kept by the " +
				"client only, buys a new one without the user (RFC 6749 §6). Servers rotate it: the answer carries a " +
				"new refresh token and the old one stops working (RFC 9700 §4.14.2), so a stolen copy is detected.",
			RFC: "RFC 6749 §6", From: Client, To: AuthServer, Inputs: []string{"refresh_token"},
			Run: func(ctx context.Context, env *Env, vars Vars) Result {
				var r Result
				if !needs(ctx, env, vars, &r, VarRefreshToken, &oauth.Error{Op: "refresh", What: "no refresh token yet",
					Cause: "client credentials tokens come without one (Keycloak and Okta default)", Try: "run the authorization code flow first (Okta: ask for offline_access)"}) {
					return r
				}
				tok, ex, err := oauth.Refresh(ctx, env.HTTP, clientConfig(env, vars), oauth.Secret(vars[VarRefreshToken]))
				authenticated(&r, ex)
				if err != nil {
					return failed(env, r, err)
				}
				rotated := !tok.RefreshToken.IsZero() && tok.RefreshToken.Reveal() != vars[VarRefreshToken]
				r.Checks = append(r.Checks, oauth.Check{Name: "rotation", Status: map[bool]oauth.CheckStatus{true: oauth.Pass, false: oauth.Warn}[rotated],
					Reason: map[bool]string{true: "a new refresh token came back: the old one should now be refused", false: "the same refresh token is still in use (no rotation)"}[rotated]})
				// A refreshed ID token answers no login, so there is no
				// nonce to compare it with (OIDC Core §12.2).
				return tokenResult(ctx, env, vars, r, tok, "")
			},
		}}}
}

// Introspect asks the server whether a token is active (RFC 7662).
func Introspect() Flow {
	return Flow{ID: "introspect", Title: "Introspect", Client: TokenClient,
		Summary: "Ask the authorization server whether the token is still active, and what it grants.",
		Steps:   []Step{introspectStep()}}
}

func introspectStep() Step {
	return Step{
		ID: "introspect", Title: "Introspect the token",
		Why: "A resource server that cannot (or will not) check a token itself asks the authorization server, " +
			"authenticating as a client (RFC 7662 §2.1). The answer is {\"active\":false} for any token that is " +
			"expired, revoked or unknown — the server says nothing more (§2.2) — or the token's scope, client and expiry.",
		RFC: "RFC 7662 §2", From: ResourceServer, To: AuthServer, Inputs: []string{"access_token", "client_id", "client_secret"}, Effect: IntrospectsToken,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			r, in := introspect(ctx, env, vars)
			if in == nil {
				return r
			}
			st, why := oauth.Pass, "the server says the token is active"
			if !in.Active {
				st, why = oauth.Fail, in.Hint
			}
			r.Checks = []oauth.Check{{Name: checkActive, Status: st, Reason: why}}
			if in.Active {
				r.ActiveUntil = in.Exp
			}
			return r
		},
	}
}

// checkActive is the introspection's verdict: the server says the token
// is active. Time (Result.At) and a revocation (AfterRevocation) can make
// it false while it is on screen.
const checkActive = "active"

// AfterRevocation returns r, the result of a step that introspected a
// token, as it reads once rev, a revocation the server accepted, revoked
// that very token: an "active" answer no longer holds, and fails saying
// why. Any other result, or one about another token, is r as it is.
func (r Result) AfterRevocation(rev Result) Result {
	asked, revoked := sentToken(r), sentToken(rev)
	if asked == "" || asked != revoked || rev.Failed() {
		return r
	}
	return r.noLongerActive("the token has been revoked since")
}

// noLongerActive turns a passed "active" check failed, since says why.
func (r Result) noLongerActive(since string) Result {
	i := slices.IndexFunc(r.Checks, func(c oauth.Check) bool { return c.Name == checkActive && c.Status == oauth.Pass })
	if i < 0 {
		return r
	}
	r.Checks = slices.Clone(r.Checks)
	r.Checks[i] = oauth.Check{Name: checkActive, Status: oauth.Fail,
		Reason: "the server said the token was active, but " + since + ": it is not active now (RFC 7662 §2.2); introspect again to ask"}
	r.Outputs = slices.Clone(r.Outputs)
	for j, o := range r.Outputs {
		if o.Name == checkActive && o.Value == "true" {
			r.Outputs[j].Value = "true when asked; not now: " + since
		}
	}
	return r
}

// sentToken is the token parameter a step's last form request sent
// (introspection, RFC 7662 §2.1; revocation, RFC 7009 §2.1), "" if none.
func sentToken(r Result) string {
	for i := len(r.Exchanges) - 1; i >= 0; i-- {
		if v, err := url.ParseQuery(string(r.Exchanges[i].RequestBody)); err == nil && v.Get("token") != "" {
			return v.Get("token")
		}
	}
	return ""
}

// introspect asks about the access token and records the answer's
// outputs; in is nil when there is no answer (r.Err says why).
func introspect(ctx context.Context, env *Env, vars Vars) (r Result, in *oauth.Introspection) {
	if !ensureDiscovered(ctx, env, vars, &r) {
		return r, nil
	}
	// Introspection is the resource server's question (RFC 7662 §2.1): a
	// public client cannot authenticate, so servers such as Keycloak do not
	// answer it. When the token's client is public and the resource
	// server's credentials are known, ask as the resource server, and say so.
	asker := env
	if !env.Settings.Confidential() && env.ResourceServer != nil && env.ResourceServer.Confidential() {
		rs := *env
		rs.Settings = *env.ResourceServer
		asker = &rs
		r.Outputs = append(r.Outputs, Output{Name: "asked as", Value: rs.Settings.ClientID + " (the resource server's client: " +
			env.Settings.ClientID + " is public and may not introspect, RFC 7662 §2.1)"})
	}
	hint, why := TokenTypeHint(vars)
	shown := hint
	if shown == "" {
		shown = "none"
	}
	r.Outputs = append(r.Outputs, Output{Name: "token_type_hint", Value: shown + " (" + why + ")"})
	in, ex, err := oauth.Introspect(ctx, asker.HTTP, vars[VarIntrospectionEndpoint], clientConfig(asker, vars), vars[VarAccessToken], hint)
	authenticated(&r, ex)
	if err != nil {
		if e := oauth.Explain(err); e.Status >= 400 && !asker.Settings.Confidential() {
			// The usual cause, said with the client's name: Keycloak
			// answers a public client 403 "Client not allowed.".
			id := asker.Settings.ClientID
			e.What = "the server will not answer " + id + " whether the token is active"
			e.Cause = id + " is a public client (it has no secret, like every app on a user's machine), so it cannot prove who it is; " +
				"introspection must only answer callers it can authenticate (RFC 7662 §2.1), and servers such as Keycloak answer only confidential clients"
			e.Try = "introspect as a confidential client, the resource server's own (the embedded FakeBook does so once it validates by introspection); " +
				"or call the API with the token and read its answer"
			return failed(env, r, e), nil
		}
		return failed(env, r, err), nil
	}
	r.Outputs = append(r.Outputs, Output{Name: "active", Value: fmt.Sprint(in.Active)}, Output{Name: "scope", Value: in.Scope},
		Output{Name: "client_id", Value: in.ClientID}, Output{Name: "sub", Value: in.Sub})
	// With the date when it is not today: a refresh token's exp two
	// weeks out, shown as a time of day, reads as already past.
	if !in.Exp.IsZero() {
		r.Outputs = append(r.Outputs, TimeOutput("exp", in.Exp, env.Clock()))
	}
	if iat, ok := in.Raw["iat"].(json.Number); ok {
		if sec, err := iat.Int64(); err == nil {
			r.Outputs = append(r.Outputs, TimeOutput("iat", time.Unix(sec, 0), env.Clock()))
		}
	}
	return r, in
}

// Revoke introspects the access token, revokes it, then introspects it
// again: the revocation took effect only if the server said the token was
// active before and says it is inactive after.
func Revoke() Flow {
	return Flow{ID: "revoke", Title: "Revoke", Client: TokenClient,
		Summary: "Ask whether the token is active, revoke it (RFC 7009), then ask again: active before and inactive after is a revocation that took effect.",
		Steps:   []Step{activeBeforeStep(), revokeStep(nextStepAsks), revokedStep()}}
}

// varInactiveBefore holds a digest of the access token the server said was
// inactive before it was revoked: its inactive answer after the revocation
// then proves nothing.
const varInactiveBefore = "inactive_before_revocation"

// tokenDigest names a token in vars without keeping another copy of it.
func tokenDigest(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// activeBeforeStep is introspection before a revocation. Neither an
// inactive answer nor a refusal stops the revocation, but each is said, and
// an inactive answer is remembered: a server says inactive for an expired
// token, or (Keycloak 26.6.2 and later) for any token whose aud does not
// name the client asking, and then says it again after the revocation
// whether it took effect or not.
func activeBeforeStep() Step {
	return clientIntrospects("active-before", "Check the token is active", "Before revoking, the client asks the server whether "+
		"the token is active (RFC 7662 §2.1). Only a token active now and inactive after the revocation shows the revocation "+
		"took effect: a server also answers {\"active\":false} for a token that expired, or that it will not tell this client about.",
		judgeActiveBefore)
}

// checkActiveBefore is activeBeforeStep's check: what the server said
// before the revocation, which the revocation does not make untrue (it is
// not checkActive, which a later revocation turns failed).
const checkActiveBefore = "active before"

// judgeActiveBefore is activeBeforeStep's verdict.
func judgeActiveBefore(_ *Env, vars Vars, r *Result, in *oauth.Introspection) {
	switch {
	case in == nil:
		// Not asking is no reason not to revoke: the revocation is the
		// user's aim, and the step after it fails with this same reason.
		r.Checks = []oauth.Check{{Name: checkActiveBefore, Status: oauth.Warn, Reason: "the server would not say whether the token is active, " +
			"so the check after the revocation will not either: " + oauth.Explain(r.Err).Error()}}
		r.Err = nil
	case in.Active:
		r.Vars = Vars{varInactiveBefore: ""}
		r.Checks = []oauth.Check{{Name: checkActiveBefore, Status: oauth.Pass, Reason: "the server said the token was active before the revocation: an inactive answer after it is the revocation's doing"}}
	default:
		r.Vars = Vars{varInactiveBefore: tokenDigest(vars[VarAccessToken])}
		r.Checks = []oauth.Check{{Name: checkActiveBefore, Status: oauth.Warn, Reason: "the server already said the token was not active before the revocation, so the check after it cannot show it took effect. " + in.Hint}}
	}
}

// clientIntrospects is the client asking about its token around a
// revocation (introspectStep as the client, with its own id, title and
// why); judge gives the verdict on the answer, or on its absence (in nil,
// r.Err saying why).
func clientIntrospects(id, title, why string, judge func(env *Env, vars Vars, r *Result, in *oauth.Introspection)) Step {
	s := introspectStep()
	s.ID, s.Title, s.Why, s.From = id, title, why, Client
	s.Run = func(ctx context.Context, env *Env, vars Vars) Result {
		r, in := introspect(ctx, env, vars)
		judge(env, vars, &r, in)
		return r
	}
	return s
}

// RevokeAlone is the revocation request without the introspection that
// follows it in Revoke: the headless revoke command, whose client may not
// be one that may introspect. Its step points at oauthlab introspect, not
// at a next step there is none of.
func RevokeAlone() Flow {
	return Flow{ID: "revoke", Title: "Revoke", Client: TokenClient,
		Summary: "Revoke the token (RFC 7009); oauthlab introspect then says whether it is still active.",
		Steps:   []Step{revokeStep(introspectCommandAsks)}}
}

// Who asks, after a revocation, whether the token is still active: the
// revoke step's texts end with one of these.
const (
	nextStepAsks          = "the next step asks whether the token is still active"
	introspectCommandAsks = "oauthlab introspect asks the server whether the token is still active (RFC 7662)"
)

// revokeStep is the revocation request; asks says what tells whether the
// token is still active after it, which the request itself does not.
func revokeStep(asks string) Step {
	return Step{
		ID: "revoke", Title: "Revoke the token",
		Why: "The client that obtained the token tells the server it no longer needs it (RFC 7009 §2.1); the server " +
			"revokes a token only for the client it was issued to. The answer is 200 even for a token the server does " +
			"not know (§2.2), so a 200 says the request was accepted, not that the token is dead: " + asks + ". " +
			"A JWT still verifies locally until it expires: only introspection sees the revocation at once.",
		RFC: "RFC 7009 §2", From: Client, To: AuthServer, Inputs: []string{"access_token", "token_client_id"}, Effect: RevokesToken,
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			if owner := vars[VarTokenClientID]; owner != "" && owner != env.Settings.ClientID {
				return failed(env, r, &oauth.Error{Op: "revoke", What: "this token was obtained by " + owner + ", not by " + env.Settings.ClientID,
					Cause: "a server revokes a token only for the client it was issued to (RFC 7009 §2.1); another client's request is refused, or answered 200 as for an unknown token while the token stays active",
					Try:   "revoke with " + owner + "'s settings"})
			}
			if !ensureDiscovered(ctx, env, vars, &r) {
				return r
			}
			hint, _ := TokenTypeHint(vars)
			ex, err := oauth.Revoke(ctx, env.HTTP, vars[VarRevocationEndpoint], clientConfig(env, vars), vars[VarAccessToken], hint)
			authenticated(&r, ex)
			if err != nil {
				return failed(env, r, err)
			}
			r.Checks = []oauth.Check{{Name: "accepted", Status: oauth.Pass, Reason: "the server accepted the revocation request of " + env.Settings.ClientID +
				" (200); RFC 7009 §2.2 answers 200 for an unknown token too, so this does not say the token is revoked: " + asks}}
			for _, e := range ex {
				if note := oauth.RevocationNote(e); note != "" {
					r.Checks = append(r.Checks, oauth.Check{Name: "note", Status: oauth.Warn, Reason: note})
				}
			}
			return r
		},
	}
}

// revokedStep is introspection with the verdict the Revoke flow needs:
// inactive is the success, still active the failure; inactive when it was
// so before the revocation too proves nothing.
func revokedStep() Step {
	return clientIntrospects("revoked", "Check the token is inactive", "A 200 from the revocation endpoint does not prove "+
		"anything (RFC 7009 §2.2), so the client asks the server about the token (RFC 7662 §2.1). {\"active\":false}, for a "+
		"token it called active before, means the revocation took effect; a token still active was not revoked.", judgeRevoked)
}

// judgeRevoked is revokedStep's verdict.
func judgeRevoked(env *Env, vars Vars, r *Result, in *oauth.Introspection) {
	switch {
	case in == nil:
	case !in.Active && vars[varInactiveBefore] != "" && vars[varInactiveBefore] == tokenDigest(vars[VarAccessToken]):
		r.Checks = []oauth.Check{{Name: "inactive", Status: oauth.Warn, Reason: "the server says the token is not active, but it said so before the revocation too: " +
			"this does not show the revocation took effect (an expired token, or on Keycloak 26.6.2 and later a token whose aud does not name " +
			"the client asking, is answered inactive whether revoked or not)"}}
	case !in.Active:
		r.Checks = []oauth.Check{{Name: "inactive", Status: oauth.Pass, Reason: "the server now says the token is not active: the revocation took effect"}}
	default:
		why := "the server still says the token is active: the revocation did not take effect"
		if in.ClientID != "" && in.ClientID != env.Settings.ClientID {
			why += "; the token belongs to " + in.ClientID + " and the revocation was asked as " + env.Settings.ClientID +
				" — a server revokes a token only for the client it was issued to (RFC 7009 §2.1)"
		} else {
			why += "; some servers revoke only refresh tokens, or keep a JWT access token valid until it expires"
		}
		r.Checks = []oauth.Check{{Name: "inactive", Status: oauth.Fail, Reason: why}}
	}
}
