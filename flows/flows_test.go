package flows

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/internal/testkey"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/oauth/oauthtest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	testkey.Install()
	oauthtest.Prestart()
	code := m.Run()
	oauthtest.StopAll()
	os.Exit(code)
}

func world(t *testing.T, style authserver.Style) (*embedded.World, *Env) {
	t.Helper()
	w, err := embedded.Start(context.Background(), embedded.Options{Style: style})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, &Env{HTTP: &http.Client{}, Settings: EmbeddedSettings(w)}
}

// The embedded world's settings as the product makes them, in
// internal/setup, handed over by settings_test.go: flows' own tests cannot
// import internal/setup, which imports flows, but its external tests can.
var EmbeddedSettings, EmbeddedSignInSettings, EmbeddedDeviceSettings func(*embedded.World) Settings

func mustPass(t *testing.T, what string, r Result) {
	t.Helper()
	if r.Failed() {
		t.Fatalf("%s failed: err=%v checks=%+v", what, r.Err, r.Checks)
	}
}

// check fails the test unless checks hold one called name with status
// want, and returns it.
func check(t *testing.T, checks []oauth.Check, name string, want oauth.CheckStatus) oauth.Check {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			if c.Status != want {
				t.Fatalf("check %s: got %s (%s), want %s", name, c.Status, c.Reason, want)
			}
			return c
		}
	}
	t.Fatalf("no %s check in %+v", name, checks)
	return oauth.Check{}
}

// The newcomer's path: a client-credentials token, decoded and validated,
// a 200 on GET /books and a 403 on POST /books that names the missing scope.
func TestClientCredentialsThenFakeBook(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			_, env := world(t, style)
			vars := Vars{}
			results := RunAll(context.Background(), env, ClientCredentials(), vars, nil)
			if len(results) != 2 {
				t.Fatalf("got %d results, want 2 (discovery, token)", len(results))
			}
			mustPass(t, "discovery", results[0])
			mustPass(t, "token", results[1])
			// The token request, then the fetch of the keys that check the
			// token (discovery already gave the jwks_uri).
			ex := results[1].Exchanges
			if len(ex) != 2 || ex[0].Method != "POST" || ex[0].Status != 200 || ex[1].Method != "GET" || ex[1].Status != 200 || keyFetches(results[1]) != 1 {
				t.Fatalf("token step: want the 200 token POST then the 200 key-set GET, got %d exchanges", len(ex))
			}
			tok := results[1].Tokens[0]
			if tok.JWT == nil || oauth.Failed(tok.Checks) {
				t.Fatalf("access token not decoded or not valid: %+v", tok.Checks)
			}
			check(t, tok.Checks, "signature", oauth.Pass)
			check(t, tok.Checks, "exp", oauth.Pass)

			get := CallAPI(APIRequest{Method: "GET", Path: "/books"}).Run(context.Background(), env, vars)
			mustPass(t, "GET /books", get)
			if get.Outputs[0].Value != "200 OK" {
				t.Fatalf("GET /books: got %s", get.Outputs[0].Value)
			}
			post := CallAPI(APIRequest{Method: "POST", Path: "/books", Body: []byte(`{"id":9,"title":"T","author":"A","cost":1,"num_pages":10}`)}).Run(context.Background(), env, vars)
			if !post.Failed() || post.Outputs[0].Value != "403 Forbidden" {
				t.Fatalf("POST /books with a read token: got %+v, want 403", post.Outputs)
			}
			if e := oauth.Explain(post.Err); !strings.Contains(e.Explained(), "fakebookapi.admin") {
				t.Fatalf("the 403 explanation must name the missing scope, got %q", e.Explained())
			}
			// Ask for the admin scope and the same POST is created.
			env.Settings.Scopes = append(env.Settings.Scopes, authserver.ScopeAdmin)
			mustPass(t, "token with admin", clientCredentialsStep().Run(context.Background(), env, vars))
			vars.Merge(clientCredentialsStep().Run(context.Background(), env, vars).Vars)
			post = CallAPI(APIRequest{Method: "POST", Path: "/books", Body: []byte(`{"id":9,"title":"T","author":"A","cost":1,"num_pages":10}`)}).Run(context.Background(), env, vars)
			mustPass(t, "POST /books with admin", post)
		})
	}
}

// formBrowser signs in on the embedded login page with plain form posts and
// follows the redirect to the loopback callback, as a person would.
func formBrowser(t *testing.T, user string) func(string) error {
	return func(authURL string) error {
		go func() {
			resp, err := authservertest.SignIn(nil, authURL, user, user, "allow") // follows the 302 to the callback
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func TestAuthorizationCodeRefreshIntrospectRevoke(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w, env := world(t, style)
			env.Settings = EmbeddedSignInSettings(w)
			env.OpenBrowser = formBrowser(t, "alice")
			var said, urls []string
			env.Progress = func(p Progress) { said, urls = append(said, p.Text), append(urls, p.URL) }
			vars := Vars{}
			results := RunAll(context.Background(), env, AuthorizationCode(), vars, nil)
			if len(results) != 4 {
				t.Fatalf("stopped after %d steps: %v", len(results), results[len(results)-1].Err)
			}
			for i, r := range results {
				mustPass(t, AuthorizationCode().Steps[i].Title, r)
			}
			if len(said) == 0 || !regexp.MustCompile(`code_challenge=`).MatchString(said[0]) {
				t.Fatalf("the authorization URL must be shown to the user, got %q", said)
			}
			if !strings.Contains(said[0], urls[0]) || !strings.Contains(urls[0], "code_challenge=") {
				t.Fatalf("the authorization URL must come as a URL too, got %q in %q", urls[0], said[0])
			}
			check(t, results[1].Checks, "state", oauth.Pass)
			ex := results[2]
			var id *Token
			for i := range ex.Tokens {
				if ex.Tokens[i].Name == VarIDToken {
					id = &ex.Tokens[i]
				}
			}
			if id == nil {
				t.Fatal("no ID token with openid")
			}
			check(t, id.Checks, "nonce", oauth.Pass)
			check(t, id.Checks, "signature", oauth.Pass)
			check(t, id.Checks, "at_hash", oauth.Pass) // the embedded server sets it
			seen := map[string]bool{}
			for _, c := range id.Checks {
				if seen[c.Name] {
					t.Errorf("the ID token's check %s appears twice: %+v", c.Name, id.Checks)
				}
				seen[c.Name] = true
			}
			check(t, results[3].Checks, "sub", oauth.Pass)
			if oauth.Failed(id.Checks) {
				t.Fatalf("a good ID token must not fail a check: %+v", id.Checks)
			}
			if results[3].Outputs[0].Name != "sub" {
				t.Fatalf("userinfo outputs: %+v", results[3].Outputs)
			}
			// Refresh rotates; the refresh token output is secret.
			rf := RunAll(context.Background(), env, Refresh(), vars, nil)
			mustPass(t, "refresh", rf[0])
			check(t, rf[0].Checks, "rotation", oauth.Pass)
			for _, o := range rf[0].Outputs {
				if o.Name == "refresh_token" && !o.Secret {
					t.Fatal("refresh_token output is not marked secret")
				}
			}
			// Introspect with the resource server's own credentials, revoke, introspect again.
			rsEnv := *env
			rsEnv.Settings.ClientID, rsEnv.Settings.ClientSecret = authserver.IntrospectClientID, authserver.IntrospectClientSecret
			in := introspectStep().Run(context.Background(), &rsEnv, vars)
			check(t, in.Checks, "active", oauth.Pass)
			rv := RunAll(context.Background(), env, Revoke(), vars, nil)
			check(t, rv[0].Checks, checkActiveBefore, oauth.Warn) // a public client is not told
			mustPass(t, "revoke", rv[1])
			after := introspectStep().Run(context.Background(), &rsEnv, vars)
			check(t, after.Checks, "active", oauth.Fail)
		})
	}
}

func TestFailuresAreExplained(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	env.Settings.ClientSecret = "Sup3r-S3cret-Value"
	r := RunAll(context.Background(), env, ClientCredentials(), Vars{}, nil)
	last := r[len(r)-1]
	e := oauth.Explain(last.Err)
	if e == nil || e.Code != "unauthorized_client" || e.Cause == "" || e.Try == "" {
		t.Fatalf("want Keycloak's unauthorized_client explained, got %+v", e)
	}
	if strings.Contains(e.Explained(), "Sup3r-S3cret-Value") {
		t.Fatal("the explanation leaks the secret")
	}
	env.Settings.Issuer = "http://127.0.0.1:1/realms/none"
	d := Discovery().Steps[0].Run(context.Background(), env, Vars{})
	if d.Err == nil || !strings.Contains(oauth.Explain(d.Err).Error(), "refused") {
		t.Fatalf("refused connection: got %v", d.Err)
	}
}

func TestInspectToken(t *testing.T) {
	_, env := world(t, authserver.StyleOkta)
	vars := Vars{}
	RunAll(context.Background(), env, ClientCredentials(), vars, nil)
	good := InspectToken("access_token", vars[VarAccessToken]).Run(context.Background(), env, Vars{})
	check(t, good.Tokens[0].Checks, "signature", oauth.Pass)
	parts := strings.Split(vars[VarAccessToken], ".")
	tampered := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	bad := InspectToken("access_token", tampered).Run(context.Background(), env, Vars{})
	check(t, bad.Tokens[0].Checks, "signature", oauth.Fail)
	two := InspectToken("access_token", parts[0]+"."+parts[1]).Run(context.Background(), env, Vars{})
	check(t, two.Tokens[0].Checks, "format", oauth.Fail)
}

// A token whose issuer cannot be reached is still read check by check: the
// signature fails in plain words (no Go error chain), the claims report.
func TestInspectTokenWhenTheIssuerIsUnreachable(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	vars := Vars{}
	RunAll(context.Background(), env, ClientCredentials(), vars, nil)
	offline := &Env{HTTP: env.HTTP, Settings: Settings{Issuer: "http://127.0.0.1:1/realms/myorg"}}
	r := InspectToken("access_token", vars[VarAccessToken]).Run(context.Background(), offline, Vars{})
	checks := r.Tokens[0].Checks
	check(t, checks, "signature", oauth.Fail)
	check(t, checks, "exp", oauth.Pass)
	check(t, checks, "iss", oauth.Fail) // the token names the live issuer, not the one asked for
	for _, c := range checks {
		if c.Name == "signature" && (!strings.Contains(c.Reason, "the connection was refused") || strings.Contains(c.Reason, "dial tcp")) {
			t.Fatalf("signature reason should say it plainly: %q", c.Reason)
		}
	}
}

// Passed: a run went through only when every step ran and none failed.
func TestPassed(t *testing.T) {
	f := Flow{Steps: []Step{{ID: "a"}, {ID: "b"}}}
	good := Result{Checks: []oauth.Check{{Name: "x", Status: oauth.Pass}}}
	bad := Result{Checks: []oauth.Check{{Name: "x", Status: oauth.Fail}}}
	for _, tt := range []struct {
		name    string
		results []Result
		want    bool
	}{
		{"every step passed", []Result{good, good}, true},
		{"a step failed", []Result{good, bad}, false},
		{"stopped short", []Result{good}, false},
		{"nothing ran", nil, false},
		{"an error", []Result{good, {Err: errors.New("boom")}}, false},
	} {
		if got := Passed(f, tt.results); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// inspect's ✓ valid is the token's signature and claims: a revoked token
// passes them all, so the list says that revocation was not checked, and
// who can say.
func TestInspectTokenSaysRevocationIsNotChecked(t *testing.T) {
	_, env := world(t, authserver.StyleKeycloak)
	vars := Vars{}
	RunAll(context.Background(), env, ClientCredentials(), vars, nil)
	rev := RunAll(context.Background(), env, Revoke(), vars, nil)
	mustPass(t, "revoke", rev[len(rev)-1])
	r := InspectToken("access_token", vars[VarAccessToken]).Run(context.Background(), env, Vars{})
	tok := r.Tokens[0]
	if c := check(t, tok.Checks, "revoked", oauth.Skip); !strings.Contains(c.Reason, "oauthlab introspect") {
		t.Errorf("revoked: got %q, want who can say (oauthlab introspect)", c.Reason)
	}
	if !strings.HasPrefix(tok.Verdict(), "✓ valid") {
		t.Errorf("verdict: got %q, want ✓ valid (signature and claims hold)", tok.Verdict())
	}
}

// A server whose metadata says it sends iss with every authorization
// response (Keycloak: authorization_response_iss_parameter_supported) and a
// callback without it: the sign-in fails, the code is not exchanged (RFC
// 9207 §2.4) — what a mix-up attacker's response looks like.
func TestCallbackWithoutTheAdvertisedIssFails(t *testing.T) {
	w, env := world(t, authserver.StyleKeycloak)
	env.Settings = EmbeddedSignInSettings(w)
	env.OpenBrowser = func(authURL string) error {
		go func() {
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := authservertest.SignIn(noFollow, authURL, "alice", "alice", "allow")
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || loc.Query().Get("iss") == "" {
				t.Errorf("the embedded Keycloak sent no iss to strip: %v %s", err, loc)
				return
			}
			q := loc.Query()
			q.Del("iss")
			loc.RawQuery = q.Encode()
			if resp, err := http.Get(loc.String()); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	results := RunAll(context.Background(), env, AuthorizationCode(), Vars{}, nil)
	if len(results) != 2 {
		t.Fatalf("got %d results, want the sign-in to stop the flow", len(results))
	}
	check(t, results[1].Checks, "callback_iss", oauth.Fail)
}
