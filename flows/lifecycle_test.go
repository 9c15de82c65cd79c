package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/oauth"
)

// The exchange spends the code only when it sent it: a code that never left
// the app (no token endpoint, the issuer unreachable) is kept for a retry.
func TestExchangeKeepsTheCodeItDidNotSend(t *testing.T) {
	env := &Env{HTTP: &http.Client{Timeout: 5 * time.Second}, Settings: Settings{Issuer: "http://127.0.0.1:1/realms/none", ClientID: "app"}}
	tests := []struct {
		name string
		vars Vars
	}{
		{"no code", Vars{VarTokenEndpoint: "http://127.0.0.1:1/token"}},
		{"code, endpoints unknown, issuer unreachable", Vars{varCode: "the-code", varVerifier: "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exchangeStep().Run(context.Background(), env, tt.vars)
			if r.Err == nil {
				t.Fatal("got no error, want the step to fail")
			}
			if _, ok := r.Vars[varCode]; ok {
				t.Fatalf("got vars %v, want the code left alone (nothing was sent)", r.Vars)
			}
		})
	}
}

// The code is spent once sent, even when the server refuses it.
func TestExchangeSpendsTheCodeItSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		w.Write([]byte(`{"error":"invalid_grant","error_description":"Code not valid"}`))
	}))
	defer srv.Close()
	env := &Env{HTTP: srv.Client(), Settings: Settings{Issuer: srv.URL, ClientID: "app"}}
	r := exchangeStep().Run(context.Background(), env, Vars{VarTokenEndpoint: srv.URL + "/token", varCode: "the-code"})
	if r.Err == nil {
		t.Fatal("got no error, want invalid_grant")
	}
	if code, ok := r.Vars[varCode]; !ok || code != "" {
		t.Fatalf("got vars %v, want the sent code cleared", r.Vars)
	}
}

// lifecycleServer answers revocation with 200 and introspection with the
// given activity: a server where revocation takes effect, or one where it
// silently does not.
func lifecycleServer(t *testing.T, activeAfterRevoke bool) *httptest.Server {
	t.Helper()
	return introspectionServer(t, true, activeAfterRevoke)
}

// introspectionServer answers revocation with 200 and introspection with
// activeBefore until a revocation, activeAfter after it.
func introspectionServer(t *testing.T, activeBefore, activeAfter bool) *httptest.Server {
	t.Helper()
	revoked := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/revoke":
			revoked = true
			w.WriteHeader(200)
		case "/introspect":
			w.Header().Set("Content-Type", "application/json")
			active := activeBefore
			if revoked {
				active = activeAfter
			}
			json.NewEncoder(w).Encode(map[string]any{"active": active, "client_id": "app"})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func lifecycleVars(base string) Vars {
	return Vars{VarTokenEndpoint: base + "/token", VarRevocationEndpoint: base + "/revoke", VarIntrospectionEndpoint: base + "/introspect",
		VarAccessToken: "opaque-token", VarTokenClientID: "app"}
}

// The Revoke flow's verdict is what the server says before and after:
// active then inactive is the success, still active the failure, whatever
// the 200 said; inactive before and after proves nothing (an expired
// token, or Keycloak 26.6.2+ not telling a client outside the token's aud),
// and is never called a revocation that took effect.
func TestRevokeVerdictComesFromTheIntrospection(t *testing.T) {
	tests := []struct {
		name          string
		before, after bool
		want          oauth.CheckStatus
		reason        string
	}{
		{"revocation takes effect", true, false, oauth.Pass, "revocation took effect"},
		{"200 but still active", true, true, oauth.Fail, "still says the token is active"},
		{"inactive before too", false, false, oauth.Warn, "does not show the revocation took effect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := introspectionServer(t, tt.before, tt.after)
			env := &Env{HTTP: srv.Client(), Settings: Settings{Issuer: srv.URL, ClientID: "app", ClientSecret: "s3cret"}}
			rs := RunAll(context.Background(), env, Revoke(), lifecycleVars(srv.URL), nil)
			if len(rs) != 3 {
				t.Fatalf("got %d results, want 3", len(rs))
			}
			check(t, rs[0].Checks, checkActiveBefore, map[bool]oauth.CheckStatus{true: oauth.Pass, false: oauth.Warn}[tt.before])
			mustPass(t, "revoke", rs[1])
			check(t, rs[1].Checks, "accepted", oauth.Pass)
			check(t, rs[2].Checks, "inactive", tt.want)
			if rs[2].Failed() != (tt.want == oauth.Fail) {
				t.Fatalf("step verdict: failed=%v, want %v", rs[2].Failed(), tt.want == oauth.Fail)
			}
			if !strings.Contains(rs[2].Checks[0].Reason, tt.reason) {
				t.Fatalf("reason %q, want it to say %q", rs[2].Checks[0].Reason, tt.reason)
			}
			if tt.want != oauth.Pass && strings.Contains(rs[2].Checks[0].Reason, ": the revocation took effect") {
				t.Fatalf("reason %q claims the revocation took effect", rs[2].Checks[0].Reason)
			}
		})
	}
}

// The revocation's 200 proves nothing, so its step says what asks next:
// in Revoke (the TUI's flow, the revoked-token lab) the step that follows,
// alone (the headless command) oauthlab introspect; never a next step
// where none follows.
func TestRevokeSaysWhatAsksNext(t *testing.T) {
	lab, _ := LabByName("revoked-token")
	for _, tc := range []struct {
		name  string
		steps []Step
		want  string
	}{
		{"Revoke", Revoke().Steps, "the next step asks"},
		{"RevokeAlone", RevokeAlone().Steps, "oauthlab introspect asks"},
		{"revoked-token lab", lab.Steps, "the next step asks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := slices.IndexFunc(tc.steps, func(s Step) bool { return s.ID == "revoke" })
			if i < 0 {
				t.Fatal("no revoke step")
			}
			srv := lifecycleServer(t, false)
			env := &Env{HTTP: srv.Client(), Settings: Settings{Issuer: srv.URL, ClientID: "app", ClientSecret: "s3cret"}}
			r := tc.steps[i].Run(context.Background(), env, lifecycleVars(srv.URL))
			mustPass(t, "revoke", r)
			check(t, r.Checks, "accepted", oauth.Pass)
			for what, text := range map[string]string{"why": tc.steps[i].Why, "accepted": r.Checks[0].Reason} {
				if !strings.Contains(text, tc.want) {
					t.Errorf("%s: got %q, want it to say %q", what, text, tc.want)
				}
				last := i == len(tc.steps)-1
				if says := strings.Contains(text, "next step"); says && (last || tc.steps[i+1].Effect != IntrospectsToken) {
					t.Errorf("%s: got %q, which promises a next step that asks, and none follows", what, text)
				}
			}
		})
	}
}

// A token is revoked by the client that obtained it: asked as another
// client, the step refuses before sending anything.
func TestRevokeRefusesAnotherClientsToken(t *testing.T) {
	srv := lifecycleServer(t, false)
	env := &Env{HTTP: srv.Client(), Settings: Settings{Issuer: srv.URL, ClientID: "test_api_client", ClientSecret: "s3cret"}}
	vars := lifecycleVars(srv.URL)
	vars[VarTokenClientID] = "oauthlab-cli"
	r := revokeStep(nextStepAsks).Run(context.Background(), env, vars)
	if r.Err == nil || len(r.Exchanges) != 0 {
		t.Fatalf("got err %v and %d exchanges, want a refusal before sending", r.Err, len(r.Exchanges))
	}
	if e := oauth.Explain(r.Err); !strings.Contains(e.What, "oauthlab-cli") || !strings.Contains(e.Try, "oauthlab-cli") {
		t.Fatalf("got %+v, want the token's client named", e)
	}
}

// A public client that may not introspect is told so, naming the client,
// instead of a verdict about the token.
func TestIntrospectionRefusedToAPublicClientSaysWhy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		w.Write([]byte(`{"error":"invalid_request","error_description":"Client not allowed."}`))
	}))
	defer srv.Close()
	env := &Env{HTTP: srv.Client(), Settings: Settings{Issuer: srv.URL, ClientID: "oauthlab-cli"}}
	for _, s := range []Step{introspectStep(), revokedStep()} {
		r := s.Run(context.Background(), env, lifecycleVars(srv.URL))
		e := oauth.Explain(r.Err)
		if r.Err == nil || len(r.Checks) != 0 {
			t.Fatalf("%s: got err %v checks %+v, want a failure without a verdict", s.ID, r.Err, r.Checks)
		}
		if !strings.Contains(e.What, "oauthlab-cli") || !strings.Contains(e.Cause, "public client") {
			t.Fatalf("%s: got %+v, want the public client named and why", s.ID, e)
		}
	}
}

// Result.At re-evaluates the tokens' time checks; the verdict follows.
func TestResultAtTurnsAnExpiredTokenFailed(t *testing.T) {
	issued := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	raw := fakeJWT(fmt.Sprintf(`{"iat":%d,"exp":%d}`, issued.Unix(), issued.Add(5*time.Minute).Unix()))
	jwt, err := oauth.DecodeJWT(raw)
	if err != nil {
		t.Fatal(err)
	}
	r := Result{Tokens: []Token{{Name: VarAccessToken, Raw: raw, JWT: jwt, Checks: []oauth.Check{
		{Name: "signature", Status: oauth.Pass, Reason: "ok"}, {Name: "exp", Status: oauth.Pass, Reason: "expires in 4m59s"}}}}}
	if r.At(issued.Add(time.Minute)).Failed() {
		t.Fatal("a token valid for 4 more minutes fails")
	}
	later := r.At(issued.Add(5*time.Minute + 13*time.Second))
	if !later.Failed() {
		t.Fatal("an expired token's step does not fail")
	}
	check(t, later.Tokens[0].Checks, "exp", oauth.Fail)
	check(t, later.Tokens[0].Checks, "signature", oauth.Pass)
	check(t, r.Tokens[0].Checks, "exp", oauth.Pass) // the original is untouched

	// A verdict on a missing claim is not the clock's to change.
	noIat := fakeJWT(fmt.Sprintf(`{"exp":%d}`, issued.Add(5*time.Minute).Unix()))
	jwt, _ = oauth.DecodeJWT(noIat)
	id := Result{Tokens: []Token{{Name: VarIDToken, Raw: noIat, JWT: jwt, Checks: []oauth.Check{{Name: "iat", Status: oauth.Fail, Reason: "missing (OIDC Core §2 requires it)"}}}}}
	check(t, id.At(issued).Tokens[0].Checks, "iat", oauth.Fail)
}

// A user's sign-in client is public: it revokes its own token (RFC 7009
// §2.1 lets it, with its client_id), but may not introspect, so the
// introspection after it asks as the resource server and the verdict is
// the truth: inactive, ✓. Without the resource server's credentials the
// step says why the server would not answer.
func TestSignedInTokenIsRevokedByItsClientAndCheckedByTheResourceServer(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			_, env := world(t, style)
			machine := env.Settings
			env.Settings.ClientID, env.Settings.ClientSecret = authserver.NativeClientID, ""
			env.Settings.Scopes = []string{"openid", authserver.ScopeRead}
			env.OpenBrowser = formBrowser(t, "alice")
			vars := Vars{}
			f := AuthorizationCode()
			f.Steps = f.Steps[:3]
			for i, r := range RunAll(context.Background(), env, f, vars, nil) {
				mustPass(t, f.Steps[i].Title, r)
				vars.Merge(r.Vars)
			}

			env.ResourceServer = &machine
			in := introspectStep().Run(context.Background(), env, vars)
			mustPass(t, "introspect before revoking", in)
			check(t, in.Checks, "active", oauth.Pass)
			if out := outputOf(in, "asked as"); !strings.Contains(out, machine.ClientID) {
				t.Errorf("the introspection must say it asked as %s, got %q", machine.ClientID, out)
			}

			rs := RunAll(context.Background(), env, Revoke(), vars, nil)
			if len(rs) != 3 {
				t.Fatalf("got %d results, want the check before, revoke and the check after", len(rs))
			}
			check(t, rs[0].Checks, checkActiveBefore, oauth.Pass)
			mustPass(t, "revoke", rs[1])
			mustPass(t, "check the token is inactive", rs[2])
			check(t, rs[2].Checks, "inactive", oauth.Pass)
			for _, ex := range rs[1].Exchanges {
				if strings.Contains(string(ex.RequestBody), "token=") && !strings.Contains(string(ex.RequestBody), "client_id="+authserver.NativeClientID) {
					t.Errorf("the revocation must be asked by %s, the token's client: %s", authserver.NativeClientID, ex.RequestBody)
				}
			}

			env.ResourceServer = nil
			alone := introspectStep().Run(context.Background(), env, vars)
			if alone.Err == nil || !strings.Contains(oauth.Explain(alone.Err).Cause, "public client") {
				t.Errorf("without the resource server's credentials, want the public-client explanation, got %v", alone.Err)
			}
		})
	}
}

func outputOf(r Result, name string) string {
	for _, o := range r.Outputs {
		if o.Name == name {
			return o.Value
		}
	}
	return ""
}

// introspected gets a client-credentials token from a Keycloak-shaped
// world and introspects it: the env, the vars, the token step's result
// and the introspection's, which found it active.
func introspected(t *testing.T) (*Env, Vars, Result, Result) {
	t.Helper()
	_, env := world(t, authserver.StyleKeycloak)
	vars := Vars{}
	rs := RunAll(context.Background(), env, ClientCredentials(), vars, nil)
	mustPass(t, "token", rs[1])
	in := introspectStep().Run(context.Background(), env, vars)
	mustPass(t, "introspect", in)
	return env, vars, rs[1], in
}

// The outputs that tell a time are told again by Result.At: past the
// token's expiry, the token step's "expires", the introspection's exp
// and the device code's "expires" no longer say "(in 5m0s)".
func TestResultAtRetellsTheTimesItShows(t *testing.T) {
	ctx := context.Background()
	_, _, token, in := introspected(t)
	_, denv, _ := deviceWorld(t, authserver.StyleKeycloak)
	dvars := Vars{}
	var dev Result
	for _, s := range Device().Steps[:2] {
		dev = s.Run(ctx, denv, dvars)
		mustPass(t, s.ID, dev)
		dvars.Merge(dev.Vars)
	}
	later := time.Now().Add(2 * time.Hour)
	for _, tc := range []struct {
		name, out string
		r         Result
	}{{"token", "expires", token}, {"introspection", "exp", in}, {"device code", "expires", dev}} {
		if got := outputOf(tc.r, tc.out); !strings.Contains(got, "(in ") {
			t.Errorf("%s: %s when it ran: got %q, want it ahead", tc.name, tc.out, got)
		}
		if got := outputOf(tc.r.At(later), tc.out); !strings.Contains(got, " ago)") {
			t.Errorf("%s: %s two hours on: got %q, want it past (… ago)", tc.name, tc.out, got)
		}
	}
	// The server's "active" holds until the token expires, not after.
	check(t, in.At(time.Now()).Checks, "active", oauth.Pass)
	check(t, in.At(later).Checks, "active", oauth.Fail)
	if !in.At(later).Failed() {
		t.Error("an introspection that found active a token expired since does not fail")
	}
}

// A revocation of the token an introspection found active turns its
// verdict; a revocation of another token, or one refused, does not.
func TestAfterRevocationTurnsOnlyThatTokensActive(t *testing.T) {
	ctx := context.Background()
	env, vars, _, in := introspected(t)
	other := Vars{}
	other.Merge(vars)
	RunAll(ctx, env, ClientCredentials(), other, nil) // another token
	// The revocation step itself: Revoke's first step is the introspection
	// before it.
	revoke := RevokeAlone().Steps[0]
	revOther := revoke.Run(ctx, env, other)
	mustPass(t, "revoke another token", revOther)
	check(t, in.AfterRevocation(revOther).Checks, "active", oauth.Pass)
	rev := revoke.Run(ctx, env, vars)
	mustPass(t, "revoke", rev)
	refused := rev
	refused.Err = errors.New("refused")
	check(t, in.AfterRevocation(refused).Checks, "active", oauth.Pass)
	after := in.AfterRevocation(rev)
	check(t, after.Checks, "active", oauth.Fail)
	if got := outputOf(after, "active"); got == "true" || outputOf(in, "active") != "true" {
		t.Errorf("active after the revocation: got %q, want it no longer plain true (and the original kept)", got)
	}
	check(t, in.Checks, "active", oauth.Pass) // the original is untouched
}
