package flows

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// All returns the flows the workbench lists, in teaching order.
func All() []Flow {
	return []Flow{ClientCredentials(), AuthorizationCode(), Refresh(), Introspect(), Revoke(), Discovery()}
}

// EmbeddedSettings are the demo client's settings for the embedded world:
// a token that can read FakeBook but not write it, so the first POST shows
// a 403 and what scope to ask for.
func EmbeddedSettings(w *embedded.World) Settings {
	return Settings{
		Issuer:       w.Issuer,
		ClientID:     authserver.DemoClientID,
		ClientSecret: oauth.Secret(authserver.DemoClientSecret),
		Scopes:       []string{authserver.ScopeRead, authserver.ScopeTestAPI},
		CallbackPath: "/callback",
		APIBase:      w.APIBase,
	}
}

// APIRequest is one call to the resource server.
type APIRequest struct {
	Method string
	Path   string
	Body   []byte
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
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				u = strings.TrimRight(env.Settings.APIBase, "/") + req.Path
			}
			resp, ex, err := oauth.CallAPI(ctx, env.HTTP, req.Method, u, vars[VarAccessToken], req.Body)
			r.Exchanges = ex
			if err != nil {
				return failed(r, err)
			}
			r.Outputs = []Output{{Name: "status", Value: fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status))}}
			if h := resp.Header.Get("WWW-Authenticate"); h != "" {
				r.Outputs = append(r.Outputs, Output{Name: "WWW-Authenticate", Value: h})
			}
			if e := resp.Explain(); e != nil {
				if c := resp.Challenge; c != nil && c.Scope != "" {
					e.Try = "get a token with the scope " + c.Scope + " (add it to the requested scopes and run the token step again); a client not allowed that scope gets invalid_scope"
				}
				r.Err = e
				return r
			}
			r.Checks = []oauth.Check{{Name: "status", Status: oauth.Pass, Reason: fmt.Sprintf("%d: the token was accepted and carried the scope the route needs", resp.Status)}}
			return r
		},
	}
}

// InspectToken decodes and validates a token given by the user.
func InspectToken(name, raw string) Step {
	return Step{
		ID:    "inspect",
		Title: "Decode and validate the token",
		Why: "A JWT is three base64url parts: header, payload and signature (RFC 7515 §7.1). Decoding needs no key; " +
			"trusting it does: the signature must verify with a key from the issuer's jwks_uri, and exp, nbf, iss " +
			"and aud must hold (RFC 7519 §7.2, RFC 9068 §4).",
		RFC:    "RFC 7519 §7.2, RFC 9068 §4",
		From:   Client,
		To:     Client,
		Inputs: []string{"token", "issuer"},
		Run: func(ctx context.Context, env *Env, vars Vars) Result {
			t := inspect(ctx, env, vars, name, raw, false)
			r := Result{Tokens: []Token{t}}
			if t.JWT == nil && strings.Count(raw, ".") >= 1 {
				_, err := oauth.DecodeJWT(raw)
				r.Checks = []oauth.Check{{Name: "format", Status: oauth.Fail, Reason: err.Error()}}
			}
			return r
		},
	}
}
