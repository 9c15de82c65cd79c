package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/validate"
)

// All returns the flows the workbench lists, in teaching order.
func All() []Flow {
	return []Flow{ClientCredentials(), AuthorizationCode(), Refresh(), Introspect(), Revoke(), Device(), Discovery()}
}

// APIRequest is one call to the resource server.
type APIRequest struct {
	Method string
	Path   string
	Body   []byte
	// Fields, when set, are the members of the JSON body, so a face can
	// edit it field by field (WithFields) instead of as JSON.
	Fields []Field
}

// CallAPI calls Settings.APIBase+Path (or Path itself when it is a full URL)
// with the current access token and explains the answer (RFC 6750 §3).
func CallAPI(req APIRequest) Step {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	return Step{
		ID:    "call",
		Title: req.Method + " " + req.Path,
		Why: "The client presents the access token as 'Authorization: Bearer …' (RFC 6750 §2.1). The resource " +
			"server checks the signature, expiry, issuer and audience, then the scope the route needs: no or a bad " +
			"token is 401 invalid_token, a good token without the scope is 403 insufficient_scope naming the scope " +
			"(RFC 6750 §3.1).",
		RFC:    "RFC 6750 §2.1, §3.1",
		From:   Client,
		To:     ResourceServer,
		Inputs: []string{"access_token", "api_base"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			var r Result
			u := req.Path
			if !IsURL(u) {
				if env.Settings.APIBase == "" {
					return failed(env, r, noAPIBase(req.Path))
				}
				u = strings.TrimRight(env.Settings.APIBase, "/") + req.Path
			}
			resp, ex, err := oauth.CallAPI(ctx, env.HTTP, req.Method, u, vars[VarAccessToken], req.Body)
			r.Exchanges = ex
			if err != nil {
				return failed(env, r, err)
			}
			r.Outputs = answerOutputs(resp)
			if e := resp.Explain(); e != nil {
				explainBound(&r, e, resp.Status, vars[VarAccessToken])
				explainIDToken(e, resp.Status, vars[VarAccessToken])
				if c := resp.Challenge; c != nil && c.Scope != "" {
					how := "add it to the requested scopes and run the token step again" // the TUI's
					if !env.Rerun {
						how = "add it to the requested scopes, --scope, and get the token again"
					}
					e.Try = "get a token with the scope " + c.Scope + " (" + how + "); a client not allowed that scope gets invalid_scope"
				}
				if resp.Status == http.StatusUnauthorized && env.Settings.Embedded() {
					if iss := claimedIssuer(vars[VarAccessToken]); iss != "" && iss != env.Settings.EmbeddedIssuer {
						e.Cause = "the token was issued by " + iss + ", not by this embedded world (" + env.Settings.EmbeddedIssuer +
							"): each --embedded command starts a fresh world with fresh keys, and the world that signed the token ended with its command"
						e.Try = "get the token in the same command (oauthlab call --embedded without --token-env fetches one), or keep one world: " +
							"run oauthlab serve and pass the issuer it prints (--issuer) to every command"
					}
				}
				switch {
				case resp.Status == http.StatusConflict && e.Code == codeCatalogueFull:
					// FakeBook's store is bounded: no id is at fault.
					e.Cause = "the API keeps a bounded number of resources and holds that many now; the same request will get this answer until some are deleted"
					e.Try = "DELETE a book (DELETE /books/{id}) to make room, or restart the API"
				case resp.Status == http.StatusConflict:
					if id := bodyID(req.Body); id != "" {
						e.Cause = "the API already has a resource with the id " + id + " (RFC 9110 §15.5.10): the same request will always get this answer"
						e.Try = "send another id than " + id + ", or PUT " + strings.TrimRight(req.Path, "/") + "/" + id + " to replace it"
					}
				}
				r.Err = e
				return r
			}
			r.Checks = []oauth.Check{answered(resp.Status)}
			explainBound(&r, nil, resp.Status, vars[VarAccessToken])
			return r
		},
	}
}

// answered is the verdict on an answer below 400. A 2xx says the API
// served the request, not that it looked at the token: a route that needs
// none (FakeBook's /api/public) answers the same with any token or none.
// Anything else (a 304, a 3xx not followed) served nothing, and is no pass.
func answered(status int) oauth.Check {
	if status < 200 || status > 299 {
		return oauth.Check{Name: "status", Status: oauth.Warn, Reason: fmt.Sprintf("%d %s: neither a success nor a refusal; the request was not served", status, http.StatusText(status))}
	}
	return oauth.Check{Name: "status", Status: oauth.Pass, Reason: fmt.Sprintf("%d: the API served the request — had the route needed a token or a scope this one lacks, "+
		"it would have answered 401 or 403 (RFC 6750 §3.1); a route that needs none answers so to any token", status)}
}

// codeCatalogueFull is FakeBook's error code for a POST refused because its
// bounded catalogue is full (fakebook.CodeCatalogueFull): a 409 no id caused.
const codeCatalogueFull = "catalogue_full"

// bodyID is the "id" member of a JSON request body, "" without one.
func bodyID(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	switch id := m["id"].(type) {
	case string:
		return id
	case float64:
		return strconv.FormatFloat(id, 'f', -1, 64)
	}
	return ""
}

// InspectToken decodes and validates a token given by the user. Only an
// issuer the user pinned (Settings.Issuer: --issuer, a profile, the
// embedded world) can vouch for a token: with none, the token is checked
// against the issuer it names itself and fails the "trust" check, because
// anyone can mint a token naming their own server, whose keys then verify
// it and every other check passes.
func InspectToken(name, raw string) Step {
	return Step{
		ID:    "inspect",
		Title: "Decode and validate the token",
		Why: "A JWT is three base64url parts: header, payload and signature (RFC 7515 §7.1). Decoding needs no key; " +
			"trusting it does: the signature must verify with a key from the jwks_uri of the issuer you trust — not " +
			"whichever issuer the token names — and exp, nbf, iss and aud must hold (RFC 7519 §7.2, RFC 9068 §4).",
		RFC:    "RFC 7519 §7.2, RFC 9068 §4",
		From:   Client,
		To:     Client,
		Inputs: []string{"token", "issuer"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			tok, scheme := cutAuthScheme(raw)
			e := *env
			pinned := e.Settings.issuer()
			if pinned == "" {
				e.Settings.Issuer = claimedIssuer(tok)
			}
			var r Result
			t := inspect(ctx, &e, vars, &r, name, tok, false)
			if t.JWT == nil {
				_, err := oauth.DecodeJWT(tok)
				t.Checks = []oauth.Check{{Name: "format", Status: oauth.Fail, Reason: err.Error() +
					": only a JWT can be checked here; an opaque token can only be checked by the server that issued it (oauthlab introspect, RFC 7662)"}}
			}
			if scheme != "" {
				reason := fmt.Sprintf("the input starts with %q, the Authorization header's scheme (RFC 6750 §2.1), not part of the token: pass the token alone", scheme)
				if t.JWT != nil {
					reason += "; what follows it is decoded and checked below"
				}
				t.Checks = append([]oauth.Check{{Name: "format", Status: oauth.Fail, Reason: reason}}, dropCheck(t.Checks, "format")...)
			}
			switch {
			case t.JWT == nil:
			case pinned == "":
				t.Checks = append(t.Checks, oauth.Check{Name: CheckTrust, Status: oauth.Fail, Reason: "no issuer was pinned (--issuer, --profile or --embedded), so the token was checked against " +
					quoteIssuer(e.Settings.Issuer) + ", the issuer it names itself: anyone can mint a token naming their own server, whose keys then verify it"})
			case findCheck(t.Checks, validate.CheckSignature).Status != oauth.Pass:
				// Pinned, but its keys did not vouch for the token: they
				// could not be fetched, or the signature failed with them.
				t.Checks = append(t.Checks, oauth.Check{Name: CheckTrust, Status: oauth.Skip, Reason: "the issuer you pinned, " + pinned +
					", does not vouch for this token: its signature was not verified with that issuer's keys (see signature)"})
			default:
				t.Checks = append(t.Checks, oauth.Check{Name: CheckTrust, Status: oauth.Pass, Reason: "checked against " + pinned + ", the issuer you pinned, with the keys it publishes"})
			}
			if t.JWT != nil {
				// What no local check can see: "valid" is not "not revoked".
				t.Checks = append(t.Checks, oauth.Check{Name: "revoked", Status: oauth.Skip, Reason: "not checked here: a revoked JWT still verifies until it expires " +
					"(RFC 7009 §2); only its issuer can say (oauthlab introspect, RFC 7662)"})
			}
			t.Checks = append(t.Checks, boundCheck(t.JWT)...)
			t.Checks = append(t.Checks, idTokenCheck(t.JWT)...)
			r.Tokens = []Token{t}
			return r
		},
	}
}

// cutAuthScheme removes an "Authorization:" header name and a "Bearer"
// scheme pasted with a token, and returns what it removed ("" if nothing).
func cutAuthScheme(raw string) (token, scheme string) {
	s := strings.TrimSpace(raw)
	rest := s
	if len(rest) >= 14 && strings.EqualFold(rest[:14], "authorization:") {
		rest = strings.TrimSpace(rest[14:])
	}
	if len(rest) > 7 && strings.EqualFold(rest[:6], "bearer") && (rest[6] == ' ' || rest[6] == '\t') {
		rest = strings.TrimSpace(rest[7:])
	}
	if rest == s {
		return s, ""
	}
	return rest, strings.TrimSpace(s[:len(s)-len(rest)]) + " "
}

// claimedIssuer is the token's own iss, "" when it has none.
func claimedIssuer(raw string) string {
	if jwt, err := oauth.DecodeJWT(raw); err == nil {
		return jwt.Claims.String("iss")
	}
	return ""
}

// findCheck returns the check called name, a zero Check if there is none.
func findCheck(checks []oauth.Check, name string) oauth.Check {
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	return oauth.Check{}
}

func dropCheck(checks []oauth.Check, name string) []oauth.Check {
	out := checks[:0:0]
	for _, c := range checks {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

// answerOutputs are what an API's answer shows first: its status and, on a
// refusal, its RFC 6750 §3 challenge.
func answerOutputs(resp *oauth.APIResponse) []Output {
	out := []Output{{Name: "status", Value: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status))}}
	if h := resp.Header.Get("WWW-Authenticate"); h != "" {
		out = append(out, Output{Name: "WWW-Authenticate", Value: h})
	}
	return out
}
